"""Each municipality against its peers: the municipalities of its population band, nationally and in
its province. Rank (1 = highest; equal values share the better rank), percentile (the share of the
other peers with a lower value) and the peer group's median, for the index and for each service."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from .choices import PeerScope
from .index import IndexRow, IndexTable, tenth


@dataclass(frozen=True)
class PeerStanding:
    scope: str
    group_size: int
    rank: int
    percentile: int
    median: Decimal
    value: Decimal


@dataclass(frozen=True)
class Peers:
    """A municipality's standing for the index (`index`) and for each service (`services[code]`)."""

    code: str
    index: dict[str, PeerStanding]  # scope -> standing
    services: dict[str, dict[str, PeerStanding]]  # service code -> scope -> standing


def peer_key(row: IndexRow, scope: str) -> tuple[str, ...]:
    if scope == PeerScope.PROVINCE:
        return (row.population_band, row.province_code)
    return (row.population_band,)


def standing(value: Decimal, values: list[Decimal], scope: str, group_median: Decimal | None = None) -> PeerStanding:
    """`values` is the whole group, `value` included, sorted ascending (its median may be passed in)."""
    lower = bisect_left(values, value)
    higher = len(values) - bisect_right(values, value)
    others = len(values) - 1
    share = Decimal(100 * lower) / others if others else Decimal(100)
    return PeerStanding(
        scope=scope,
        group_size=len(values),
        rank=higher + 1,
        percentile=int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
        median=group_median if group_median is not None else tenth(Decimal(median(values))),
        value=value,
    )


def peer_table(table: IndexTable) -> dict[str, Peers]:
    """Every municipality's standing among its peers, by NSI code (no queries)."""
    groups: dict[tuple[str, tuple], list[IndexRow]] = defaultdict(list)
    for row in table.rows:
        for scope in PeerScope:
            groups[(scope, peer_key(row, scope))].append(row)
    codes = [s.code for s in table.services]
    sorted_values = {
        (key, code): sorted(r.index if code is None else r.services[code].score for r in group)
        for key, group in groups.items()
        for code in [None, *codes]
    }
    medians = {key: tenth(Decimal(median(values))) for key, values in sorted_values.items()}
    result = {}
    for row in table.rows:
        index: dict[str, PeerStanding] = {}
        services: dict[str, dict[str, PeerStanding]] = {code: {} for code in codes}
        for scope in PeerScope:
            key = (scope, peer_key(row, scope))
            index[scope.value] = standing(row.index, sorted_values[(key, None)], scope, medians[(key, None)])
            for code in codes:
                services[code][scope.value] = standing(
                    row.services[code].score, sorted_values[(key, code)], scope, medians[(key, code)]
                )
        result[row.code] = Peers(code=row.code, index=index, services=services)
    return result


@dataclass(frozen=True)
class RankedRow:
    """An index row with its peer standing, as the index table, its export and the API show it."""

    row: IndexRow
    standing: Peers
    method_version: int

    def __getattr__(self, name: str):
        return getattr(self.row, name)

    @property
    def peers(self) -> dict[str, PeerStanding]:
        return self.standing.index


def ranked_rows(table: IndexTable) -> list[RankedRow]:
    peers = peer_table(table)
    return [RankedRow(row, peers[row.code], table.method_version) for row in table.rows]
