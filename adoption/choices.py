"""Choices of the adoption app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceCode(models.TextChoices):
    """The services the code names: those whose use the operators' files report (usage, dashboards,
    reports key their figures by these). Every other service is a row of `Service` and nothing more:
    adding one is a row in seeding.py (or the admin), with no code to change."""

    REGIX = "regix", "RegiX"
    SEOS = "seos", "SEOS"


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
