"""Role checks shared by the pages and the API.

Each helper answers one question about a user; views turn a False into 403 (or a redirect to
sign-in for anonymous users), and the object-level helpers (e.g. `adoption.access`) decide 404s.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from rest_framework.permissions import BasePermission


def is_ministry(user) -> bool:
    """Ministry staff and administrators: see everything, verify declarations."""
    if not user.is_authenticated:
        return False
    return user.is_ministry or user.is_administrator


def can_declare(user) -> bool:
    """Users who may change some municipality's declared adoption: officers and ministry staff."""
    if not user.is_authenticated:
        return False
    return is_ministry(user) or user.is_officer


def is_reader(user) -> bool:
    """Users who may read declarations at all (operators upload usage and nothing more)."""
    if not user.is_authenticated:
        return False
    return can_declare(user) or user.is_analyst


class MinistryRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """A page for ministry staff: anonymous users sign in first, everybody else gets 403."""

    raise_exception = False

    def test_func(self) -> bool:
        return is_ministry(self.request.user)

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()


class IsMinistry(BasePermission):
    """API: ministry staff and administrators only."""

    def has_permission(self, request, view) -> bool:
        return is_ministry(request.user)
