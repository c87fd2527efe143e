"""The Django admin, opened by the access policy rather than by Django's `is_staff` flag.

An administrator is a role (`policy.can_use_admin`); a user with that role reaches the admin and
every model permission in it (`backends.PolicyBackend`) without the staff or superuser flags, so
the role alone decides. The ModelAdmins may still refuse writes (the adoption history is read-only).
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from . import policy


class PolicyAdminAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user) -> None:
        if not policy.can_use_admin(user):
            raise ValidationError(
                self.error_messages["invalid_login"], code="invalid_login", params={"username": "username"}
            )


class PortalAdminSite(AdminSite):
    login_form = PolicyAdminAuthenticationForm

    def has_permission(self, request) -> bool:
        return policy.can_use_admin(request.user)
