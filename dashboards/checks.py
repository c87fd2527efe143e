"""System checks of the dashboards' settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, register


@register()
def observed_window_spans_two_months(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[Error]:
    """The monthly rollups answer "used in the window" exactly only when the window's first and last
    days fall in different months, which any window of 31 days or more guarantees."""
    days = settings.DASHBOARD_OBSERVED_WINDOW_DAYS
    if isinstance(days, int) and days >= 31:
        return []
    return [
        Error(
            f"DASHBOARD_OBSERVED_WINDOW_DAYS is {days!r}; it must be a whole number of days, at least 31.",
            hint="Observed use is computed from monthly rollups; see dashboards/snapshots.py.",
            id="dashboards.E001",
        )
    ]
