"""Reading an edition's stored figures: one home for "which edition" and "which payload".

Visible editions never change, so what is read here is cached by the edition's slug; only the
meaning of "latest" moves, and issuing an edition bumps `LATEST_KEY`'s version.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404
from django.utils.translation import gettext as _

from .choices import Level
from .models import Edition, EditionFigure

LATEST = "latest"
LATEST_KEY = "opendata:latest-edition"
CACHE_SECONDS = 24 * 60 * 60


def latest_edition() -> Edition | None:
    found = cache.get(LATEST_KEY)
    if found is None:
        found = Edition.objects.visible().latest_first().first() or False
        cache.set(LATEST_KEY, found, 60)
    return found or None


def forget_latest() -> None:
    cache.delete(LATEST_KEY)


def resolve(slug: str) -> Edition:
    """The visible edition at this address ("latest" for the newest); 404 otherwise."""
    if slug == LATEST:
        edition = latest_edition()
    else:
        key = f"opendata:edition:{slug}"
        edition = cache.get(key)
        if edition is None:
            edition = Edition.objects.visible().select_related("previous").filter(slug=slug).first()
            if edition is not None:
                cache.set(key, edition, CACHE_SECONDS)
    if edition is None:
        raise Http404(_("No such edition."))
    return edition


def payload(edition: Edition, level: str, code: str = "") -> dict:
    """One stored payload (cached); 404 when the edition has no figures for that code."""
    key = f"opendata:figure:{edition.pk}:{level}:{code}"
    found = cache.get(key)
    if found is None:
        found = (
            EditionFigure.objects.filter(edition=edition, level=level, code=code)
            .values_list("payload", flat=True)
            .first()
        )
        if found is None:
            raise Http404(_("No such province or municipality in this edition."))
        cache.set(key, found, CACHE_SECONDS)
    return found


def national(edition: Edition) -> dict:
    return payload(edition, Level.NATIONAL)


def municipalities_of(edition: Edition):
    """The queryset the list page and the API filter (one FilterSet for both)."""
    return EditionFigure.objects.filter(edition=edition, level=Level.MUNICIPALITY).order_by("payload__name_bg", "code")


def provinces_of(edition: Edition) -> list[dict]:
    key = f"opendata:provinces:{edition.pk}"
    found = cache.get(key)
    if found is None:
        found = list(
            EditionFigure.objects.filter(edition=edition, level=Level.PROVINCE)
            .order_by("payload__name_bg", "code")
            .values_list("payload", flat=True)
        )
        cache.set(key, found, CACHE_SECONDS)
    return found
