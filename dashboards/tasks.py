"""Celery tasks of the dashboards: warming the cache (see warm.py), queued once per burst of changes."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from . import warm

QUEUED_FLAG = "dashboards:warm-queued"


@shared_task(name="dashboards.tasks.warm_dashboards", time_limit=10 * 60, soft_time_limit=9 * 60)
def warm_dashboards() -> int:
    cache.delete(QUEUED_FLAG)  # changes from now on queue another warming
    return warm.warm()


def schedule() -> bool:
    """Queue one warming (many changes in a burst queue one); False when off or one is already queued."""
    if not settings.DASHBOARD_WARM or settings.DASHBOARD_CACHE_SECONDS <= 0:
        return False
    if not cache.add(QUEUED_FLAG, 1, timeout=5 * 60):
        return False
    warm_dashboards.apply_async(countdown=1)
    return True
