"""Who may see which dashboard. One question per function, used by the views and their tests.

Every signed-in role sees the national aggregates, the map and the tables (stages and usage
counts are not private). The discrepancy list is the ministry's call list: officers and service
operators do not get it. Contacts and comments are never shown on a dashboard at all.
"""

from __future__ import annotations


def can_view_dashboards(user) -> bool:
    return user.is_authenticated and user.is_active


def can_view_discrepancies(user) -> bool:
    if not can_view_dashboards(user):
        return False
    return user.is_ministry or user.is_analyst or user.is_administrator
