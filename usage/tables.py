"""Tables of the usage app: one definition for the screen and the CSV export."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core.formatting import format_duration

from .models import ImportBatch, RejectedRow
from .outcome import outcome

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}
# File names, user names and durations read as one piece: they never break at a hyphen.
NOWRAP = {"td": {"class": "nowrap"}}
# The batch tables: compact, with headers that may wrap over their narrow number columns (layout.css).
BATCH_TABLE = {"class": "data-table batch-table"}


class ImportBatchTable(tables.Table):  # type: ignore[misc]  # django-tables2 ships no types: its classes are Any
    id = tables.Column(verbose_name="#", linkify=True)
    kind = tables.Column(verbose_name=_("Kind"))
    file_name = tables.Column(verbose_name=_("File"), linkify=True, attrs=NOWRAP)
    status = tables.Column(verbose_name=_("Status"), attrs={"td": {"class": "status"}})
    rows_read = tables.Column(verbose_name=_("Rows read"), attrs=NUM)
    rows_accepted = tables.Column(verbose_name=_("Accepted"), attrs=NUM)
    rows_rejected = tables.Column(verbose_name=_("Rejected"), attrs=NUM)
    door = tables.Column(verbose_name=_("Door"))
    uploaded_by = tables.Column(verbose_name=_("Sent by"), accessor="uploaded_by__username", default="—", attrs=NOWRAP)
    created_at = tables.DateTimeColumn(verbose_name=_("Received"), format="SHORT_DATETIME_FORMAT")
    duration = tables.Column(verbose_name=_("Duration"), orderable=False, empty_values=(), attrs=NOWRAP)
    sha256 = tables.Column(verbose_name="SHA-256", visible=False)
    size = tables.Column(verbose_name=_("Size (bytes)"), visible=False)
    error = tables.Column(verbose_name=_("Error"), visible=False)

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "kind",
            "file_name",
            "status",
            "rows_read",
            "rows_accepted",
            "rows_rejected",
            "door",
            "uploaded_by",
            "created_at",
            "duration",
            "sha256",
            "size",
            "error",
        ]
        order_by = ("-created_at",)
        per_page = 50
        attrs = BATCH_TABLE

    def render_status(self, record: ImportBatch) -> SafeString:
        return render_outcome(record)

    def value_status(self, record: ImportBatch) -> str:
        return outcome(record).label

    def render_duration(self, record: ImportBatch) -> str:
        return format_duration(record.duration)

    def value_duration(self, record: ImportBatch) -> str | float:
        return "" if record.duration is None else round(record.duration.total_seconds(), 3)


def render_outcome(batch: ImportBatch) -> SafeString:
    """The status as a person reads it: "Imported with 3 rejected rows", never a bare "Succeeded"."""
    result = outcome(batch)
    return format_html('<span class="outcome-label {}">{}</span>', result.level, result.label)


class OperatorBatchTable(tables.Table):  # type: ignore[misc]  # django-tables2 ships no types: its classes are Any
    """An operator's own files on their page: what happened to each, in rows."""

    id = tables.Column(verbose_name="#", linkify=True)
    file_name = tables.Column(verbose_name=_("File"), linkify=True, attrs=NOWRAP)
    kind = tables.Column(verbose_name=_("Kind"))
    status = tables.Column(verbose_name=_("Outcome"), attrs={"td": {"class": "status"}})
    rows_read = tables.Column(verbose_name=_("Rows read"), attrs=NUM)
    rows_accepted = tables.Column(verbose_name=_("Imported"), attrs=NUM)
    rows_rejected = tables.Column(verbose_name=_("Rejected"), attrs=NUM)
    created_at = tables.DateTimeColumn(verbose_name=_("Received"), format="SHORT_DATETIME_FORMAT")

    class Meta:
        model = ImportBatch
        fields = ["id", "file_name", "kind", "status", "rows_read", "rows_accepted", "rows_rejected", "created_at"]
        order_by = ("-created_at",)
        empty_text = _("You have not sent any file yet.")
        attrs = BATCH_TABLE

    def render_status(self, record: ImportBatch) -> SafeString:
        return render_outcome(record)


class RejectedRowTable(tables.Table):  # type: ignore[misc]  # django-tables2 ships no types: its classes are Any
    line = tables.Column(verbose_name=_("Line"), attrs=NUM)
    raw = tables.Column(verbose_name=_("Raw text"), attrs={"td": {"class": "raw"}})
    reason = tables.Column(verbose_name=_("Reason"))

    class Meta:
        model = RejectedRow
        fields = ["line", "raw", "reason"]
        order_by = ("line",)
        per_page = 100
