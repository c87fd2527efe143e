"""The rendered HTML of the dashboards, cached per data version, and the validators browsers revalidate with.

A dashboard page is a shell (header, menus, the language and sign-out forms with their CSRF tokens, the
date form) around the page's own part (figures, tables, map, charts). That part is the costly one and is
shared: cached on Redis, keyed by the page, the query string, the date shown, the language, what the
user's role may see (the "variant") and the data version. The whole page, shell included, is also kept
per user in each process's memory (`whole_page_key`), with a stand-in where the CSRF token goes
(`core.tokenpage`): a repeated visit then renders no template, and still no user ever receives another's
CSRF token or name.

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
from django.core.cache import cache, caches
from django.http import HttpRequest
from django.utils.translation import get_language

from accounts import policy
from core.tokenpage import CSRF_SENTINEL, TokenPage, messages_waiting

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


def whole_page_key(fragment_key: str, request: HttpRequest) -> str | None:
    """This user's whole page around the part under `fragment_key`, at this address; None when it must be
    rendered afresh (a message waits to be shown). Everything the shell reads of the user is in the key:
    who they are, their name and what their role and municipality let the menu show."""
    if messages_waiting(request):
        return None
    user = request.user
    owner = (
        user.pk,
        getattr(user, "username", ""),
        policy.role_of(user),
        getattr(user, "municipality_id", None),
    )
    raw = repr((fragment_key, request.get_full_path(), owner))
    return "dashboards:whole:" + hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class WholePage:
    """A user's whole page, cut where the CSRF token goes, and the digest of the shared part inside."""

    digest: str
    page: TokenPage


def get_whole(key: str) -> WholePage | None:
    if settings.DASHBOARD_CACHE_SECONDS <= 0:
        return None
    whole: WholePage | None = caches["process"].get(key)  # what store_whole() kept, or nothing
    return whole


def store_whole(key: str, digest: str, html: str) -> WholePage:
    """`html` rendered with `CSRF_SENTINEL` as its token; kept in this process's memory only (per user)."""
    whole = WholePage(digest=digest, page=TokenPage.of(html, CSRF_SENTINEL))
    caches["process"].set(key, whole, settings.DASHBOARD_CACHE_SECONDS)
    return whole


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


def etag(digest: str, request: HttpRequest) -> str:
    """The digest of the page's own part, and the user's shell: who is signed in, their CSRF secret, the language."""
    user = request.user
    owner = (
        user.pk,
        getattr(user, "username", ""),
        request.META.get("CSRF_COOKIE", ""),  # the CSRF secret read from, or just set in, the cookie
        get_language(),
    )
    raw = repr((digest, owner))
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'
