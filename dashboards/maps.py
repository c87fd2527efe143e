"""The national map: 265 municipality shapes as SVG, coloured by a category, with a table twin.

Projecting the boundaries costs tens of milliseconds, so the projected paths are cached per
process, keyed by a digest of the stored boundaries: when `import_ekatte` changes a boundary the
digest changes and the next request projects again. The digest comes from the same query that
reads the municipalities' names, so the cache costs no extra query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from adoption.choices import ServiceCode
from core.formatting import format_number
from municipalities.geo import SvgMap, project
from municipalities.models import Municipality

from .charts import month_label

if TYPE_CHECKING:
    from adoption.models import Service, Stage

    from .queries import MunicipalityRow, MunicipalityTable

# How many fill classes portal.css defines (.map-fill-0 … .map-fill-9); categories beyond reuse the last.
FILL_CLASSES = 10


@dataclass(frozen=True)
class MapCategory:
    """One legend entry: a category of municipalities and how many fall in it."""

    key: str
    label: str
    fill: int
    count: int = 0

    @property
    def css_class(self) -> str:
        return f"map-fill-{min(self.fill, FILL_CLASSES - 1)}"


@dataclass(frozen=True)
class MapValue:
    """What the map says about one municipality: its category and the figures behind it."""

    category: str
    details: str
    figures: tuple[str, ...] = ()


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    province: str
    href: str
    path: str
    category: MapCategory
    details: str
    figures: tuple[str, ...]


@dataclass(frozen=True)
class NationalMap:
    """Everything the map template needs: shapes, legend, and the columns of its table twin."""

    title: str
    view_box: str
    areas: list[MapArea]
    legend: list[MapCategory]
    columns: tuple[str, ...] = field(default_factory=tuple)


class MapRow(Protocol):
    """What the map reads of a row: the municipality's NSI code, name, province and page."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def province(self) -> str: ...
    @property
    def href(self) -> str: ...


@lru_cache(maxsize=4)
def _projected(version: str) -> SvgMap:
    """The projected shapes for one version of the boundaries (the argument is the cache key)."""
    boundaries = dict(Municipality.objects.filter(boundary__isnull=False).values_list("code", "boundary"))
    return project(boundaries)


