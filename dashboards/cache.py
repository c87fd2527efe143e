"""Caching the dashboards' aggregates, keyed by the version of the data behind them.

A dashboard's answer for a date changes only when an import succeeds or the adoption history
grows, and imports arrive a few times a day while pages are read all day. The key holds a data version read in one small
query (the last successful import and the last history entry), so a new import or declaration is
seen on the next request; edits to services and stages (rare, by an administrator) are picked up
when the entry expires after DASHBOARD_CACHE_SECONDS.

The cache is Django's default cache: Redis when REDIS_URL (or CACHE_URL) is set, so every gunicorn
and Celery worker shares one copy, and the task that changes the data warms it (see warm.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.utils.translation import get_language

from adoption.models import AdoptionChange
from usage.choices import Status
from usage.models import ImportBatch

T = TypeVar("T")


@dataclass(frozen=True)
class DataState:
    """The version of the dashboards' data, and when it last changed (for Last-Modified)."""

    version: str
    modified: datetime | None


def data_state() -> DataState:
    """Changes whenever an import succeeds (or is re-run) or a history entry is added.

    One round trip, as every dashboard request makes it and under load round trips are what queue:
    the successful imports' count and last finish, and the newest history entry by id (the primary
    key's index; max(created_at) would read every entry).
    """
    batches, changes = ImportBatch._meta.db_table, AdoptionChange._meta.db_table
    with connections[router.db_for_read(ImportBatch)].cursor() as cursor:  # the replica's version, if read there
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {batches} WHERE status = %s), "  # noqa: S608 - the models' tables
            f"(SELECT max(finished_at) FROM {batches} WHERE status = %s), "
            f"(SELECT id FROM {changes} ORDER BY id DESC LIMIT 1), "
            f"(SELECT created_at FROM {changes} ORDER BY id DESC LIMIT 1)",
            [Status.SUCCEEDED, Status.SUCCEEDED],
        )
        row = cursor.fetchone()
    count, last, change_id, change_at = row
    moments = [moment for moment in (last, change_at) if moment is not None]
    return DataState(version=f"{count}:{last}:{change_id}", modified=max(moments) if moments else None)


def data_version() -> str:
    return data_state().version


def cached(
    name: str, parts: tuple[Any, ...], compute: Callable[[], T], version: str | None = None, refresh: bool = False
) -> T:
    """`compute()` once per (name, parts, language, data version), for DASHBOARD_CACHE_SECONDS;
    `refresh` computes and keeps it again (the warm task: an entry may be close to expiry)."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    raw = repr((name, parts, get_language(), version or data_version()))
    key = "dashboards:" + hashlib.sha256(raw.encode()).hexdigest()
    value: T | None = None if refresh else cache.get(key)  # what compute() returned for this key, or nothing
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
