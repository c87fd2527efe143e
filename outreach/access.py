"""Who may see and change outreach cases and scorecards. One question per function (until the
portal's policy module lands; see the report's list of predicates)."""

from __future__ import annotations


def can_manage(user) -> bool:
    """Open, edit and close cases; see, pause and resume subscriptions; preview scorecards: the ministry."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_ministry or user.is_administrator


def can_see_internal_notes(user) -> bool:
    """The ministry's internal notes: never officers or analysts."""
    return can_manage(user)


def can_read_all_cases(user) -> bool:
    """The open cases page and the effect page: ministry and analysts (officers see their own on their page)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_ministry or user.is_administrator or user.is_analyst
