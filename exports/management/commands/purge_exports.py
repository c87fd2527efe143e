"""`manage.py purge_exports [--days N]`: delete the files of old background exports, fail stalled ones."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from exports.services import fail_stale, purge_expired


class Command(BaseCommand):
    help = "Delete the files of background exports finished more than N days ago (EXPORT_RETENTION_DAYS)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=settings.EXPORT_RETENTION_DAYS)

    def handle(self, *args, days: int, **options) -> None:
        if days < 0:
            raise CommandError(f"--days must be 0 or more, not {days}.")
        cutoff = timezone.now() - timedelta(days=days)
        self.stdout.write(f"Deleting export files finished before {cutoff:%Y-%m-%d %H:%M} ...")
        count = purge_expired(cutoff)
        # A job older than twice the task time limit has lost its worker (a restart, a kill -9).
        stale = fail_stale(timezone.now() - timedelta(seconds=2 * settings.CELERY_TASK_TIME_LIMIT))
        self.stdout.write(f"{stale} stalled export(s) marked failed.")
        self.stdout.write(self.style.SUCCESS(f"{count} export file(s) deleted; their jobs are marked expired."))
