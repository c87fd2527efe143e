"""The doors' shared entry points: keep a file as a batch, queue it, re-queue it, re-process it.

Every door (inbox, upload page, API, command line) calls `receive_file`, which keeps the file and
records the batch BEFORE anything is queued, so a broker outage can delay an import but never lose
a file: pending batches are re-queued by the beat task `requeue_batches` (usage/beat.py). What a
worker does with a queued batch is in `processing.py`; the imports flow doors → tasks → processing.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import uuid
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .choices import Door, Status
from .models import ImportBatch
from .tasks import ingest_batch

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

logger = logging.getLogger(__name__)


def receive_file(
    stream: IO[bytes],
    *,
    file_name: str,
    door: str,
    kind: str = "",
    user: User | AnonymousUser | None = None,
    queue: bool = True,
) -> ImportBatch:
    """Keep the file with its sha256 and size, record a pending batch, and queue it after commit."""
    digest, size = hashlib.sha256(), 0
    with tempfile.TemporaryFile() as spool:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
            spool.write(chunk)
        spool.seek(0)
        batch = ImportBatch(
            kind=kind,
            file_name=Path(file_name).name[:255],
            sha256=digest.hexdigest(),
            size=size,
            door=door,
            uploaded_by=user if user is not None and user.is_authenticated else None,
        )
        batch.file.save(batch.file_name, File(spool), save=False)
    batch.save()
    if queue:
        transaction.on_commit(lambda: enqueue(batch.pk))
    return batch


def receive_path(path: Path, file_name: str = "", **kwargs: Any) -> ImportBatch:
    with path.open("rb") as handle:
        return receive_file(handle, file_name=file_name or path.name, **kwargs)


def already_imported(path: Path) -> bool:
    """Whether a file with exactly this content was imported successfully before."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return ImportBatch.objects.filter(sha256=digest.hexdigest(), status=Status.SUCCEEDED).exists()


def enqueue(batch_id: int) -> bool:
    """Send the task; with the broker down the batch stays pending (and is re-queued later)."""
    try:
        ingest_batch.apply_async(
            (batch_id,),
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
        )
    except Exception as error:  # kombu raises several types when the broker is unreachable
        if ImportBatch.objects.filter(pk=batch_id).exclude(status=Status.PENDING).exists():
            # In-process tasks (dev, tests): the import itself raised after recording its failure on the
            # batch. It ran: the batch is not pending, and its status and reason say what happened.
            logger.error("Usage batch %s: the import raised %s", batch_id, type(error).__name__)
            return True
        logger.warning("Usage batch %s stays pending: cannot queue it (%s)", batch_id, error)
        return False
    ImportBatch.objects.filter(pk=batch_id, status=Status.PENDING).update(queued_at=timezone.now())
    return True


def reprocess(batch: ImportBatch) -> bool:
    """Apply the rules again to the kept file (e.g. after the catalogue was fixed); False if running."""
    updated = (
        ImportBatch.objects.filter(pk=batch.pk)
        .exclude(status__in=[Status.PENDING, Status.RUNNING])
        .update(status=Status.PENDING, queued_at=None, error="")
    )
    if updated:
        transaction.on_commit(lambda: enqueue(batch.pk))
    return bool(updated)


def requeue_batches() -> int:
    """Queue the pending batches nobody queued (broker was down) and the running ones whose worker died."""
    now = timezone.now()
    unqueued = now - timedelta(seconds=settings.USAGE_REQUEUE_AFTER_SECONDS)
    stale = now - timedelta(seconds=settings.USAGE_STALE_AFTER_SECONDS)
    ids = list(
        ImportBatch.objects.filter(
            Q(status=Status.PENDING, queued_at__isnull=True)
            | Q(status=Status.PENDING, queued_at__lt=unqueued)
            | Q(status=Status.RUNNING, started_at__lt=stale)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    return sum(enqueue(batch_id) for batch_id in ids)


# -- the inbox door ------------------------------------------------------------------------------


def inbox_dirs() -> dict[str, Path]:
    root = Path(settings.USAGE_INBOX_DIR)
    dirs = {name: root / name for name in ("processing", "archive", "failed")}
    for path in (root, *dirs.values()):
        path.mkdir(parents=True, exist_ok=True)
    return {"inbox": root, **dirs}


def scan_inbox() -> list[int]:
    """Pick up every settled file in the inbox: keep it as a batch, queue it, archive the original."""
    dirs = inbox_dirs()
    settled_before = timezone.now().timestamp() - settings.USAGE_INBOX_SETTLE_SECONDS
    batch_ids = []
    for path in sorted(dirs["inbox"].iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.suffix in {".part", ".tmp"}:
            continue
        if path.stat().st_mtime > settled_before:
            continue  # still being written
        # The rename is atomic: of two scans racing for one file, only one gets it.
        taken = dirs["processing"] / f"{uuid.uuid4().hex[:8]}-{path.name}"
        try:
            path.rename(taken)
        except FileNotFoundError:
            continue
        try:
            batch = receive_path(taken, file_name=path.name, door=Door.INBOX, queue=False)
        except OSError as error:
            logger.error("Inbox file %s cannot be read: %s", path.name, error)
            shutil.move(taken, dirs["failed"] / taken.name)
            continue
        archived = dirs["archive"] / taken.name
        shutil.move(taken, archived)
        ImportBatch.objects.filter(pk=batch.pk).update(source_path=str(archived))
        transaction.on_commit(partial(enqueue, batch.pk))
        batch_ids.append(batch.pk)
    return batch_ids
