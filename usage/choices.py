"""Choices of the usage app: file kinds, batch statuses and the doors a file comes through."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from adoption.choices import ServiceCode


class Kind(models.TextChoices):
    """A usage file's kind: the service whose use it reports (its code)."""

    REGIX = ServiceCode.REGIX.value, _("RegiX queries")
    SEOS = ServiceCode.SEOS.value, _("SEOS documents")


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Door(models.TextChoices):
    INBOX = "inbox", _("Inbox folder")
    UPLOAD = "upload", _("Upload page")
    API = "api", _("API")
    CLI = "cli", _("Command line")
