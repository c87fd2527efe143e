"""Issue the edition of a quarter (or its corrected version): the same service as /open/manage/."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from opendata import reading
from opendata.editions import Quarter, issue_edition


class Command(BaseCommand):
    help = "Issue the edition of a quarter (default: the current one); a second issue needs --note."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", help="e.g. 2026-q3")
        parser.add_argument("--note", default="", help="what a correction changed (required for version 2+)")

    def handle(self, *args, **options):
        try:
            quarter = Quarter.parse(options["quarter"]) if options["quarter"] else None
            edition = issue_edition(quarter, note=options["note"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        reading.forget_latest()
        self.stdout.write(self.style.SUCCESS(f"Edition {edition.slug} issued (figures as of {edition.as_of})."))
