"""Liveness of the portal's dependencies, for /healthz and for `make test`'s own checks."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import redis
from django.conf import settings
from django.db import connection


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means "down"; the detail says which
        return Check(ok=False, detail=f"{type(error).__name__}: {error}".strip())
    return Check(ok=True, detail=connection.vendor)


def check_broker() -> Check:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return Check(ok=True, detail="in-process (no REDIS_URL)")
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except redis.RedisError as error:
        return Check(ok=False, detail=f"{type(error).__name__}: {error}")
    return Check(ok=True, detail="redis")


def health() -> dict[str, Any]:
    checks = {"database": check_database(), "broker": check_broker()}
    return {
        "status": "ok" if all(check.ok for check in checks.values()) else "unavailable",
        **{name: asdict(check) for name, check in checks.items()},
    }
