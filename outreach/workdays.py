"""Bulgaria's working days, for "the first working day of each month"."""

from __future__ import annotations

from datetime import date, timedelta

# Fixed public holidays (Labour Code art. 154): New Year, Liberation Day, Labour Day, St George's Day,
# Culture Day, Unification, Independence, Christmas Eve and Christmas.
FIXED = {(1, 1), (3, 3), (5, 1), (5, 6), (5, 24), (9, 6), (9, 22), (12, 24), (12, 25), (12, 26)}


def orthodox_easter(year: int) -> date:
    """Meeus' Julian algorithm, shifted to the Gregorian calendar (valid 1900–2099)."""
    a, b, c = year % 4, year % 7, year % 19
    d = (19 * c + 15) % 30
    e = (2 * a + 4 * b - d + 34) % 7
    month, day = divmod(d + e + 114, 31)
    return date(year, month, day + 1) + timedelta(days=13)


def is_holiday(day: date) -> bool:
    if (day.month, day.day) in FIXED:
        return True
    easter = orthodox_easter(day.year)
    return easter - timedelta(days=2) <= day <= easter + timedelta(days=1)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_holiday(day)


def first_working_day(year: int, month: int) -> date:
    day = date(year, month, 1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
