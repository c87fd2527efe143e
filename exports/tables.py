"""The table of a user's background exports."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import ExportJob


class ExportJobTable(tables.Table):
    created_at = tables.DateTimeColumn(verbose_name=_("Requested"), format="Y-m-d H:i")
    filename = tables.Column(verbose_name=_("File"), linkify=True)
    flavour = tables.Column(verbose_name=_("Format"))
    status = tables.Column(verbose_name=_("Status"))
    row_count = tables.Column(verbose_name=_("Rows"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    finished_at = tables.DateTimeColumn(verbose_name=_("Finished"), format="Y-m-d H:i")
    download = tables.Column(verbose_name=_("Download"), empty_values=(), orderable=False, exclude_from_export=True)

    class Meta:
        model = ExportJob
        fields = ["created_at", "filename", "flavour", "status", "row_count", "finished_at"]
        order_by = ("-created_at",)
        per_page = 50

    def render_download(self, record: ExportJob) -> str:
        if not record.is_ready:
            return "—"
        return format_html('<a href="{}">{}</a>', record.get_download_url(), _("Download"))
