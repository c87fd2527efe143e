"""Celery tasks of the usage app: thin wrappers over `services`, passed ids only."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import shared_task

from . import services

# acks_late: a worker that dies mid-import leaves the message to be delivered again; the claim in
# `services.process` makes a second delivery of a finished batch a no-op.
TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "time_limit": 60 * 60,
    "soft_time_limit": 55 * 60,
}


@shared_task(name="usage.tasks.ingest_batch", **TASK_OPTIONS)
def ingest_batch(batch_id: int) -> dict[str, Any] | None:
    result = services.process(batch_id)
    return None if result is None else asdict(result)


@shared_task(name="usage.tasks.scan_inbox", acks_late=True, time_limit=10 * 60, soft_time_limit=9 * 60)
def scan_inbox() -> list[int]:
    return services.scan_inbox()


@shared_task(name="usage.tasks.requeue_batches", acks_late=True, time_limit=5 * 60, soft_time_limit=4 * 60)
def requeue_batches() -> int:
    return services.requeue_batches()


@shared_task(name="usage.tasks.create_partitions", time_limit=10 * 60, soft_time_limit=9 * 60)
def create_partitions() -> list[str]:
    """The daily facts' monthly partitions ahead of time (see usage/partitions.py)."""
    from django.utils import timezone

    from .partitions import ensure_partitions

    return ensure_partitions(timezone.localdate())
