"""The usage app's downloads: the batches table and a batch's rejected rows."""

from __future__ import annotations

from collections.abc import Iterator

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

import exports
from accounts import policy
from exports.choices import Flavour

from .filters import ImportBatchFilterSet
from .models import ImportBatch, ImportBatchQuerySet
from .tables import ImportBatchTable


@exports.register
class BatchListExport(exports.TableExport):
    """Batches hold every municipality's figures: ministry, analysts and administrators only (403)."""

    page = "usage:batch-list"
    title = _("usage file imports")
    table_class = ImportBatchTable
    filterset_class = ImportBatchFilterSet

    def check_access(self) -> None:
        if not policy.can_view_batches(self.user):
            raise PermissionDenied

    def get_queryset(self) -> ImportBatchQuerySet:
        return ImportBatch.objects.visible_to(self.user).select_related("uploaded_by")


@exports.register
class RejectedRowsExport(exports.ExportSource):
    """`?batch=<id>`: a batch's rejected rows (line, raw text, reason), streamed: a bad file may
    have a million of them. The raw text is an operator's file: its cells are neutralised too."""

    name = "usage-rejected-rows"
    title = _("rejected rows")
    flavours = (Flavour.CSV, Flavour.EXCEL)

    @cached_property
    def batch(self) -> ImportBatch:
        if not policy.can_view_batches(self.user):
            raise Http404  # as the batch's page: outsiders do not learn that it exists
        try:
            pk = int(self.params.get("batch", ""))
        except ValueError:
            raise Http404 from None
        return get_object_or_404(ImportBatch.objects.visible_to(self.user), pk=pk)

    def check_access(self) -> None:
        self.batch  # noqa: B018

    def header(self) -> list[str]:
        return [gettext("line"), gettext("raw text"), gettext("reason")]

    def rows(self) -> Iterator[tuple[int, str, str]]:
        rows = self.batch.rejected_rows.order_by("line").values_list("line", "raw", "reason")
        with transaction.atomic(using=rows.db):  # a server-side cursor, one chunk at a time
            yield from rows.iterator(chunk_size=2000)

    def estimated_rows(self) -> int | None:
        return None  # streamed inline, however many: the rows are few columns of text

    def name_parts(self) -> list[str]:
        return [gettext("batch"), str(self.batch.pk), self.get_title()]
