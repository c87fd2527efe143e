"""Caching the dashboards' aggregates, keyed by the version of the data behind them.

A dashboard's answer for a date changes only when an import succeeds or the adoption history
grows, and imports arrive a few times a day while pages are read all day. The key holds a data version read in one small
query (the last successful import and the last history entry), so a new import or declaration is
seen on the next request; edits to services and stages (rare, by an administrator) are picked up
when the entry expires after DASHBOARD_CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.translation import get_language

from adoption.models import AdoptionChange
from usage.choices import Status
from usage.models import ImportBatch

T = TypeVar("T")


def data_version() -> str:
    """Changes whenever an import succeeds (or is re-run) or a history entry is added: two aggregates."""
    batches = ImportBatch.objects.filter(status=Status.SUCCEEDED).aggregate(n=Count("id"), last=Max("finished_at"))
    changes = AdoptionChange.objects.aggregate(last=Max("id"))
    return f"{batches['n']}:{batches['last']}:{changes['last']}"


def cached(name: str, parts: tuple, compute: Callable[[], T], version: str | None = None) -> T:
    """`compute()` once per (name, parts, language, data version), for DASHBOARD_CACHE_SECONDS."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    raw = repr((name, parts, get_language(), version or data_version()))
    key = "dashboards:" + hashlib.sha256(raw.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
