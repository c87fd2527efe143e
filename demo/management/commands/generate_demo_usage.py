"""`manage.py generate_demo_usage [--out DIR] [--since DATE] [--scale small|full]`: demo usage files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.progress import Progress
from demo.usage import SCALES, generate, months
from municipalities.models import Municipality


class Command(BaseCommand):
    help = "Write realistic RegiX and SEOS usage files (one per month and kind) in the contract's format."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", type=Path, default=None, help="Default: $EGOV_VAR_DIR/demo-usage")
        parser.add_argument("--since", type=dt.date.fromisoformat, default=dt.date(2016, 1, 1))
        parser.add_argument("--until", type=dt.date.fromisoformat, default=None, help="Default: yesterday")
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=2018)

    def handle(self, *args, out, since, until, scale, seed, **options) -> None:
        if Municipality.objects.count() != 265:
            raise CommandError("Import the EKATTE data first: manage.py import_ekatte")
        out = out or settings.VAR_DIR / "demo-usage"
        until = until or timezone.localdate() - dt.timedelta(days=1)
        if since > until:
            raise CommandError(f"--since {since} is after {until}.")
        for stale in out.glob("*-*.*"):
            if stale.name.startswith(("regix-", "seos-")):
                stale.unlink()
        self.stdout.write(f"Writing {scale} demo usage files from {since} to {until} into {out} ...")
        progress = Progress(self.stdout, len(list(months(since, until))), unit="months")

        def written(first: dt.date, paths: list[Path], rows: int) -> None:
            names = ", ".join(path.name for path in paths) or "no usage"
            progress.advance(f"{first:%Y-%m}: {names} ({rows} rows)", rows=rows)

        paths = generate(out, since, until, scale=scale, seed=seed, on_month=written)
        progress.finish()
        size = sum(path.stat().st_size for path in paths) / 1e6
        self.stdout.write(self.style.SUCCESS(f"{len(paths)} files written ({size:.1f} MB) in {out}."))
