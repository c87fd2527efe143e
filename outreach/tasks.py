"""Thin tasks over the outreach services: monthly scorecards, daily case closing and follow-ups."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from . import cases, scorecards
from .workdays import first_working_day


@shared_task(acks_late=True, time_limit=30 * 60)
def send_monthly_scorecards(today: str | None = None) -> dict:
    """Runs every weekday morning of the month's first week; sends only on its first working day.
    Re-running (a restart, a second beat) sends nothing twice: deliveries are recorded."""
    day = timezone.localdate() if today is None else datetime.fromisoformat(today).date()
    if day != first_working_day(day.year, day.month):
        return {"sent": 0, "reason": "not the first working day"}
    result = scorecards.send_scorecards(scorecards.previous_period(day))
    return {"sent": result.sent, "skipped": result.skipped, "bounced": result.bounced, "failed": result.failed}


@shared_task(acks_late=True, time_limit=10 * 60)
def daily_case_upkeep() -> dict:
    """Close the cases whose agreed stage is verified; remind owners of the follow-ups due."""
    return {"closed": len(cases.close_reached()), "reminded": cases.send_follow_ups()}
