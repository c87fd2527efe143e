"""What the overview's and a municipality page's scoring panels show (rendered as fragments)."""

from __future__ import annotations

from datetime import date

from accounts import policy

from .choices import Band
from .index import NoIndexMethod
from .maps import map_by_band
from .peers import peer_table
from .served import served_index
from .targets import targets_progress


def overview_panel(user, as_of: date, cached, data_version: str | None = None) -> dict:
    """The index map and band counts (roles that see every municipality), the targets (every role).

    `cached(name, compute)` keeps the targets; the index is the served one (served.py)."""
    context = {"as_of": as_of, "show": policy.can_view_targets(user)}
    if not context["show"]:
        return context
    context["progress"] = cached("scoring_targets", lambda: targets_progress(as_of))
    if not policy.can_view_index_table(user):
        return context
    try:
        table = served_index(as_of, data_version=data_version)
    except NoIndexMethod:
        return context
    context.update(
        index=table,
        map=map_by_band(table),
        bands=[(band, sum(1 for r in table.rows if r.band == band)) for band in Band],
    )
    return context


def municipality_panel(user, municipality, as_of: date) -> dict:
    """The municipality's index, its standing among peers and the targets it still misses."""
    context = {"municipality": municipality, "as_of": as_of, "show": False}
    try:
        table = served_index(as_of)
    except NoIndexMethod:
        return context
    row = table.row(municipality.code)
    if row is None:  # every municipality has a row; one added since has none yet
        return context
    peers = peer_table(table)[municipality.code]
    progress = targets_progress(as_of)
    context.update(
        show=True,
        row=row,
        method_version=table.method_version,
        peers=peers,
        service_rows=[(s, row.services[s.code], peers.services[s.code]) for s in table.services],
        missed=[p for p in progress if p.misses(municipality.id)],
        can_open_case=policy.can_change_index_methods(user),
    )
    return context
