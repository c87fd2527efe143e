"""Choices of the scoring app: colour bands of the index, what a target measures, peer groups."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Band(models.TextChoices):
    """The index's colour bands; `BAND_FLOORS` gives each band's lowest index."""

    LOW = "low", _("0–39: lagging")
    MIDDLE = "middle", _("40–69: on the way")
    HIGH = "high", _("70–100: advanced")


BAND_FLOORS: list[tuple[float, str]] = [(70, Band.HIGH), (40, Band.MIDDLE), (0, Band.LOW)]
# Map fill classes of portal.css (.map-fill-N) for the bands: red, amber, green.
BAND_FILLS = {Band.LOW: 5, Band.MIDDLE: 3, Band.HIGH: 6}
# (background, text) of each band, as `.index-band` in scoring.css: for images that cannot load a
# stylesheet (the open site's SVG badge).
BAND_COLOURS = {
    Band.LOW: ("#f8d7da", "#58151c"),
    Band.MIDDLE: ("#fff3cd", "#523d00"),
    Band.HIGH: ("#d1e7dd", "#0a3622"),
}


def band_of(index: float | Decimal) -> str:
    for floor, band in BAND_FLOORS:
        if index >= floor:
            return band
    return Band.LOW


class Measure(models.TextChoices):
    """What a target counts: municipalities at (or past) a verified stage, or observed using the service."""

    STAGE = "stage", _("verified stage reached")
    OBSERVED = "observed", _("observed use")


class AmountKind(models.TextChoices):
    SHARE = "share", _("share of municipalities (%)")
    COUNT = "count", _("number of municipalities")


class PeerScope(models.TextChoices):
    """Peer groups: the municipalities of the same population band, nationally or in the province."""

    NATIONAL = "national", _("same population band, nationally")
    PROVINCE = "province", _("same population band, in the province")
