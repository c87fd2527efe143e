"""Reading an edition's stored figures: one home for "which edition" and "which payload".

Visible editions never change, so what is read here is cached by the edition's slug, in the shared
cache and in each process's own memory (`remembered`); only the meaning of "latest" moves: issuing
an edition forgets it, and a process trusts its own copy for LOCAL_LATEST_SECONDS at most.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache, caches
from django.http import Http404
from django.utils.translation import gettext as _

from .choices import Level
from .models import Edition, EditionFigure

LATEST = "latest"
LATEST_KEY = "opendata:latest-edition"
CACHE_SECONDS = 24 * 60 * 60
LOCAL_LATEST_SECONDS = 10  # a new edition reaches /open/ in every worker within this time
_MISSING = object()


def local_cache():
    return caches["process"]


def remembered(key: str, compute: Callable[[], Any], seconds: int, local_seconds: int | None = None) -> Any:
    """This process's memory first, then the shared cache, then `compute()` (kept in both unless None).

    For what never changes once made: a warm page then costs no round trip to Redis.
    """
    local = local_cache()
    found = local.get(key, _MISSING)
    if found is _MISSING:
        found = cache.get(key, _MISSING)
        if found is _MISSING:
            found = compute()
            if found is None:
                return None
            cache.set(key, found, seconds)
        local.set(key, found, seconds if local_seconds is None else local_seconds)
    return found


def latest_edition() -> Edition | None:
    found = remembered(
        LATEST_KEY,
        lambda: Edition.objects.visible().latest_first().first() or False,
        60,
        LOCAL_LATEST_SECONDS,
    )
    return found or None


def forget_latest() -> None:
    cache.delete(LATEST_KEY)
    local_cache().delete(LATEST_KEY)


def resolve(slug: str) -> Edition:
    """The visible edition at this address ("latest" for the newest); 404 otherwise."""
    if slug == LATEST:
        edition = latest_edition()
    else:
        edition = remembered(
            f"opendata:edition:{slug}",
            lambda: Edition.objects.visible().select_related("previous").filter(slug=slug).first(),
            CACHE_SECONDS,
        )
    if edition is None:
        raise Http404(_("No such edition."))
    return edition


def payload(edition: Edition, level: str, code: str = "") -> dict:
    """One stored payload (cached); 404 when the edition has no figures for that code."""
    found = remembered(
        f"opendata:figure:{edition.pk}:{level}:{code}",
        lambda: (
            EditionFigure.objects.filter(edition=edition, level=level, code=code)
            .values_list("payload", flat=True)
            .first()
        ),
        CACHE_SECONDS,
    )
    if found is None:
        raise Http404(_("No such province or municipality in this edition."))
    return found


def national(edition: Edition) -> dict:
    return payload(edition, Level.NATIONAL)


def municipalities_of(edition: Edition):
    """The queryset the list page and the API filter (one FilterSet for both)."""
    return EditionFigure.objects.filter(edition=edition, level=Level.MUNICIPALITY).order_by("payload__name_bg", "code")


def provinces_of(edition: Edition) -> list[dict]:
    return remembered(
        f"opendata:provinces:{edition.pk}",
        lambda: list(
            EditionFigure.objects.filter(edition=edition, level=Level.PROVINCE)
            .order_by("payload__name_bg", "code")
            .values_list("payload", flat=True)
        ),
        CACHE_SECONDS,
    )
