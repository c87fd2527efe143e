"""Model permissions from the access policy: administrators hold every one (see admin_site.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from . import policy


class PolicyBackend(BaseBackend):
    """Answers `user.has_perm` from the policy; authenticates nobody (ModelBackend does that)."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return policy.can_administer(user_obj, perm)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return policy.can_use_admin(user_obj)
