"""Background tasks of the adoption app: thin wrappers over `reminders.py`."""

from __future__ import annotations

from celery import shared_task

from .reminders import send_reminders


@shared_task(name="adoption.tasks.send_stale_reminders", time_limit=15 * 60, soft_time_limit=14 * 60)
def send_stale_reminders() -> dict[str, int | list[str]]:
    """Weekly (CELERY_BEAT_SCHEDULE): remind officers of stale or rejected declarations."""
    result = send_reminders()
    return {
        "officer_emails": result.officer_emails,
        "ministry_emails": result.ministry_emails,
        "municipalities": result.municipalities,
    }
