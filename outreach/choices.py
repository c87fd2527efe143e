"""Choices of the outreach app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    CALL = "call", _("Call")
    LETTER = "letter", _("Letter")
    MEETING = "meeting", _("Meeting")
    VISIT = "visit", _("Visit")


class CaseSource(models.TextChoices):
    """Where the case was opened from."""

    MUNICIPALITY = "municipality", _("The municipality's page")
    TARGET = "target", _("A target's missing list")
    DISCREPANCY = "discrepancy", _("A discrepancy")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ContactRole(models.TextChoices):
    OFFICER = "officer", _("Municipal officer")
    MAYOR = "mayor", _("Mayor")
    SECRETARY = "secretary", _("Secretary")
    GOVERNOR = "governor", _("Provincial governor")
    OTHER = "other", _("Other")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    BOUNCED = "bounced", _("Bounced")
    FAILED = "failed", _("Failed")
