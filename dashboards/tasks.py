"""Celery tasks of the dashboards: warming the cache (see warm.py)."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache

from . import warm


@shared_task(name="dashboards.tasks.warm_dashboards", time_limit=10 * 60, soft_time_limit=9 * 60)
def warm_dashboards() -> int:
    cache.delete(warm.QUEUED_FLAG)  # changes from now on queue another warming
    return warm.warm()
