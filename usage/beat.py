"""The beat's tasks of the usage app: pick up the inbox and re-queue what the broker lost.

They call the doors (`services.py`), which send `tasks.ingest_batch`; kept apart from `tasks.py` so
that the imports flow one way. Celery loads this module through CELERY_IMPORTS.
"""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="usage.beat.scan_inbox", acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60)
def scan_inbox() -> list[int]:
    return services.scan_inbox()


@shared_task(name="usage.beat.requeue_batches", acks_late=True, time_limit=5 * 60, soft_time_limit=4 * 60)
def requeue_batches() -> int:
    return services.requeue_batches()
