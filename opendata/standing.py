"""The adoption index and peer ranks an edition publishes, read from the `scoring` app.

The formula, its method versions and the peer groups have their one home in `scoring`; this module
only turns its index table of the edition's day into the allow-listed figures (`schema.py`), with
the method version that produced them. No index method at all: no index, no ranks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from scoring.index import NoIndexMethod, index_on
from scoring.peers import peer_table

from . import schema


@dataclass(frozen=True)
class Standing:
    method: int | None = None
    municipalities: dict[str, tuple[float, list[schema.PeerRank]]] = field(default_factory=dict)
    provinces: dict[str, float] = field(default_factory=dict)
    national: float | None = None


def standing_on(as_of: date) -> Standing:
    """Every municipality's index and ranks, every province's and the country's index, on `as_of`."""
    try:
        table = index_on(as_of)
    except NoIndexMethod:
        return Standing()
    peers = peer_table(table)
    municipalities = {
        row.code: (
            float(row.index),
            [
                schema.PeerRank(
                    scope=scope,
                    group_size=found.group_size,
                    rank=found.rank,
                    percentile=found.percentile,
                    median=float(found.median),
                )
                for scope, found in peers[row.code].index.items()
            ],
        )
        for row in table.rows
    }
    return Standing(
        method=table.method_version,
        municipalities=municipalities,
        provinces={p.code: float(p.index) for p in table.provinces},
        national=float(table.national.index),
    )
