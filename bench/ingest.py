"""Benchmark: the whole usage import against a raw PostgreSQL COPY of the same rows.

Run on a scratch PostgreSQL database (it empties the usage tables):

    createdb -h 127.0.0.1 -U postgres egov_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench .venv/bin/python bench/ingest.py [--rows 1000000]

It generates a RegiX file of N rows, COPYs it raw into a bare table, then imports it through the
portal's pipeline (parse, validate, stage, replace daily facts, rollups, adoption) in a child
process, so the peak memory (ru_maxrss) reported is that of the importing process alone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_portal.settings.base")


def setup_django() -> None:
    import django

    django.setup()


def ensure_reference_data() -> None:
    from django.core.management import call_command

    from catalog.models import QueryType
    from municipalities.models import Municipality

    call_command("migrate", verbosity=0)
    if not Municipality.objects.exists():
        call_command("import_ekatte", verbosity=0)
    if not QueryType.objects.exists():
        call_command("import_regix_catalog", verbosity=0)


def generate(path: Path, rows: int) -> None:
    """N distinct keys: every municipality x 60 operations x as many days as it takes."""
    from catalog.models import QueryType
    from municipalities.models import Municipality

    rng = random.Random(2018)
    codes = list(Municipality.objects.values_list("code", flat=True))
    operations = list(QueryType.objects.values_list("operation", flat=True))[:60]
    written, day = 0, date(2019, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("date,municipality,operation,requests,errors\n")
        while written < rows:
            iso = day.isoformat()
            for code in codes:
                for operation in operations:
                    requests = rng.randrange(1, 500)
                    handle.write(f"{iso},{code},{operation},{requests},{rng.randrange(0, requests // 20 + 1)}\n")
                    written += 1
                    if written == rows:
                        return
            day += timedelta(days=1)


def raw_copy(path: Path) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_copy")
        cursor.execute(
            "CREATE TABLE bench_raw_copy (date date, municipality text, operation text, requests bigint, errors bigint)"
        )
        started = time.perf_counter()
        with (
            path.open("rb") as handle,
            cursor.cursor.copy("COPY bench_raw_copy FROM STDIN (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_raw_copy")
    return elapsed


def import_in_child(path: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--import-only", str(path)], check=True, capture_output=True, text=True
    )
    for line in output.stderr.splitlines():
        if "s, " in line and "Usage batch" in line:
            print(f"  phases: {line.split(': ', 1)[1]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def import_only(path: Path) -> None:
    """The child: keep the file as a batch, then claim and import it; print figures as JSON."""
    setup_django()
    import logging

    logging.getLogger("usage.ingest").setLevel(logging.INFO)
    from usage import processing, services
    from usage.choices import Door

    started = time.perf_counter()
    batch = services.receive_path(path, door=Door.CLI, kind="regix", queue=False)
    received = time.perf_counter()
    result = processing.process(batch.pk)
    finished = time.perf_counter()
    print(
        json.dumps(
            {
                "receive_seconds": received - started,
                "import_seconds": finished - received,
                "status": result.status if result else None,
                "rows_accepted": result.rows_accepted if result else 0,
                "error": result.error if result else "",
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def empty_usage_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE usage_rejectedrow, usage_importbatch, usage_regixdailyusage, usage_regixmonthlyusage, "
            "usage_seosdailyusage, usage_seosmonthlyusage, usage_observedadoption"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--import-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_only:
        import_only(args.import_only)
        return
    setup_django()
    ensure_reference_data()
    empty_usage_tables()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "regix-bench.csv"
        print(f"Generating {args.rows:,} RegiX rows ...", flush=True)
        generate(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        print(f"  {path.name}: {size_mb:.1f} MB")
        copy_seconds = raw_copy(path)
        child = import_in_child(path)
    if child["status"] != "succeeded" or child["rows_accepted"] != args.rows:
        sys.exit(f"The import did not accept every row: {child}")
    copy_rate = args.rows / copy_seconds
    import_rate = args.rows / child["import_seconds"]
    print(f"raw COPY into a bare table : {copy_seconds:7.2f} s  {copy_rate:12,.0f} rows/s")
    print(
        f"whole import (parse, validate, load, rollups): {child['import_seconds']:7.2f} s  "
        f"{import_rate:12,.0f} rows/s  (+ {child['receive_seconds']:.2f} s to keep the file)"
    )
    print(f"ratio import/COPY          : {import_rate / copy_rate:.2f}  (target >= 0.33)")
    print(f"peak memory of the importer: {child['maxrss_mb']:.0f} MB  (target < 300 MB)")


if __name__ == "__main__":
    main()
