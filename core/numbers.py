"""Rounding the way people (and the ministry's tables) expect: half away from zero, never truncated.

Python's round() rounds half to even and float formatting truncates in Django's number_format;
262/265 must read 98,9 % and 90/265 34,0 %, so every shown or exported share goes through here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float | int | Decimal, digits: int = 0) -> Decimal:
    """`value` rounded to `digits` decimals, halves away from zero: 2.25 -> 2.3, 2.5 -> 3.

    A float goes through its shortest repr, so 0.0625 -> 0.063 (half up), not the binary's 0.062.
    """
    quantum = Decimal(1).scaleb(-digits)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def percent(part: float | int | Decimal, whole: float | int | Decimal, digits: int = 1) -> Decimal | None:
    """`part` as a percentage of `whole`, rounded half-up; None when the whole is zero."""
    if not whole:
        return None
    return round_half_up(Decimal(str(part)) * 100 / Decimal(str(whole)), digits)
