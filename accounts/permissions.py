"""The access policy's rules as view mixins and API permissions (the rules live in `policy.py`).

Views turn a False into 403 (or a redirect to sign-in for anonymous users); the querysets of
`policy` scopes decide 404s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.http import HttpRequest, HttpResponseRedirect
from rest_framework.permissions import BasePermission

from . import policy


class PolicyRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """A page open to the users one rule allows: anonymous users sign in first, everybody else 403.

    Set `rule = staticmethod(policy.can_...)` on the view.
    """

    raise_exception = False
    request: HttpRequest
    rule: Callable[[Any], bool]

    def test_func(self) -> bool:
        return self.rule(self.request.user)

    def handle_no_permission(self) -> HttpResponseRedirect:
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()


def allowed_by(rule: Callable[[Any], bool]) -> type[BasePermission]:
    """An API permission class for one rule: `permission_classes = [allowed_by(policy.can_...)]`."""

    class RulePermission(BasePermission):
        def has_permission(self, request: Any, view: Any) -> bool:
            return rule(request.user)

    RulePermission.__name__ = RulePermission.__qualname__ = f"Allowed_{rule.__name__}"
    RulePermission.__doc__ = rule.__doc__
    return RulePermission


IsVerifier = allowed_by(policy.can_verify_changes)
