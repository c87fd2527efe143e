"""What a worker does with a queued batch: claim it (exactly one worker gets it) and import it.

The Celery task `usage.tasks.ingest_batch` calls `process`; a second delivery of a finished batch
finds nothing to claim and does nothing.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .choices import Door, Status
from .ingest import BatchTakenOver, IngestResult, record_unexpected_failure, run
from .models import ImportBatch

logger = logging.getLogger(__name__)


def claim(batch_id: int) -> ImportBatch | None:
    """Take a pending batch (or one whose worker died long ago); None if someone else has it."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.USAGE_STALE_AFTER_SECONDS)
    token = uuid.uuid4().hex
    with transaction.atomic():
        # SKIP LOCKED: a live import holds its batch's row for its whole transaction, so a running batch
        # whose row is free and whose start is old has lost its worker.
        free = (
            ImportBatch.objects.select_for_update(skip_locked=True)
            .filter(pk=batch_id)
            .filter(Q(status=Status.PENDING) | Q(status=Status.RUNNING, started_at__lt=stale))
            .values_list("pk", flat=True)
        )
        if not free:
            return None
        ImportBatch.objects.filter(pk=batch_id).update(
            status=Status.RUNNING,
            claim_token=token,
            started_at=now,
            finished_at=None,
            error="",
            attempts=F("attempts") + 1,
        )
    return ImportBatch.objects.get(pk=batch_id)


def process(batch_id: int) -> IngestResult | None:
    """Claim and import one batch: what the Celery task does. None when there was nothing to do."""
    batch = claim(batch_id)
    if batch is None:
        logger.info("Usage batch %s is not pending: nothing to do", batch_id)
        return None
    try:
        result = run(batch)
    except BatchTakenOver:
        logger.warning("Usage batch %s was taken over by another worker", batch_id)
        return None
    except BaseException as error:
        record_unexpected_failure(batch.pk, batch.claim_token, error)
        raise
    _file_inbox_original(batch)
    return result


def _file_inbox_original(batch: ImportBatch) -> None:
    """An inbox file whose import failed moves from archive/ to failed/, so the folder tells the story."""
    batch.refresh_from_db(fields=["status", "source_path"])
    if batch.door != Door.INBOX or batch.status != Status.FAILED or not batch.source_path:
        return
    source = Path(batch.source_path)
    if not source.is_file() or source.parent.name != "archive":
        return
    target = source.parent.parent / "failed" / source.name
    shutil.move(source, target)
    ImportBatch.objects.filter(pk=batch.pk).update(source_path=str(target))
