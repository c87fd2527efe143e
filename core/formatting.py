"""One formatting layer for pages, charts and tables: numbers, percentages, dates, months, durations.

Everything a person reads goes through these functions (templates through the `formatting` filter
library, charts through the labels the server sends, tables through their render methods), so a
figure reads the same everywhere: `1 234,6` and `98,9 %` in Bulgarian, `1,234.6` and `98.9%` in English,
dates `31.08.2018` / `31 Aug 2018`, months `08.2018` / `Aug 2018`. Exports stay machine-readable
(the exports app writes plain numbers); this module is for eyes only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.utils import formats
from django.utils.translation import get_language, gettext, ngettext

from .numbers import percent as percent_of
from .numbers import round_half_up

DASH = "–"
NBSP = "\xa0"


def _is_bulgarian() -> bool:
    return (get_language() or "bg").startswith("bg")


def format_number(value: Any, decimals: int | None = None) -> str:
    """Grouped digits and the locale's decimal mark, rounded half-up: 1234.56 -> "1 234,6" (1 decimal)."""
    return _format_number(value, decimals, _number_marks(get_language() or ""))


def number_formatter(decimals: int | None = None) -> Callable[[Any], str]:
    """format_number for many figures in one language (a table's cells): its marks looked up once."""
    marks = _number_marks(get_language() or "")
    return lambda value: _format_number(value, decimals, marks)


def _format_number(value: Any, decimals: int | None, marks: tuple[int, str, str]) -> str:
    if value is None or value == "":
        return DASH
    if decimals is None:
        decimals = 1 if isinstance(value, float | Decimal) else 0
    grouping, thousands, decimal_mark = marks
    if type(value) is int and decimals == 0 and grouping == 3:  # most figures: counts
        return f"{value:,}".replace(",", thousands)
    rounded = round_half_up(value, decimals)
    if grouping != 3:  # a locale grouping otherwise: Django's formatter knows its rules
        return formats.number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    # What number_format does for a three-digit grouping, at a tenth of its cost (a wide table
    # formats thousands of figures): Python's grouping, then the locale's marks swapped in.
    text = f"{abs(rounded) if rounded.is_zero() else rounded:,.{decimals}f}"  # never "-0,0"
    return text.replace(",", "\0").replace(".", decimal_mark).replace("\0", thousands)


@lru_cache(maxsize=16)
def _number_marks(language: str) -> tuple[int, str, str]:
    """The language's digit grouping, thousand separator and decimal mark (FORMAT_MODULE_PATH's)."""
    lang = language or None
    grouping = formats.get_format("NUMBER_GROUPING", lang)
    return grouping, formats.get_format("THOUSAND_SEPARATOR", lang), formats.get_format("DECIMAL_SEPARATOR", lang)


def format_percent_value(value: Any, decimals: int = 1) -> str:
    """A value that already is a percentage (98.867) as "98,9 %" (Bulgarian) or "98.9%" (English)."""
    if value is None:
        return DASH
    number = format_number(round_half_up(value, decimals), decimals)
    return f"{number}{NBSP}%" if _is_bulgarian() else f"{number}%"


def format_share(share: Any, decimals: int = 1) -> str:
    """A share between 0 and 1 (0.98867) as a percentage: "98,9 %"."""
    if share is None:
        return DASH
    return format_percent_value(Decimal(str(share)) * 100, decimals)


def format_percent(part: Any, whole: Any, decimals: int = 1) -> str:
    """`part` of `whole` as a percentage, rounded half-up from the exact ratio: 262/265 -> "98,9 %"."""
    return format_percent_value(percent_of(part, whole, decimals), decimals)


def format_signed(value: Any) -> str:
    """A change with its sign: "+1 234", "−2" (a true minus), "0"."""
    if value is None:
        return DASH
    if value > 0:
        return "+" + format_number(value)
    if value < 0:
        return "\u2212" + format_number(-value)
    return "0"


def format_date(value: date | datetime | None) -> str:
    """31.08.2018 in Bulgarian, 31 Aug 2018 in English (the locale's SHORT_DATE_FORMAT)."""
    if value is None:
        return DASH
    if isinstance(value, datetime):
        value = value.date()
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def format_datetime(value: datetime | None) -> str:
    """31.08.2018 14:05 in Bulgarian, 31 Aug 2018 14:05 in English, in the portal's time zone."""
    if value is None:
        return DASH
    from django.utils import timezone

    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATETIME_FORMAT")


def format_month(value: date | None) -> str:
    """08.2018 in Bulgarian, Aug 2018 in English (the locale's YEAR_MONTH_SHORT_FORMAT)."""
    if value is None:
        return DASH
    return _month_label(value.year, value.month, get_language() or "bg")


@lru_cache(maxsize=4096)
def _month_label(year: int, month: int, language: str) -> str:
    """One label per month and language: a trends page shows each month in three places."""
    return formats.date_format(date(year, month, 1), "m.Y" if language.startswith("bg") else "M Y")


def format_duration(value: timedelta | float | int | None) -> str:
    """A duration in words, to the second, largest units first: "1 hour 2 minutes", "4 seconds"."""
    if value is None:
        return DASH
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    if seconds < 1:
        return gettext("less than a second")
    total = int(round_half_up(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if minutes and not days:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
    if secs and not days and not hours:
        parts.append(ngettext("%(count)d second", "%(count)d seconds", secs) % {"count": secs})
    return " ".join(parts)
