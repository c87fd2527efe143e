"""Rounding as people are taught it: half up (262/265 = 98.87 % → 98,9 %), never Python's
round-half-to-even on an inexact float (90/265 = 33.96… must not become 33,9 by truncation)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float | int | Decimal, places: int) -> Decimal:
    """`value` rounded half up to `places` decimals: round_half_up(0.98868, 3) == Decimal("0.989").

    Goes through the float's shortest repr, so 0.0625 → 0.063 (half up), not the binary's 0.062.
    """
    exact = (
        value if isinstance(value, Decimal) else Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    )
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
