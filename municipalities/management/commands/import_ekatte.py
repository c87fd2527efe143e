"""`manage.py import_ekatte [DIR]`: import provinces, municipalities, population and boundaries."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.csvfiles import DataFileError
from municipalities.ekatte import import_ekatte


class Command(BaseCommand):
    help = "Import the NSI EKATTE classifier and GeoJSON boundaries from DIR (default ../shared/data)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("data_dir", nargs="?", default=str(settings.REFERENCE_DATA_DIR))

    def handle(self, *args, data_dir: str, **options) -> None:
        self.stdout.write(f"Importing EKATTE reference data from {data_dir} ...")
        try:
            report = import_ekatte(Path(data_dir))
        except DataFileError as error:
            raise CommandError(f"{error} — nothing was changed.") from None
        for label in ("province", "municipality"):
            self.stdout.write(
                f"  {label}: {report.created[label]} created, {report.updated[label]} updated, "
                f"{report.unchanged[label]} unchanged"
            )
        if report.changed:
            self.stdout.write(self.style.SUCCESS("EKATTE import done."))
        else:
            self.stdout.write(self.style.SUCCESS("Nothing changed: the data is already up to date."))
