"""`manage.py build_demo [--scale small|full] [--since DATE]`: everything `make run` loads, in order."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from demo.build import DEMO_SINCE, build
from demo.usage import SCALES


class Command(BaseCommand):
    help = "Migrate, import the reference data and load the demo (declarations, users, usage files)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--since", type=dt.date.fromisoformat, default=DEMO_SINCE)

    def handle(self, *args, scale: str, since: dt.date, **options) -> None:
        build(scale, since, say=self.stdout.write, stdout=self.stdout._out, stderr=self.stderr._out)
        self.stdout.write(self.style.SUCCESS("Demo ready."))
