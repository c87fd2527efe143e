"""Template helpers of the dashboards: numbers the Bulgarian way, and the query kept across forms."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core import formatting

register = template.Library()


@register.filter
def num(value, decimals: int | None = None) -> str:
    """1 234 567 (grouped by a non-breaking space in Bulgarian), rounded half-up; "–" for no value."""
    return formatting.format_number(value, decimals)


@register.filter
def percent(value) -> str:
    """A share (0..1) as a percentage with one decimal, rounded half-up: 98,9 %."""
    return formatting.format_share(value)


@register.filter
def signed(value) -> str:
    """A change with its sign: +3, −2, 0."""
    return formatting.format_signed(value)


@register.inclusion_tag("dashboards/includes/kept_params.html", takes_context=True)
def kept_params(context, *drop: str):
    """Hidden inputs repeating the current query string, except the named parameters."""
    request = context["request"]
    dropped = {*drop, "page", "csv", "_export"}
    return {"params": [(k, v) for k, values in request.GET.lists() if k not in dropped for v in values]}


# The national map has 265 shapes and 265 table rows: built here with escape() rather than in a
# template loop, which took tens of milliseconds per page.


@register.simple_tag
def map_areas(national_map) -> str:
    """Each municipality as a focusable link around its shape, with its details as the tooltip."""
    parts = []
    for area in national_map.areas:
        details = escape(area.details)
        parts.append(
            f'<a href="{escape(area.href)}" aria-label="{escape(area.name)}: {escape(area.category.label)}" '
            f'data-details="{details}"><path d="{area.path}" class="shape {area.category.css_class}" '
            f'data-code="{escape(area.code)}" data-category="{escape(area.category.key)}">'
            f"<title>{details}</title></path></a>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@register.simple_tag
def map_rows(national_map) -> str:
    """The table twin's rows: municipality, province, category and the figures behind it."""
    parts = []
    for area in national_map.areas:
        figures = "".join(f'<td class="num">{escape(figure)}</td>' for figure in area.figures)
        parts.append(
            f'<tr data-code="{escape(area.code)}"><th scope="row"><a href="{escape(area.href)}">{escape(area.name)}</a>'
            f"</th><td>{escape(area.province)}</td><td>{escape(area.category.label)}</td>{figures}</tr>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@register.simple_tag
def map_provinces(national_map) -> list[tuple[str, str]]:
    """The provinces of the map's municipalities, by name: the phone's "zoom to a province" picker.
    A municipality's NSI code starts with its province's (VAR06 is in VAR)."""
    provinces = {area.code[:3]: area.province for area in national_map.areas}
    return sorted(provinces.items(), key=lambda item: item[1])
