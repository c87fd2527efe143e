"""Choices of the usage app: file kinds, batch statuses and the doors a file comes through."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REGIX = "regix", _("RegiX queries")
    SEOS = "seos", _("SEOS documents")


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


# Observed adoption is keyed by the service's code string, the same codes the adoption app uses.
SERVICE_REGIX = "regix"
SERVICE_SEOS = "seos"
