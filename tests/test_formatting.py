"""The formatting layer: half-up rounding (never truncation), Bulgarian and English numbers, dates,
months and durations, through the functions and the template filters alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core import formatting
from core.numbers import percent, round_half_up

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(2.25, 1, "2.3"), (2.5, 0, "3"), (-2.5, 0, "-3"), (98.86792, 1, "98.9"), (33.96226, 1, "34.0"), (0.05, 1, "0.1")],
)
def test_round_half_up_rounds_halves_away_from_zero(value, digits, expected):
    assert round_half_up(value, digits) == Decimal(expected)


def test_percent_is_rounded_from_the_exact_ratio():
    assert percent(262, 265) == Decimal("98.9")
    assert percent(90, 265) == Decimal("34.0")
    assert percent(1, 0) is None


@pytest.mark.parametrize(
    ("language", "expected"),
    [("bg", ["98,9" + NBSP + "%", "34,0" + NBSP + "%"]), ("en", ["98.9%", "34.0%"])],
)
def test_the_percentages_that_truncation_gets_wrong(language, expected):
    with translation.override(language):
        assert [formatting.format_percent(262, 265), formatting.format_percent(90, 265)] == expected
        assert formatting.format_share(262 / 265) == expected[0]


def test_numbers_are_grouped_and_rounded_half_up_in_bulgarian():
    with translation.override("bg"):
        assert formatting.format_number(1234.56) == f"1{NBSP}234,6"
        assert formatting.format_number(4000) == f"4{NBSP}000"
        assert formatting.format_number(7253828) == f"7{NBSP}253{NBSP}828"
        assert formatting.format_number(None) == "–"
        assert formatting.format_signed(-1234) == f"\u22121{NBSP}234"


def test_numbers_in_english_use_a_comma_and_a_decimal_point():
    with translation.override("en"):
        assert formatting.format_number(1234.56) == "1,234.6"
        assert formatting.format_number(1234.56, 2) == "1,234.56"


@pytest.mark.parametrize("language", ["bg", "en"])
def test_the_fast_number_path_writes_what_djangos_formatter_writes(language):
    """format_number groups by three itself (a wide table formats thousands of figures); for every
    kind of value it must write exactly what Django's locale-aware number_format writes."""
    from django.utils import formats

    values = [
        0,
        7,
        -7,
        999,
        1000,
        -1000,
        1234567,
        -98765432109,
        10**15,
        0.04,
        -0.04,
        0.05,
        2.25,
        -1234.56,
        1234.5678,
        98.86792,
        Decimal("-0.0"),
        Decimal("1234567.891"),
        Decimal("0.5"),
        12345.0,
    ]
    with translation.override(language):
        for value in values:
            for decimals in (None, 0, 1, 2):
                digits = (1 if isinstance(value, float | Decimal) else 0) if decimals is None else decimals
                expected = formats.number_format(
                    round_half_up(value, digits), decimal_pos=digits, use_l10n=True, force_grouping=True
                )
                assert formatting.format_number(value, decimals) == expected, (value, decimals)


def test_dates_and_months_per_language():
    day = date(2018, 8, 31)
    with translation.override("bg"):
        assert formatting.format_date(day) == "31.08.2018"
        assert formatting.format_month(day) == "08.2018"
    with translation.override("en"):
        assert formatting.format_date(day) == "31 Aug 2018"
        assert formatting.format_month(day) == "Aug 2018"
        assert formatting.format_datetime(datetime(2026, 11, 29, 16, 4, tzinfo=UTC)) == "29 Nov 2026 18:04"  # Sofia


def test_durations_read_as_words():
    with translation.override("en"):
        assert formatting.format_duration(timedelta(seconds=4.4)) == "4 seconds"
        assert formatting.format_duration(timedelta(minutes=2, seconds=5)) == "2 minutes 5 seconds"
        assert formatting.format_duration(timedelta(hours=1, minutes=2, seconds=9)) == "1 hour 2 minutes"
        assert formatting.format_duration(timedelta(milliseconds=300)) == "less than a second"
    with translation.override("bg"):
        assert formatting.format_duration(timedelta(seconds=65)) == "1 минута 5 секунди"


def test_the_template_filters_use_the_same_layer():
    template = Template(
        "{% load formatting %}{{ a|pct:b }}|{{ v|num }}|{{ d|shortdate }}|{{ d|month }}|{{ s|share }}|{{ t|duration }}"
    )
    context = Context({"a": 90, "b": 265, "v": 1234.56, "d": date(2018, 8, 31), "s": 0.98868, "t": 65})
    with translation.override("bg"):
        assert template.render(context) == f"34,0{NBSP}%|1{NBSP}234,6|31.08.2018|08.2018|98,9{NBSP}%|1 минута 5 секунди"
