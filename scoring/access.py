"""Who may see and change the index, targets and methods. One question per function.

The `access` helper is building the portal's single policy module; until it lands these follow
adoption/access.py and dashboards/access.py, and delegate to them where the question is the same.
"""

from __future__ import annotations

from dashboards.access import can_view_dashboards, can_view_every_municipality


def can_view_index_table(user) -> bool:
    """Every municipality's index and rank: the roles that see every municipality's declarations."""
    return can_view_every_municipality(user)


def can_view_targets(user) -> bool:
    """National progress of the targets: every signed-in role (the missing list is filtered below)."""
    return can_view_dashboards(user)


def can_view_missing(user) -> bool:
    """Which municipalities still miss a target: only roles that see every municipality."""
    return can_view_every_municipality(user)


def can_view_municipality_index(user, municipality) -> bool:
    """One municipality's index, rank and targets: whoever sees its declarations (officers: their own).

    Decided without a query (the municipality page asks it on every request); a test keeps it in step
    with `adoption.access.visible_municipalities` for every persona.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_ministry or user.is_administrator or user.is_analyst:
        return True
    return bool(user.is_officer and user.municipality_id == municipality.pk)


def can_change_method(user) -> bool:
    """Index methods and targets are the ministry's."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_ministry or user.is_administrator
