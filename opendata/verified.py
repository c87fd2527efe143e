"""Verified declarations only: the stage the public sees for a municipality and service on a day.

Which stage entries count is the one rule of `adoption/verified.py`, the same as the adoption index's:
a rejected or still unverified entry is never public; the public then sees the last counting stage
before it, or the service's first stage when there is none.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from adoption.verified import counting_stage_entries


@dataclass(frozen=True)
class Claim:
    effective: date
    stage_id: int


class VerifiedHistory:
    """Every counting stage entry per (municipality id, service id), in effective order."""

    def __init__(self, claims: dict[tuple[int, int], list[Claim]]):
        self.claims = claims
        self._days = {pair: [c.effective for c in found] for pair, found in claims.items()}

    @classmethod
    def load(cls) -> VerifiedHistory:
        """One query: the counting stage entries of every pair."""
        claims: dict[tuple[int, int], list[Claim]] = defaultdict(list)
        entries = counting_stage_entries().order_by("effective_date", "id")
        for municipality_id, service_id, stage_id, effective in entries.values_list(
            "municipality_id", "service_id", "to_stage_id", "effective_date"
        ):
            claims[(municipality_id, service_id)].append(Claim(effective, stage_id))
        return cls(dict(claims))

    def on(self, municipality_id: int, service_id: int, day: date) -> Claim | None:
        """The verified stage entry in force on `day`, or None (the service's first stage)."""
        days = self._days.get((municipality_id, service_id))
        if not days:
            return None
        index = bisect_right(days, day)
        return self.claims[(municipality_id, service_id)][index - 1] if index else None