def boundaries_version() -> str:
    """A digest of every stored boundary: one single-row query (the projection's cache key)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT md5(string_agg(code || ':' || coalesce(md5(boundary::text), '-'), ';' ORDER BY code)) "
            "FROM municipalities_municipality"
        )
        return cursor.fetchone()[0] or ""


def municipality_paths() -> tuple[dict[str, str], str]:
    """{NSI code: SVG path} and the view box, projected once per version of the boundaries.

    The version itself (a digest over 350 kB of GeoJSON) is remembered for DASHBOARD_CACHE_SECONDS:
    boundaries change only with an EKATTE import.
    """
    seconds = settings.DASHBOARD_CACHE_SECONDS
    version = cache.get("dashboards:boundaries-version") if seconds > 0 else None
    if version is None:
        version = boundaries_version()
        if seconds > 0:
            cache.set("dashboards:boundaries-version", version, seconds)
    svg = _projected(version)
    return {shape.key: shape.path for shape in svg.shapes}, svg.view_box


def national_map(
    title: str,
    rows: Sequence[MapRow],
    values: dict[str, MapValue],
    categories: list[MapCategory],
    columns: tuple[str, ...] = (),
) -> NationalMap:
    """Colour every municipality of `rows` (code, name, province, href) by `values[code].category`.

    A municipality with no value falls in the last category, which callers use for "no data".
    """
    paths, view_box = municipality_paths()
    counts: dict[str, int] = {}
    for row in rows:
        key = values[row.code].category if row.code in values else categories[-1].key
        counts[key] = counts.get(key, 0) + 1
    legend = [MapCategory(c.key, c.label, c.fill, counts.get(c.key, 0)) for c in categories]
    by_key = {c.key: c for c in legend}
    areas = []
    for row in rows:
        if row.code not in paths:
            continue
        value = values.get(row.code) or MapValue(category=categories[-1].key, details=categories[-1].label)
        areas.append(
            MapArea(
                code=row.code,
                name=row.name,
                province=row.province,
                href=row.href,
                path=paths[row.code],
                category=by_key[value.category],
                details=value.details,
                figures=value.figures,
            )
        )
    return NationalMap(title=title, view_box=view_box, areas=areas, legend=legend, columns=columns)


# --- Colourings of the national map, from the municipality table of `queries.py` ----------------

AGREEMENT_FILLS = {"both": 1, "declared_only": 5, "observed_only": 3, "neither": 0}
# RegiX queries per 1,000 inhabitants in the window's months: the floors of the buckets above "none".
INTENSITY_FLOORS = [10, 100, 1_000]
INTENSITY_FILLS = [0, 1, 2, 8, 9]


def _figures(row: MunicipalityRow) -> tuple[str, ...]:
    return (
        format_number(row.population),
        format_number(row.regix_requests),
        format_number(row.seos_documents),
    )


def _columns() -> tuple[str, ...]:
    return (str(_("Population")), str(_("RegiX queries")), str(_("SEOS documents")))


def map_by_stage(table: MunicipalityTable, service: Service) -> NationalMap:
    """Each municipality in the colour of the service's declared stage on the day shown."""
    stages = list(service.stages.all())
    categories = [MapCategory(s.code, s.name, fill=_stage_fill(i, s, stages)) for i, s in enumerate(stages)]
    categories.append(MapCategory("none", str(_("No data")), fill=7))  # a service without stages
    values = {}
    for row in table.rows:
        cell = row.cells[service.code]
        stage = cell.stage
        label = stage.name if stage else str(_("No data"))
        since = f" ({_('since')} {date_format(cell.since, 'SHORT_DATE_FORMAT')})" if cell.since else ""
        values[row.code] = MapValue(
            category=stage.code if stage else "none",
            details=f"{row.name}, {row.province}: {label}{since}",
            figures=_figures(row),
        )
    title = _("%(service)s: declared stage on %(date)s") % {
        "service": service.name,
        "date": date_format(table.as_of, "SHORT_DATE_FORMAT"),
    }
    return national_map(str(title), table.rows, values, categories, _columns())


def _stage_fill(index: int, stage: Stage, stages: list[Stage]) -> int:
    """Ordered stages go light to dark; a stage after the adopted one (e.g. suspended) is red."""
    adopted_at = next((i for i, s in enumerate(stages) if s.counts_as_adopted), len(stages) - 1)
    if index > adopted_at:
        return 5
    return min(index, 3) if stage.counts_as_adopted is False else 4


def map_by_agreement(table: MunicipalityTable, service: Service) -> NationalMap:
    """Declared stage against observed use: both, declared only, observed only, neither."""
    labels = {
        "both": _("Declared and observed"),
        "declared_only": _("Declared, not observed"),
        "observed_only": _("Observed, not declared"),
        "neither": _("Neither"),
    }
    categories = [MapCategory(key, str(labels[key]), fill=AGREEMENT_FILLS[key]) for key in labels]
    values = {}
    for row in table.rows:
        cell = row.cells[service.code]
        used = row.regix_requests if service.code == ServiceCode.REGIX else row.seos_documents
        values[row.code] = MapValue(
            category=cell.agreement,
            details=f"{row.name}, {row.province}: {labels[cell.agreement]} — "
            f"{cell.stage.name if cell.stage else ''}; {format_number(used)}",
            figures=_figures(row),
        )
    title = _("%(service)s: declared stage against use in the %(days)s days to %(date)s") % {
        "service": service.name,
        "days": (table.window.end - table.window.start).days + 1,
        "date": date_format(table.as_of, "SHORT_DATE_FORMAT"),
    }
    return national_map(str(title), table.rows, values, categories, _columns())


