"""Panels the overview and a municipality's page include (one line each in those templates)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from .. import access
from ..choices import Band
from ..index import NoIndexMethod, index_on
from ..maps import map_by_band
from ..peers import peer_table
from ..targets import targets_progress

register = template.Library()


def _cached(context, name: str, compute):
    view = context.get("view")
    if view is not None and hasattr(view, "cached") and getattr(view, "as_of", None):
        return view.cached(name, compute)
    return compute()


@register.inclusion_tag("scoring/includes/overview_body.html", takes_context=True)
def scoring_overview(context):
    """The index map (roles that see every municipality) and the targets (every signed-in role)."""
    request = context["request"]
    user = request.user
    as_of = context.get("as_of") or timezone.localdate()
    result = {"request": request, "as_of": as_of, "user": user, "show": access.can_view_targets(user)}
    if not result["show"]:
        return result
    result["progress"] = _cached(context, "scoring_targets", lambda: targets_progress(as_of))
    if access.can_view_index_table(user):
        try:
            table = _cached(context, "scoring_index", lambda: index_on(as_of))
        except NoIndexMethod:
            return result
        result.update(
            index=table,
            map=map_by_band(table),
            bands=[(band, sum(1 for r in table.rows if r.band == band)) for band in Band],
        )
    return result


@register.inclusion_tag("scoring/includes/municipality_body.html", takes_context=True)
def scoring_municipality(context, municipality):
    """The municipality's index, its rank among peers and the targets it still misses."""
    request = context["request"]
    user = request.user
    result = {"request": request, "municipality": municipality, "show": False}
    if not user.is_authenticated or not access.can_view_municipality_index(user, municipality):
        return result
    today = timezone.localdate()
    try:
        table = index_on(today)
    except NoIndexMethod:
        return result
    row = table.row(municipality.code)
    peers = peer_table(table)[municipality.code]
    progress = targets_progress(today)
    result.update(
        show=True,
        as_of=today,
        row=row,
        method_version=table.method_version,
        peers=peers,
        service_rows=[(s, row.services[s.code], peers.services[s.code]) for s in table.services],
        missed=[p for p in progress if p.misses(municipality.id)],
        can_open_case=access.can_change_method(user),
    )
    return result
