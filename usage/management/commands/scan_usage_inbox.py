"""`manage.py scan_usage_inbox`: pick up the inbox folder's files now (beat does it every minute)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from usage import services


class Command(BaseCommand):
    help = "Keep every settled file of USAGE_INBOX_DIR as a batch, queue it and archive the original."

    def handle(self, *args: Any, **options: Any) -> None:
        batch_ids = services.scan_inbox()
        for batch_id in batch_ids:
            self.stdout.write(f"batch #{batch_id}")
        self.stdout.write(self.style.SUCCESS(f"{len(batch_ids)} file(s) picked up from {settings.USAGE_INBOX_DIR}."))