def map_by_intensity(table: MunicipalityTable) -> NationalMap:
    """RegiX queries per 1,000 inhabitants in the calendar months of the observed window."""
    floors = [format_number(f) for f in INTENSITY_FLOORS]
    labels = [_("none"), _("under %(high)s") % {"high": floors[0]}]
    labels += [
        _("%(low)s to %(high)s") % {"low": low, "high": high} for low, high in zip(floors, floors[1:], strict=False)
    ]
    labels.append(_("%(low)s and more") % {"low": floors[-1]})
    categories = [MapCategory(f"b{i}", str(label), fill=INTENSITY_FILLS[i]) for i, label in enumerate(labels)]
    values = {}
    for row in table.rows:
        rate = row.regix_per_1000 or 0
        bucket = 0 if rate <= 0 else 1 + sum(rate >= floor for floor in INTENSITY_FLOORS)
        values[row.code] = MapValue(
            category=f"b{bucket}",
            details=f"{row.name}, {row.province}: {format_number(rate, 1)} {_('RegiX queries per 1,000 inhabitants')}",
            figures=_figures(row),
        )
    title = _("RegiX queries per 1,000 inhabitants, %(first)s – %(last)s") % {
        "first": month_label(table.window.first_month),
        "last": month_label(table.window.last_month),
    }
    return national_map(str(title), table.rows, values, categories, _columns())


def map_regix_and_seos(table: MunicipalityTable) -> NationalMap:
    """The overview's map: which municipalities use RegiX, SEOS, both or neither (observed)."""
    labels = {
        "both": _("RegiX and SEOS"),
        ServiceCode.REGIX: _("RegiX only"),
        ServiceCode.SEOS: _("SEOS only"),
        "neither": _("Neither"),
    }
    fills = {"both": 4, ServiceCode.REGIX: 2, ServiceCode.SEOS: 6, "neither": 0}
    categories = [MapCategory(key, str(label), fill=fills[key]) for key, label in labels.items()]
    values = {}
    for row in table.rows:
        regix, seos = bool(row.cells[ServiceCode.REGIX].observed), bool(row.cells[ServiceCode.SEOS].observed)
        key = "both" if regix and seos else ServiceCode.REGIX if regix else ServiceCode.SEOS if seos else "neither"
        values[row.code] = MapValue(
            category=key,
            details=f"{row.name}, {row.province}: {labels[key]} — "
            f"RegiX {format_number(row.regix_requests)}, "
            f"SEOS {format_number(row.seos_documents)}",
            figures=_figures(row),
        )
    title = _("Use of RegiX and SEOS in the %(days)s days to %(date)s") % {
        "days": (table.window.end - table.window.start).days + 1,
        "date": date_format(table.as_of, "SHORT_DATE_FORMAT"),
    }
    return national_map(str(title), table.rows, values, categories, _columns())


# --- The map as a file: one SVG per map, date, language and data version (see views.MapSvgView) -------


def areas_markup(national_map: NationalMap) -> str:
    """Each municipality as a focusable link around its shape, with its details as the tooltip.

    Built with escape() rather than a template loop, which took tens of milliseconds per map.
    """
    parts = []
    for area in national_map.areas:
        details = escape(area.details)
        parts.append(
            f'<a href="{escape(area.href)}" target="_top" aria-label="{escape(area.name)}: '
            f'{escape(area.category.label)}" data-details="{details}"><path d="{area.path}" '
            f'class="shape {area.category.css_class}" data-code="{escape(area.code)}" '
            f'data-category="{escape(area.category.key)}"><title>{details}</title></path></a>'
        )
    return "".join(parts)


def svg_document(national_map: NationalMap, stylesheet: str) -> str:
    """The map as a standalone SVG file: the page fetches it and draws it in place (dashboards.js);
    opened on its own it takes its colours from the portal's stylesheet."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<?xml-stylesheet type="text/css" href="{escape(stylesheet)}"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{escape(national_map.view_box)}" role="group" '
        f'aria-label="{escape(national_map.title)}" class="boundary-map national">'
        f"{areas_markup(national_map)}</svg>"
    )
