"""Verified declarations only: the stage the public sees for a municipality and service on a day.

A stage entry of the history counts once ministry staff verified it: a "verified" entry follows it
before the next stage entry, or it is the pair's latest entry and the current declaration is
verified (data recorded before the history kept verifications, such as the demo, has only the
latter). A rejected or still unverified entry is never public; the public then sees the last
verified stage before it, or the service's first stage when there is none.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from adoption.choices import ChangeKind, Verification
from adoption.models import Adoption, AdoptionChange

DECISIONS: dict[str, Verification] = {
    ChangeKind.VERIFIED: Verification.VERIFIED,
    ChangeKind.REJECTED: Verification.REJECTED,
}


@dataclass(frozen=True)
class Claim:
    effective: date
    stage_id: int


class VerifiedHistory:
    """Every verified stage entry per (municipality id, service id), in effective order."""

    def __init__(self, claims: dict[tuple[int, int], list[Claim]]):
        self.claims = claims
        self._days = {pair: [c.effective for c in found] for pair, found in claims.items()}

    @classmethod
    def load(cls) -> VerifiedHistory:
        """Two queries: the history in recording order, and the current declarations' verification."""
        current = {
            (m, s): v for m, s, v in Adoption.objects.values_list("municipality_id", "service_id", "verification")
        }
        entries = (
            AdoptionChange.objects.filter(kind__in=[ChangeKind.STAGE, *DECISIONS])
            .order_by("municipality_id", "service_id", "created_at", "id")
            .values_list("municipality_id", "service_id", "kind", "to_stage_id", "effective_date")
        )
        pending: dict[tuple[int, int], list[list]] = defaultdict(list)  # [claim, decision]
        for municipality_id, service_id, kind, stage_id, effective in entries:
            pair = (municipality_id, service_id)
            if kind == ChangeKind.STAGE:
                pending[pair].append([Claim(effective, stage_id), None])
            elif pending[pair]:
                pending[pair][-1][1] = DECISIONS[kind]
        claims: dict[tuple[int, int], list[Claim]] = {}
        for pair, found in pending.items():
            if found[-1][1] is None:  # the latest entry: decided on the declaration itself
                found[-1][1] = current.get(pair)
            kept = sorted((c for c, decision in found if decision == Verification.VERIFIED), key=lambda c: c.effective)
            if kept:
                claims[pair] = kept
        return cls(claims)

    def on(self, municipality_id: int, service_id: int, day: date) -> Claim | None:
        """The verified stage entry in force on `day`, or None (the service's first stage)."""
        days = self._days.get((municipality_id, service_id))
        if not days:
            return None
        index = bisect_right(days, day)
        return self.claims[(municipality_id, service_id)][index - 1] if index else None
