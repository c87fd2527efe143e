"""Roles a portal user can have."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MINISTRY = "ministry", _("Ministry staff")
    OFFICER = "officer", _("Municipal officer")
    ANALYST = "analyst", _("Analyst")
    OPERATOR = "operator", _("Service operator")
    ADMINISTRATOR = "administrator", _("Administrator")
