"""`manage.py ingest_usage FILE [FILE ...] [--kind regix|seos] [--wait]`: the command-line door."""

from __future__ import annotations

import logging
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.progress import Progress
from usage import services
from usage.choices import Door, Kind, Status
from usage.models import ImportBatch


class Command(BaseCommand):
    help = "Keep usage files as import batches and queue them; with --wait, print each batch's result."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--kind", choices=Kind.values, default="", help="Default: tell from the header.")
        parser.add_argument("--wait", action="store_true", help="Wait for each import and print its result.")
        parser.add_argument("--timeout", type=int, default=3600, help="Seconds --wait waits per file.")
        parser.add_argument(
            "--skip-imported",
            action="store_true",
            help="Skip files whose exact content (SHA-256) was already imported successfully.",
        )

    def handle(self, *args: Any, files: list[Path], kind: str, wait: bool, timeout: int, **options: Any) -> None:
        missing = [str(path) for path in files if not path.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)} — nothing was imported.")
        failed = pending = 0
        # A bar on a terminal (files, rows, rate, time left by bytes); a line per file otherwise.
        progress = Progress(self.stdout, len(files), total_weight=sum(path.stat().st_size for path in files))
        if progress.tty:  # the bar says what each task's and import's log line would
            for name in ("celery.app.trace", "usage.ingest"):
                logging.getLogger(name).setLevel(logging.WARNING)
        for path in files:
            size = path.stat().st_size
            if options["skip_imported"] and services.already_imported(path):
                progress.advance(f"{path.name}: already imported, skipped", weight=size)
                continue
            batch = services.receive_path(path, door=Door.CLI, kind=kind, queue=False)
            queued = services.enqueue(batch.pk)
            batch.refresh_from_db()
            line = f"{path.name}: batch #{batch.pk}"
            if not queued and batch.status == Status.PENDING:
                line += " (queue unavailable: pending)"
                pending += 1
                progress.note(line)
                continue
            if not wait and batch.status != Status.FAILED:
                progress.advance(line, weight=size)
                continue
            batch = self._wait(batch, timeout)
            failed += batch.status != Status.SUCCEEDED
            if not progress.tty or batch.error or batch.warnings or batch.rows_rejected:
                progress.note(line)
                self._report(batch)
            progress.advance(None, rows=batch.rows_read, weight=size)
        progress.finish()
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) failed or were refused: see the reasons above.")
        if pending:
            self.stdout.write(
                self.style.WARNING(
                    f"{pending} file(s) kept as pending batches: the task queue is unavailable; "
                    "the beat task requeue_batches queues them when it is back."
                )
            )
            return
        self.stdout.write(self.style.SUCCESS("Done." if wait else "Queued."))

    def _wait(self, batch: ImportBatch, timeout: int) -> ImportBatch:
        deadline = time.monotonic() + timeout
        while True:
            batch.refresh_from_db()
            if batch.status in (Status.SUCCEEDED, Status.FAILED):
                return batch
            if time.monotonic() > deadline:
                raise CommandError(f"Batch #{batch.pk} is still {batch.status} after {timeout} s.")
            time.sleep(0.5)

    def _report(self, batch: ImportBatch) -> None:
        self.stdout.write(
            f"  {batch.status}: {batch.kind or '?'}, {batch.rows_read} rows read, "
            f"{batch.rows_accepted} accepted, {batch.rows_rejected} rejected"
        )
        for warning in batch.warnings:
            self.stdout.write(self.style.WARNING(f"  warning: {warning}"))
        if batch.error:
            self.stdout.write(self.style.ERROR(f"  error: {batch.error}"))
        for row in batch.rejected_rows.order_by("line")[:10]:
            self.stdout.write(f"  line {row.line}: {row.reason}")
        if batch.rows_rejected > 10:
            self.stdout.write(f"  ... and {batch.rows_rejected - 10} more rejected rows (see the batch page)")
