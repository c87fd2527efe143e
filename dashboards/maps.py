"""The national map: 265 municipality shapes as SVG, coloured by a category, with a table twin.

Projecting the boundaries costs tens of milliseconds, so the projected paths are cached per
process, keyed by a digest of the stored boundaries: when `import_ekatte` changes a boundary the
digest changes and the next request projects again. The digest comes from the same query that
reads the municipalities' names, so the cache costs no extra query.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import TextField
from django.db.models.functions import MD5, Cast

from municipalities.geo import SvgMap, project
from municipalities.models import Municipality

# How many fill classes portal.css defines (.map-fill-0 … .map-fill-7); categories beyond reuse the last.
FILL_CLASSES = 8


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


@lru_cache(maxsize=4)
def _projected(version: str) -> SvgMap:
    """The projected shapes for one version of the boundaries (the argument is the cache key)."""
    boundaries = dict(Municipality.objects.filter(boundary__isnull=False).values_list("code", "boundary"))
    return project(boundaries)


def municipality_shapes() -> tuple[list[Municipality], dict[str, str], str]:
    """The municipalities (code, names, province, population) and their SVG paths; one query when cached."""
    municipalities = list(
        Municipality.objects.select_related("province")
        .only("code", "name_bg", "name_en", "population", "province__code", "province__name_bg", "province__name_en")
        .annotate(boundary_md5=MD5(Cast("boundary", TextField())))
        .order_by("code")
    )
    digest = hashlib.sha256("".join(f"{m.code}:{m.boundary_md5 or '-'};" for m in municipalities).encode())
    svg = _projected(digest.hexdigest())
    return municipalities, {shape.key: shape.path for shape in svg.shapes}, svg.view_box


def national_map(
    title: str, values: dict[str, MapValue], categories: list[MapCategory], columns: tuple[str, ...] = ()
) -> NationalMap:
    """Colour every municipality by `values[code].category` (a key of `categories`).

    A municipality with no value falls in the last category, which callers use for "no data".
    """
    municipalities, paths, view_box = municipality_shapes()
    counts: dict[str, int] = {}
    for m in municipalities:
        key = values[m.code].category if m.code in values else categories[-1].key
        counts[key] = counts.get(key, 0) + 1
    legend = [MapCategory(c.key, c.label, c.fill, counts.get(c.key, 0)) for c in categories]
    by_key = {c.key: c for c in legend}
    areas = []
    for m in sorted(municipalities, key=lambda m: (m.name_bg, m.code)):
        if m.code not in paths:
            continue
        value = values.get(m.code) or MapValue(category=categories[-1].key, details=categories[-1].label)
        areas.append(
            MapArea(
                code=m.code,
                name=m.name,
                province=m.province.name,
                href=m.get_absolute_url(),
                path=paths[m.code],
                category=by_key[value.category],
                details=value.details,
                figures=value.figures,
            )
        )
    return NationalMap(title=title, view_box=view_box, areas=areas, legend=legend, columns=columns)
