"""The allow-list: every field the public may see, as the dataclasses an edition's payloads follow.

Pages, downloads, the open API and data.egov.bg all read payloads built from these classes and
nothing else, and `conforms()` checks any payload against them (the tests run it on everything
public). A new public figure is one field here, filled in `figures.py`: the adoption index and
the peer ranks of the `scoring` app came in that way (`standing.py` reads them).

Never public: contacts, officers and who verified what, comments and evidence, unverified or
rejected declarations, per-day or per-query-type usage rows.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass
class StageLabel:
    """One stage of a service."""

    code: str
    name_bg: str
    name_en: str
    adopted: bool  # the stage counts as adoption


@dataclass
class ServiceTotals:
    """A service's label, its stages and how many municipalities are at each (national level)."""

    code: str
    name_bg: str
    name_en: str
    stages: list[StageLabel]
    declared: int  # municipalities at an adopted stage (verified declarations only)
    observed: int | None  # municipalities whose usage shows in the window; None: not reported
    at_stage: dict[str, int] = field(default_factory=dict)  # stage code -> municipalities


@dataclass
class ServiceCount:
    """How many municipalities of a group adopted (declared) and use (observed) one service."""

    service: str
    declared: int
    observed: int | None


@dataclass
class ServiceCell:
    """One municipality and one service."""

    service: str
    stage: str  # stage code (verified declarations only; never declared = the first stage)
    adopted: bool
    since: str | None  # ISO date the stage took effect; None: never declared
    observed: bool | None  # None: the service has no usage reports
    usage: int | None  # RegiX queries or SEOS documents in the window's months; None: not reported


@dataclass
class PeerRank:
    """A municipality's index among its peers: the municipalities of its population band, in the
    whole country (scope "national") or in its province (scope "province")."""

    scope: str  # scoring.choices.PeerScope
    group_size: int  # peers, the municipality included
    rank: int  # 1 = the highest index; equal indices share the better rank
    percentile: int  # share (%) of the other peers with a lower index
    median: float  # the peers' median index


@dataclass
class MunicipalityFigures:
    """One municipality in an edition."""

    code: str
    name_bg: str
    name_en: str
    province_code: str
    province_name_bg: str
    province_name_en: str
    population: int
    population_band: str
    services: list[ServiceCell]
    # The adoption index (0-100, one decimal) and the method version that computed it; None (and
    # no ranks) when no method exists. Editions issued before the index was public lack them.
    index: float | None = None
    index_method: int | None = None
    peer_ranks: list[PeerRank] = field(default_factory=list)


@dataclass
class ProvinceFigures:
    """One province in an edition."""

    code: str
    name_bg: str
    name_en: str
    municipalities: int
    population: int
    services: list[ServiceCount]
    index: float | None = None  # the mean of its municipalities' indices
    index_method: int | None = None


@dataclass
class BandFigures:
    """Municipalities of one population band: the peers shown on a municipality's page."""

    band: str
    municipalities: int
    services: list[ServiceCount]


@dataclass
class TrendSeries:
    """One service, month by month."""

    service: str
    declared: list[int]
    observed: list[int] | None


@dataclass
class Trend:
    """Adoption month by month since 2016."""

    months: list[str]  # ISO first days of the months since 2016
    series: list[TrendSeries]


@dataclass
class Change:
    """What changed for one municipality and service since the previous edition."""

    kind: str  # see CHANGE_KINDS
    municipality: str
    municipality_name_bg: str
    municipality_name_en: str
    service: str
    from_stage: str | None
    to_stage: str | None


@dataclass
class NationalFigures:
    """The country in an edition."""

    as_of: str
    window_days: int
    municipalities: int
    population: int
    services: list[ServiceTotals]
    both_declared: int  # RegiX and SEOS both declared adopted
    both_observed: int
    bands: list[BandFigures]
    trend: Trend
    previous_edition: str | None
    changes: list[Change]
    index: float | None = None  # the mean of all municipalities' indices
    index_method: int | None = None


@dataclass
class EditionSummary:
    """An edition as listed (the API and the JSON download's header)."""

    slug: str
    year: int
    quarter: int
    version: int
    as_of: str
    issued_at: str
    note: str
    previous_edition: str | None


