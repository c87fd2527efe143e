"""`manage.py send_stale_reminders`: send the weekly reminder e-mails now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from adoption.reminders import send_reminders


class Command(BaseCommand):
    help = "E-mail officers about stale or rejected declarations, and ministry staff a summary."

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_reminders()
        self.stdout.write(
            self.style.SUCCESS(
                f"Sent {result.officer_emails} officer and {result.ministry_emails} ministry e-mails "
                f"({len(result.municipalities)} municipalities)."
            )
        )
