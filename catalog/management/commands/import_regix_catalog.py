"""`manage.py import_regix_catalog [FILE]`: import RegiX registers and query types."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.regix_import import import_catalog
from core.csvfiles import DataFileError


class Command(BaseCommand):
    help = "Import the RegiX catalogue CSV (default ../shared/data/regix/catalog.csv)."

    def add_arguments(self, parser) -> None:
        default = settings.REFERENCE_DATA_DIR / "regix" / "catalog.csv"
        parser.add_argument("file", nargs="?", default=str(default))

    def handle(self, *args, file: str, **options) -> None:
        self.stdout.write(f"Importing the RegiX catalogue from {file} ...")
        try:
            report = import_catalog(Path(file))
        except DataFileError as error:
            raise CommandError(f"{error} — nothing was changed.") from None
        for label in ("register", "querytype"):
            self.stdout.write(
                f"  {label}: {report.created[label]} created, {report.updated[label]} updated, "
                f"{report.unchanged[label]} unchanged"
            )
        message = (
            "RegiX catalogue import done."
            if report.changed
            else "Nothing changed: the catalogue is already up to date."
        )
        self.stdout.write(self.style.SUCCESS(message))