# What each public field means, for the OpenAPI schema (one entry per field name of the classes above).
FIELD_HELP = {
    "code": "Code: NSI code of the municipality or province, or the service or stage code.",
    "name_bg": "Name in Bulgarian.",
    "name_en": "Name in English.",
    "adopted": "Whether the stage counts as adoption (verified declarations only).",
    "stages": "The service's stages in order.",
    "declared": "Municipalities at an adopted stage (verified declarations only).",
    "observed": "Observed use in the window (a count, or yes/no for one municipality); null: not reported.",
    "at_stage": "Municipalities at each stage, by stage code.",
    "service": "Service code.",
    "stage": "Stage code (verified declarations only; never declared is the first stage).",
    "since": "ISO date the stage took effect; null: never declared.",
    "usage": "RegiX queries or SEOS documents in the window's calendar months; null: not reported.",
    "province_code": "NSI code of the province.",
    "province_name_bg": "Province name in Bulgarian.",
    "province_name_en": "Province name in English.",
    "population": "Population.",
    "population_band": "Population band (lt5k, 5k-20k, 20k-100k, gt100k).",
    "services": "Figures per service.",
    "municipalities": "Number of municipalities.",
    "band": "Population band code.",
    "months": "First days of the months (ISO dates) since January 2016.",
    "series": "One series per service.",
    "kind": "stage, entered_use or left_use.",
    "municipality": "NSI code of the municipality.",
    "municipality_name_bg": "Municipality name in Bulgarian.",
    "municipality_name_en": "Municipality name in English.",
    "from_stage": "Stage code before (stage changes only).",
    "to_stage": "Stage code after (stage changes only).",
    "as_of": "ISO date the figures describe.",
    "window_days": "Days before as_of in which usage counts as observed.",
    "both_declared": "Municipalities with RegiX and SEOS both declared adopted.",
    "both_observed": "Municipalities observed using both RegiX and SEOS.",
    "bands": "Figures per population band (the peers of a municipality).",
    "trend": "Month-by-month adoption since 2016.",
    "previous_edition": "Slug of the edition compared with; null for the first.",
    "changes": "What changed since the previous edition.",
    "slug": "The edition's permanent identifier, e.g. 2026-q3 or 2026-q3-v2.",
    "year": "Year of the edition's quarter.",
    "quarter": "Quarter (1 to 4).",
    "version": "Version: 1, or 2 and up for corrections.",
    "issued_at": "When the edition was issued (ISO date and time).",
    "note": "What a correction changed; empty for a first version.",
    "index": (
        "Adoption index, 0 to 100 with one decimal, computed by the method version index_method (a province's "
        "and the country's: the mean of their municipalities'); null: no index method."
    ),
    "index_method": "Version of the index method that computed the index (see /index/method/?method=N).",
    "peer_ranks": "The index among the municipalities of the same population band, in the country and in the province.",
    "scope": "national: peers in the whole country; province: peers in the same province.",
    "group_size": "Number of peers, the municipality included.",
    "rank": "Rank by index among the peers: 1 is the highest; equal indices share the better rank.",
    "percentile": "Share (percent) of the other peers with a lower index.",
    "median": "The peers' median index.",
}

CHANGE_KINDS = {
    "stage": _("moved stage"),
    "entered_use": _("entered observed use"),
    "left_use": _("left observed use"),
}


def as_payload(figures) -> dict:
    return dataclasses.asdict(figures)


def conforms(value, cls, path: str = "$") -> list[str]:
    """Every key of `value` that `cls` does not allow (with its path); empty means it conforms."""
    if not isinstance(value, dict):
        return [f"{path}: expected an object"]
    hints = typing.get_type_hints(cls)
    problems = [f"{path}.{key}: not in the allow-list" for key in value if key not in hints]
    for key, hint in hints.items():
        if key in value:
            problems += _check(value[key], hint, f"{path}.{key}")
    return problems


def _check(value, hint, path: str) -> list[str]:
    if value is None:
        return []
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _check(value, inner[0], path)
    if origin is list:
        (item,) = typing.get_args(hint)
        return [p for i, v in enumerate(value) for p in _check(v, item, f"{path}[{i}]")]
    if origin is dict:
        return [] if all(isinstance(v, int) for v in value.values()) else [f"{path}: expected counts"]
    if dataclasses.is_dataclass(hint):
        return conforms(value, hint, path)
    if hint is float:  # JSON may write a whole number without its ".0"
        return [] if isinstance(value, int | float) and not isinstance(value, bool) else [f"{path}: expected float"]
    return [] if isinstance(value, hint) else [f"{path}: expected {hint.__name__}"]


def allowed_names(cls) -> set[str]:
    """Every field name reachable from `cls` (for flat formats such as CSV headers)."""
    names: set[str] = set()
    for key, hint in typing.get_type_hints(cls).items():
        names.add(key)
        for arg in (hint, *typing.get_args(hint)):
            for inner in (arg, *typing.get_args(arg)):
                if dataclasses.is_dataclass(inner):
                    names |= allowed_names(inner)
    return names
