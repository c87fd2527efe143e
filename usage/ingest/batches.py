"""The batch's side of an import: its claim, its final status and counts, and the result handed back."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import Status
from ..models import ImportBatch
from ..reader import FileInfo

logger = logging.getLogger(__name__)


class BatchTakenOver(Exception):
    """Another worker claimed this batch (ours was presumed dead): give up without touching it."""


@dataclass
class IngestResult:
    batch_id: int
    status: str
    kind: str = ""
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    keys_written: int = 0
    error: str = ""
    warnings: list[str] = field(default_factory=list)


def _lock_claim(batch: ImportBatch) -> None:
    """Hold the batch row for the whole import; a worker that lost its claim stops here."""
    locked = (
        ImportBatch.objects.select_for_update()
        .filter(pk=batch.pk, status=Status.RUNNING, claim_token=batch.claim_token)
        .exists()
    )
    if not locked:
        raise BatchTakenOver(batch.pk)


def _same_content_as(batch: ImportBatch) -> int | None:
    return (
        ImportBatch.objects.filter(sha256=batch.sha256, status=Status.SUCCEEDED)
        .exclude(pk=batch.pk)
        .values_list("pk", flat=True)
        .order_by("created_at")
        .first()
    )


def _finish(batch: ImportBatch, status: str, *, info: FileInfo | None = None, error: str = "") -> None:
    batch.status = status
    batch.finished_at = timezone.now()
    batch.error = error
    if info is not None:
        batch.kind = info.kind
        batch.rows_read = info.rows_read
        batch.rows_accepted = info.rows_accepted
        batch.rows_rejected = info.rows_rejected
        batch.warnings = list(info.warnings)
    else:
        batch.rows_read = batch.rows_accepted = batch.rows_rejected = 0
    updated = ImportBatch.objects.filter(pk=batch.pk, claim_token=batch.claim_token).update(
        status=batch.status,
        finished_at=batch.finished_at,
        error=batch.error,
        kind=batch.kind,
        rows_read=batch.rows_read,
        rows_accepted=batch.rows_accepted,
        rows_rejected=batch.rows_rejected,
        warnings=batch.warnings,
    )
    if not updated:
        raise BatchTakenOver(batch.pk)


def _fail(batch: ImportBatch, message: str) -> IngestResult:
    """An unreadable file: nothing imported, earlier rejected rows of this batch cleared, the reason kept."""
    with transaction.atomic():
        _lock_claim(batch)
        batch.rejected_rows.all().delete()
        _finish(batch, Status.FAILED, error=message)
    logger.info("Usage batch %s failed: %s", batch.pk, message)
    return _result(batch)


def _result(batch: ImportBatch, keys_written: int = 0) -> IngestResult:
    return IngestResult(
        batch_id=batch.pk,
        status=batch.status,
        kind=batch.kind,
        rows_read=batch.rows_read,
        rows_accepted=batch.rows_accepted,
        rows_rejected=batch.rows_rejected,
        keys_written=keys_written,
        error=batch.error,
        warnings=list(batch.warnings),
    )


def record_unexpected_failure(batch_id: int, claim_token: str, error: BaseException) -> None:
    """After a crash inside the import (database error, time limit): the batch says so in plain words;
    the technical message goes to the log only (it names tables and staging rows, not the file's lines)."""
    logger.error("Usage batch %s stopped unexpectedly", batch_id, exc_info=error)
    message = _(
        "The import stopped unexpectedly and nothing was applied. The cause was logged for the "
        "administrators (batch #%(id)d, %(time)s UTC); re-process the batch once it is fixed."
    ) % {"id": batch_id, "time": timezone.now().strftime("%d.%m.%Y %H:%M")}
    ImportBatch.objects.filter(pk=batch_id, claim_token=claim_token, status=Status.RUNNING).update(
        status=Status.FAILED, error=message, finished_at=timezone.now()
    )
