"""Reads that may go to a streaming replica: the dashboards, exports and the open API.

With DATABASE_REPLICA_URL set, the settings add a "replica" database and this router. A request
reads from the replica when it is a GET or HEAD to one of REPLICA_READ_PATHS (or an export), and the
user has not written anything in the last DATABASE_REPLICA_PIN_SECONDS: right after their own write
a user reads from the primary, so they never miss what they just saved while the replica catches up.
Everything else, and every write, goes to the primary; sign-in, sessions and users are always read
from the primary (a session written at sign-in must be found on the very next request).

Background work opts in with `with replica_reads(): ...` (e.g. a long export).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Model
from django.http import HttpRequest, HttpResponseBase

REPLICA = "replica"
PIN_COOKIE = "egov_primary_until"
# Read from the primary always: what sign-in and access decisions rest on.
PRIMARY_ONLY_APPS = {"sessions", "auth", "accounts", "axes", "authtoken", "contenttypes", "admin"}
REPLICA_READ_PATHS = ("/dashboards/", "/api/", "/exports/", "/reports/")

_use_replica: ContextVar[bool] = ContextVar("use_replica", default=False)


def enabled() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside go to the replica (when there is one)."""
    token = _use_replica.set(enabled())
    try:
        yield
    finally:
        _use_replica.reset(token)


class ReplicaRouter:
    """Django's database router: the replica for reads in `replica_reads()`, the primary otherwise."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if _use_replica.get() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return REPLICA
        return None  # Django's default: the primary, or the database the related object came from

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"


def _pin_key(user_id: Any) -> str:
    return f"replica:pinned:{user_id}"


def pinned(request: HttpRequest) -> bool:
    """Whether this user wrote something a moment ago (cookie for browsers, cache for API tokens)."""
    until = request.COOKIES.get(PIN_COOKIE, "")
    if until.isdigit() and int(until) > time.time():
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and cache.get(_pin_key(user.pk)))


def pin(request: HttpRequest, response: HttpResponseBase) -> None:
    seconds = settings.DATABASE_REPLICA_PIN_SECONDS
    response.set_cookie(
        PIN_COOKIE, str(int(time.time()) + seconds), max_age=seconds, httponly=True, samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )  # fmt: skip
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        cache.set(_pin_key(user.pk), 1, seconds)


def replica_eligible(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    path = request.path_info
    return path == "/" or path.startswith(REPLICA_READ_PATHS) or "_export" in request.GET


class ReplicaMiddleware:
    """Routes a request's reads (see the module's docstring) and pins a user to the primary after a write.

    Placed after AuthenticationMiddleware, so that `request.user` tells whose write it was.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not enabled():
            return self.get_response(request)
        if replica_eligible(request) and not pinned(request):
            with replica_reads():
                return self.get_response(request)
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
            pin(request, response)
        return response
