"""Export flavours and the states of a background export."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Flavour(models.TextChoices):
    """The `?_export=` values. EXCEL is the default offered to people."""

    EXCEL = "excel", _("CSV for Excel")
    CSV = "csv", _("CSV (UTF-8, comma)")
    XLSX = "xlsx", _("Excel workbook (.xlsx)")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Deleted (expired)")


FILE_EXTENSIONS = {Flavour.EXCEL: "csv", Flavour.CSV: "csv", Flavour.XLSX: "xlsx"}
CONTENT_TYPES = {
    Flavour.EXCEL: "text/csv; charset=utf-8",
    Flavour.CSV: "text/csv; charset=utf-8",
    Flavour.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# Excel's sheet holds 1,048,576 rows; one of them is the header.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_DATA_ROWS = XLSX_MAX_ROWS - 1
