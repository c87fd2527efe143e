"""The rendered HTML of the dashboards, cached per data version, and the validators browsers revalidate with.

A dashboard page is a shell (header, menus, the language and sign-out forms with their CSRF tokens, the
date form) around the page's own part (figures, tables, map, charts). Only that part is costly and only
it is cached: keyed by the page, the query string, the date shown, the language, what the user's role
may see (the "variant") and the data version. The shell is rendered for every request, so no user ever
receives another's CSRF token or name.

The ETag is a digest of the cached part plus what makes the shell the user's own (the user and the
CSRF cookie); Last-Modified is when the data last changed. With `Cache-Control: private, no-cache` a
browser asks each time and gets `304 Not Modified`, no body, while neither changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import get_language

from accounts import policy

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class Fragment:
    """A page's own part, rendered, and a digest of it."""

    html: str
    digest: str


def variant(user: AbstractBaseUser | AnonymousUser) -> tuple[object, ...]:
    """What of a dashboard depends on who looks: which parts their role may see, which municipalities'
    declarations (an officer's own), and whether they act on what they see (the discrepancies' case form)."""
    return (
        policy.can_view_every_municipality(user),
        policy.can_view_discrepancies(user),
        policy.can_manage_outreach(user),
        policy.declarations_scope(user),
    )


def fragment_key(page: str, request: HttpRequest, as_of: date, version: str) -> str:
    """One key per page, query string, date, language, role variant and data version."""
    query = sorted((k, v) for k, values in request.GET.lists() for v in values)
    raw = repr((page, query, as_of.isoformat(), get_language(), variant(request.user), version))
    return "dashboards:page:" + hashlib.sha256(raw.encode()).hexdigest()


def get(key: str) -> Fragment | None:
    if settings.DASHBOARD_CACHE_SECONDS <= 0:
        return None
    fragment: Fragment | None = cache.get(key)  # what store() kept, or nothing
    return fragment


def store(key: str, html: str) -> Fragment:
    fragment = Fragment(html=html, digest=hashlib.sha256(html.encode()).hexdigest()[:32])
    if settings.DASHBOARD_CACHE_SECONDS > 0:
        cache.set(key, fragment, settings.DASHBOARD_CACHE_SECONDS)
    return fragment


def etag(fragment: Fragment, request: HttpRequest) -> str:
    """The page's own part, and the user's shell: who is signed in, their CSRF secret, the language."""
    user = request.user
    owner = (
        user.pk,
        getattr(user, "username", ""),
        request.META.get("CSRF_COOKIE", ""),  # the CSRF secret read from, or just set in, the cookie
        get_language(),
    )
    raw = repr((fragment.digest, owner))
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'
