"""Background jobs of the open data: the quarterly edition and its publication to data.egov.bg."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from . import dataegov, reading
from .editions import issue_quarterly


@shared_task(acks_late=True, time_limit=30 * 60)
def issue_quarterly_edition() -> str | None:
    """The first day of each quarter: issue its edition (nothing if it exists), then publish it."""
    edition = issue_quarterly()
    reading.forget_latest()
    if edition is not None:
        transaction.on_commit(publish_pending.delay)
    return edition.slug if edition else None


@shared_task(acks_late=True, time_limit=30 * 60)
def publish_pending() -> list[str]:
    """Send every edition that is not yet on data.egov.bg and whose next attempt is due."""
    return [p.edition.slug for p in dataegov.publish_due()]
