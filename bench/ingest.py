"""Benchmark: the whole usage import against a raw PostgreSQL COPY of the same rows.

Run on a scratch PostgreSQL database (it empties the usage tables):

    createdb -h 127.0.0.1 -U postgres egov_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench .venv/bin/python bench/ingest.py [--rows 1000000]

For each --rows size it generates a RegiX file of N rows, then --runs times: empties the usage tables,
COPYs the file raw into a bare table, and imports it through the portal's pipeline (parse, validate,
stage, replace daily facts, rollups, adoption) in a child process, so the peak memory (ru_maxrss)
reported is that of the importing process alone. Figures are the median of the runs with min and max.

Graded against issue 13's target for a fresh file, import >= 0.5x raw COPY's rows/s (and the
importer's peak memory under 300 MB); the last line printed is JSON with the figures, the targets and
whether each was met. Only the fresh, all-valid file is measured here: the day's file into stored
months, a corrected re-import and JSON Lines (issue 13's other shapes) are not yet.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.5
TARGET_PEAK_MB = 300
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


def spread(values: list[float], digits: int = 2) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
    }


def measure(rows: int, runs: int) -> dict:
    """One size: the file generated once, then --runs times COPY and the whole import, each from empty."""
    ratios, import_rates, copy_rates, peaks = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "regix-bench.csv"
        print(f"Generating {rows:,} RegiX rows ...", flush=True)
        generate(path, rows)
        print(f"  {path.name}: {path.stat().st_size / 1e6:.1f} MB")
        for run in range(runs):
            empty_usage_tables()
            copy_seconds = raw_copy(path)
            child = import_in_child(path)
            if child["status"] != "succeeded" or child["rows_accepted"] != rows:
                sys.exit(f"The import did not accept every row: {child}")
            copy_rates.append(rows / copy_seconds)
            import_rates.append(rows / child["import_seconds"])
            ratios.append(import_rates[-1] / copy_rates[-1])
            peaks.append(child["maxrss_mb"])
            print(
                f"run {run + 1}: raw COPY {copy_seconds:6.2f} s ({copy_rates[-1]:,.0f} rows/s); whole import "
                f"{child['import_seconds']:6.2f} s ({import_rates[-1]:,.0f} rows/s, + {child['receive_seconds']:.2f} s "
                f"to keep the file); ratio {ratios[-1]:.2f}; importer peak {peaks[-1]:.0f} MB",
                flush=True,
            )
    result = {
        "rows": rows,
        "runs": runs,
        "import_rows_per_s": spread(import_rates, 0),
        "copy_rows_per_s": spread(copy_rates, 0),
        "ratio": spread(ratios),
        "peak_rss_mb": spread(peaks, 0),
    }
    result["met"] = result["ratio"]["median"] >= TARGET_RATIO and max(peaks) < TARGET_PEAK_MB
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--runs", type=int, default=3, help="runs per size; figures are their median, min and max")
    parser.add_argument("--import-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_only:
        import_only(args.import_only)
        return
    setup_django()
    ensure_reference_data()
    sizes = [measure(rows, args.runs) for rows in args.rows]
    for size in sizes:
        print(
            f"{size['rows']:>10,} rows: import/COPY {size['ratio']['median']:.2f} "
            f"[{size['ratio']['min']:.2f}–{size['ratio']['max']:.2f}] (target >= {TARGET_RATIO}); "
            f"importer peak {size['peak_rss_mb']['max']:.0f} MB (target < {TARGET_PEAK_MB} MB)"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    summary = {
        "shape": "fresh all-valid RegiX CSV into empty usage tables",
        "sizes": sizes,
        "targets": {"ratio": TARGET_RATIO, "peak_rss_mb": TARGET_PEAK_MB},
        "not_measured": ["a day's file into ten years of stored data", "a corrected re-import", "JSON Lines"],
        "met": all(size["met"] for size in sizes),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
