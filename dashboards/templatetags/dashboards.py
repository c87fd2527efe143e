"""Template helpers of the dashboards: numbers the Bulgarian way, and the query kept across forms."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def num(value, decimals: int | None = None) -> str:
    """1 234 567 (grouped by a non-breaking space in Bulgarian), "–" for no value."""
    if value is None or value == "":
        return "–"
    if decimals is None and isinstance(value, float):
        decimals = 1
    return number_format(value, decimal_pos=decimals, force_grouping=True)


@register.filter
def percent(value) -> str:
    """A share (0..1) as a percentage with one decimal: 18,5 %."""
    if value is None:
        return "–"
    return f"{number_format(value * 100, decimal_pos=1)}\xa0%"


@register.filter
def signed(value) -> str:
    """A change with its sign: +3, −2, 0."""
    if value is None:
        return "–"
    if value > 0:
        return "+" + number_format(value, force_grouping=True)
    if value < 0:
        return "\u2212" + number_format(-value, force_grouping=True)
    return "0"


@register.inclusion_tag("dashboards/includes/kept_params.html", takes_context=True)
def kept_params(context, *drop: str):
    """Hidden inputs repeating the current query string, except the named parameters."""
    request = context["request"]
    dropped = {*drop, "page", "csv", "_export"}
    return {"params": [(k, v) for k, values in request.GET.lists() if k not in dropped for v in values]}
