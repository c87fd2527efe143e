"""Choices of the open-data app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """What one row of an edition's figures describes."""

    NATIONAL = "national", _("Country")
    PROVINCE = "province", _("Province")
    MUNICIPALITY = "municipality", _("Municipality")


class FileFormat(models.TextChoices):
    """The download formats of an edition; the value is the file extension."""

    CSV = "csv", "CSV"
    JSON = "json", "JSON"
    XLSX = "xlsx", "XLSX"


MEDIA_TYPES: dict[str, str] = {  # by format, as a URL or a stored row names it
    FileFormat.CSV: "text/csv",
    FileFormat.JSON: "application/json",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class AttemptStatus(models.TextChoices):
    """The outcome of one call to data.egov.bg."""

    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
