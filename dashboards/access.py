"""Who may see which dashboard. One question per function, used by the views and their tests.

Every signed-in role sees the national aggregates: the overview (counts, and the map of observed
RegiX and SEOS use), the provinces table and the trends. A municipality's declared stage is the
adoption app's data, visible per `adoption.access.visible_municipalities`: officers see only their
own. So the pages that show every municipality's declaration (the map by stage, the table by
service, the discrepancies) are for the roles that see every municipality's declarations.
Contacts and comments are never shown on a dashboard at all.
"""

from __future__ import annotations


def can_view_dashboards(user) -> bool:
    return user.is_authenticated and user.is_active


def can_view_every_municipality(user) -> bool:
    """The roles for which `visible_municipalities` is every municipality (a test keeps the two in step)."""
    if not can_view_dashboards(user):
        return False
    return user.is_ministry or user.is_analyst or user.is_administrator


def can_view_discrepancies(user) -> bool:
    return can_view_every_municipality(user)
