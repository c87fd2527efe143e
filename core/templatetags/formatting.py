"""Template filters over `core.formatting`: `{% load formatting %}` then `{{ value|num }}`, `{{ share|share }}`,
`{{ part|pct:whole }}`, `{{ day|shortdate }}`, `{{ month|month }}`, `{{ delta|duration }}`."""

from __future__ import annotations

from typing import Any

from django import template

from core import formatting

register = template.Library()


@register.filter
def num(value: Any, decimals: Any = None) -> str:
    return formatting.format_number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def share(value: Any) -> str:
    return formatting.format_share(value)


@register.filter
def pct(part: Any, whole: Any) -> str:
    return formatting.format_percent(part, whole)


@register.filter
def signed(value: Any) -> str:
    return formatting.format_signed(value)


@register.filter
def shortdate(value: Any) -> str:
    return formatting.format_date(value)


@register.filter
def shortdatetime(value: Any) -> str:
    return formatting.format_datetime(value)


@register.filter
def month(value: Any) -> str:
    return formatting.format_month(value)


@register.filter
def duration(value: Any) -> str:
    return formatting.format_duration(value)
