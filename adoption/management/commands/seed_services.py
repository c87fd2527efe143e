"""`manage.py seed_services`: make sure the six services and their stages exist."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from adoption.models import Service, Stage
from adoption.seeding import seed_services


class Command(BaseCommand):
    help = "Create the missing services and adoption stages (never overwrites an administrator's edits)."

    def handle(self, *args: Any, **options: Any) -> None:
        services, stages = seed_services(Service, Stage)
        self.stdout.write(self.style.SUCCESS(f"Services: {services} created; stages: {stages} created."))
