"""`manage.py embedded_db start|stop|status|url`: the quick start's own PostgreSQL (core/embedded_db.py)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import embedded_db


class Command(BaseCommand):
    help = "Start, stop or show the embedded PostgreSQL that serves the portal when DATABASE_URL is unset."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["start", "stop", "status", "url"])

    def handle(self, *args: object, action: str, **options: object) -> None:
        var_dir = settings.VAR_DIR
        try:
            if action == "start":
                self.stdout.write(self.style.SUCCESS(embedded_db.start(var_dir)))
            elif action == "stop":
                self.stdout.write(self.style.SUCCESS(embedded_db.stop(var_dir)))
            elif action == "status":
                self.stdout.write(f"Embedded PostgreSQL: {embedded_db.status(var_dir).detail}.")
            else:
                self.stdout.write(embedded_db.database_url(var_dir))
        except embedded_db.EmbeddedDbError as error:
            raise CommandError(str(error)) from None
