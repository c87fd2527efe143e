"""Portal users: one role each; a municipal officer belongs to exactly one municipality."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Role


class User(AbstractUser):
    """A portal user. The role decides what the user may see and change."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ANALYST)
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        help_text=_("Only for municipal officers: the municipality they work for."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                name="officer_has_municipality",
                condition=~Q(role=Role.OFFICER) | Q(municipality__isnull=False),
                violation_error_message=_("A municipal officer must belong to a municipality."),
            ),
            models.CheckConstraint(
                name="only_officer_has_municipality",
                condition=Q(role=Role.OFFICER) | Q(municipality__isnull=True),
                violation_error_message=_("Only a municipal officer belongs to a municipality."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username
