"""Choices of the adoption app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Verification(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class ChangeKind(models.TextChoices):
    """What a history entry records."""

    STAGE = "stage", _("Stage change")
    CONFIRMED = "confirmed", _("Stage confirmed")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
