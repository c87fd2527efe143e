"""Celery tasks a worker runs for the usage app: thin wrappers, passed ids only.

The doors (`services.py`) send `ingest_batch`; the beat's own tasks, which call the doors, are in
`beat.py`, so the imports flow one way: doors → tasks → processing.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import shared_task
from django.utils import timezone

from . import processing
from .partitions import ensure_partitions

# acks_late: a worker that dies mid-import leaves the message to be delivered again; the claim in
# `processing.process` makes a second delivery of a finished batch a no-op.
TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "time_limit": 60 * 60,
    "soft_time_limit": 55 * 60,
}


@shared_task(name="usage.tasks.ingest_batch", **TASK_OPTIONS)
def ingest_batch(batch_id: int) -> dict[str, Any] | None:
    result = processing.process(batch_id)
    return None if result is None else asdict(result)


@shared_task(name="usage.tasks.create_partitions", time_limit=10 * 60, soft_time_limit=9 * 60)
def create_partitions() -> list[str]:
    """The daily facts' monthly partitions ahead of time (see usage/partitions.py)."""
    return ensure_partitions(timezone.localdate())
