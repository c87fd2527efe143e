"""`manage.py seed_demo_adoption`: plausible demo declarations and histories for a local portal."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from demo.adoption import seed_demo_adoption
from municipalities.models import Municipality


class Command(BaseCommand):
    help = "Give every municipality plausible demo adoption histories (idempotent; skips declared pairs)."

    def handle(self, *args, **options) -> None:
        if not Municipality.objects.exists():
            raise CommandError("No municipalities: run `manage.py import_ekatte` first.")
        created = seed_demo_adoption()
        self.stdout.write(self.style.SUCCESS(f"Demo adoption: {created} declarations created."))
