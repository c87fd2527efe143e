"""Template helpers of the dashboards: numbers the Bulgarian way, and the query kept across forms."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import NodeList, Parser, Token
from django.template.context import Context
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core import formatting

from .. import maps, pagecache
from ..charts import Chart

register = template.Library()


@register.filter
def num(value: object, decimals: int | None = None) -> str:
    """1 234 567 (grouped by a non-breaking space in Bulgarian), rounded half-up; "–" for no value."""
    return formatting.format_number(value, decimals)


@register.filter
def percent(value: object) -> str:
    """A share (0..1) as a percentage with one decimal, rounded half-up: 98,9 %."""
    return formatting.format_share(value)


@register.filter
def signed(value: object) -> str:
    """A change with its sign: +3, −2, 0."""
    return formatting.format_signed(value)


@register.inclusion_tag("dashboards/includes/kept_params.html", takes_context=True)
def kept_params(context: Context, *drop: str) -> dict[str, Any]:
    """Hidden inputs repeating the current query string, except the named parameters."""
    request = context["request"]
    dropped = {*drop, "page", "csv", "_export"}
    return {"params": [(k, v) for k, values in request.GET.lists() if k not in dropped for v in values]}


# The map's table twin has 265 rows: built with escape() rather than a template loop, which took
# tens of milliseconds per page.


@register.simple_tag
def map_areas(national_map: maps.NationalMap) -> str:
    """A map's shapes inline, for the maps that are not served as a file (the index map by band)."""
    return mark_safe(maps.areas_markup(national_map))  # noqa: S308 - areas_markup escapes every value


@register.simple_tag
def map_rows(national_map: maps.NationalMap) -> str:
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
def chart_rows(chart: Chart) -> str:
    """The chart's table twin's rows: a month (or label) and one figure per series. Written here, not
    in a template loop: a trends page has thousands of these cells."""
    number = formatting.number_formatter()
    parts = []
    for label, values in chart.rows:
        cells = "".join(f'<td class="num">{number(value)}</td>' for value in values)
        parts.append(f'<tr><th scope="row">{escape(label)}</th>{cells}</tr>')
    return mark_safe("".join(parts))  # noqa: S308 - the label is escaped; the figures are digits and marks


@register.simple_tag
def map_provinces(national_map: maps.NationalMap) -> list[tuple[str, str]]:
    """The provinces of the map's municipalities, by name: the phone's "zoom to a province" picker.
    A municipality's NSI code starts with its province's (VAR06 is in VAR)."""
    provinces = {area.code[:3]: area.province for area in national_map.areas}
    return sorted(provinces.items(), key=lambda item: item[1])


class FragmentNode(template.Node):
    """The page's own part: the cached HTML when the view found it, else rendered (and cached)."""

    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        cached: pagecache.Fragment | None = context.get("dashboard_fragment")
        if cached is not None:
            return mark_safe(cached.html)  # noqa: S308 - rendered by this template, escaped then
        html = self.nodelist.render(context)
        key = context.get("dashboard_fragment_key")
        if key:
            context["request"].dashboard_fragment = pagecache.store(key, html)
        return html


@register.tag
def dashboard_fragment(parser: Parser, token: Token) -> FragmentNode:
    """`{% dashboard_fragment %}…{% enddashboard_fragment %}` around the part of a page cached per data
    version (see pagecache.py); what lies outside (menus, forms with CSRF tokens) is rendered each time."""
    nodelist = parser.parse(("enddashboard_fragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist)
