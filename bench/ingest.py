"""Benchmark: the whole usage import, for the shapes of file operators send, each against a raw
PostgreSQL COPY of the same rows into a bare table in the same run (issue 13, item 3).

Run with the production settings (DEBUG off) on a scratch database (it empties the usage tables);
the day's file goes into a second database holding ten years of usage, built once and kept:

    createdb -h 127.0.0.1 -U postgres egov_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench REDIS_URL=redis://127.0.0.1:6379/12 \\
        .venv/bin/python bench/ingest.py [--history-db egov_ing_tenyears] [--shapes fresh day correction jsonl]

Shapes (RegiX; targets are issue 13's):
- fresh: a new all-valid plain CSV of --rows (1M and 5M) into empty usage tables, >= 0.5x COPY;
- day: a day's file (every municipality x 60 query types, 15,900 rows) into ten years of stored
  usage (bench/dashboards.py's demo, loaded through the import into --history-db the first time,
  then the same 15,900 keys for every day of that month until the day before; --reload-history
  rebuilds it), the day the history was built for, into a month that holds its keys, >= 0.3x COPY with every
  fixed cost of the import counted (claim, lock, lookups, batch); before each run the day is taken
  out again (its facts deleted, its month's rollups and the adoption recomputed, not timed);
- correction: the 1M file imported (not timed), then the same file with 3% of its rows' counts
  changed imported again, >= 0.3x COPY of the corrected file;
- jsonl: the same 1M rows as JSON Lines into empty tables, >= 0.3x COPY of the equivalent CSV rows.

Each run is a child process that times COPY (on a connection of its own) and then the import
(`processing.process`: claim, read, check, write, rollups, adoption, batch; keeping the file is
reported apart). Memory: the importer's peak RSS (ru_maxrss) plus its PostgreSQL backend's peak
(VmHWM of pg_backend_pid() from /proc, which counts the shared buffers it touched), together
< 400 MB; and flat from 1M to 5M rows: the importer's peak plus the backend's private memory
(RssAnon, sampled) at 5M at most 1.2x that at 1M. The shared buffers are left out of "flat" only:
a fixed pool (shared_buffers) that a larger file touches more of, up to its size, whatever the
import does; they stay in the < 400 MB total. Figures are the median of --runs
runs with min and max; the last line printed is JSON with the figures, targets and met.
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
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_portal.settings.production")
# Production refuses to start without a secret; a bench run on a scratch database gets a throwaway one.
os.environ.setdefault("SECRET_KEY", __import__("secrets").token_urlsafe(50))

TARGETS = {"fresh": 0.5, "day": 0.3, "correction": 0.3, "jsonl": 0.3}
TARGET_PEAK_MB = 400
FLAT = 1.2  # "flat": the 5M file's peak at most this times the 1M file's
OPERATIONS = 60
CORRECTED_SHARE = 0.03
HEADER = "date,municipality,operation,requests,errors\n"


def setup_django() -> None:
    import django

    django.setup()
    from django.conf import settings

    if settings.DEBUG:
        sys.exit("bench/ingest.py measures the production settings: unset DEBUG.")


def ensure_reference_data() -> None:
    from django.core.management import call_command

    from catalog.models import QueryType
    from municipalities.models import Municipality

    call_command("migrate", verbosity=0)
    if not Municipality.objects.exists():
        call_command("import_ekatte", verbosity=0)
    if not QueryType.objects.exists():
        call_command("import_regix_catalog", verbosity=0)


def rows_of(count: int, first_day: date, operations: list[str]):
    """(date, code, operation, requests, errors): distinct keys, every municipality x the operations
    x as many days as it takes."""
    from municipalities.models import Municipality

    rng = random.Random(2018)
    codes = list(Municipality.objects.order_by("code").values_list("code", flat=True))
    written, day = 0, first_day
    while True:
        for code in codes:
            for operation in operations:
                requests = rng.randrange(1, 500)
                yield day.isoformat(), code, operation, requests, rng.randrange(0, requests // 20 + 1)
                written += 1
                if written == count:
                    return
        day += timedelta(days=1)


def write_csv(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER)
        handle.writelines(f"{d},{m},{o},{r},{e}\n" for d, m, o, r, e in rows)


def write_jsonl(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(
            json.dumps({"date": d, "municipality": m, "operation": o, "requests": r, "errors": e}) + "\n"
            for d, m, o, r, e in rows
        )


def corrected(rows, share: float):
    """The same rows with `share` of them given other counts (still at least one request)."""
    rng = random.Random(13)
    for d, m, o, r, e in rows:
        if rng.random() < share:
            r = rng.randrange(1, 500)
            e = rng.randrange(0, r // 20 + 1)
        yield d, m, o, r, e


def catalogue_operations() -> list[str]:
    from catalog.models import QueryType

    return list(QueryType.objects.order_by("pk").values_list("operation", flat=True))[:OPERATIONS]


# --- the child: one timed run -------------------------------------------------------------------


class BackendMemory:
    """The importer's PostgreSQL backend's memory, from /proc (PostgreSQL runs on this machine):
    VmHWM (peak resident, shared buffers it touched included) at the end, and the largest RssAnon
    (its private memory) sampled every 20 ms during the import."""

    def __init__(self, pid: int):
        self.pid, self.anon_kb, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _status(self) -> dict[str, int]:
        figures = {}
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                if value.strip().endswith("kB"):
                    figures[name] = int(value.split()[0])
        return figures

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.anon_kb = max(self.anon_kb, self._status().get("RssAnon", 0))

    def __enter__(self) -> BackendMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.hwm_mb = self._status()["VmHWM"] / 1024
        self.anon_mb = max(self.anon_kb, self._status().get("RssAnon", 0)) / 1024


def raw_copy(path: Path) -> float:
    """COPY of the CSV's rows into a bare table, on a connection of its own."""
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw_copy")
        conn.execute(
            "CREATE TABLE bench_raw_copy (date date, municipality text, operation text, requests bigint, errors bigint)"
        )
        with conn.cursor() as cursor:
            started = time.perf_counter()
            with (
                path.open("rb") as handle,
                cursor.copy("COPY bench_raw_copy FROM STDIN (FORMAT csv, HEADER true)") as copy,
            ):
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
            elapsed = time.perf_counter() - started
        conn.execute("DROP TABLE bench_raw_copy")
    return elapsed


def empty_usage_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE usage_rejectedrow, usage_importbatch, usage_regixdailyusage, usage_regixmonthlyusage, "
            "usage_seosdailyusage, usage_seosmonthlyusage, usage_observedadoption"
        )


def take_out_day(day: date) -> None:
    """Undo a day's file (not timed): its facts deleted, its month's rollups and the RegiX adoption
    recomputed from what is left, as if the day had never been imported; then vacuumed and analysed
    as autovacuum would have done by the next day."""
    from django.db import connection, transaction

    month = day.replace(day=1)
    after = (month + timedelta(days=32)).replace(day=1)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM usage_regixdailyusage WHERE date = %s", [day])
        cursor.execute("DELETE FROM usage_regixmonthlyusage WHERE month = %s", [month])
        cursor.execute(
            "INSERT INTO usage_regixmonthlyusage (month, municipality_id, query_type_id, requests, errors, "
            "active_days, first_day, last_day) SELECT %s, municipality_id, query_type_id, sum(requests), sum(errors), "
            "count(*) FILTER (WHERE requests > 0), min(date) FILTER (WHERE requests > 0), "
            "max(date) FILTER (WHERE requests > 0) FROM usage_regixdailyusage WHERE date >= %s AND date < %s "
            "GROUP BY municipality_id, query_type_id",
            [month, month, after],
        )
        cursor.execute("DELETE FROM usage_observedadoption WHERE service = 'regix'")
        cursor.execute(
            "INSERT INTO usage_observedadoption (municipality_id, service, first_day, last_day) "
            "SELECT municipality_id, 'regix', min(first_day), max(last_day) FROM usage_regixmonthlyusage "
            "WHERE first_day IS NOT NULL GROUP BY municipality_id"
        )
    as_autovacuum_would()


def as_autovacuum_would() -> None:
    """Statistics and visibility as autovacuum keeps them in production (it is off on this server):
    without them the planner guesses the stored rows and joins a correction's keys to them the slow
    way. Not timed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE usage_regixdailyusage, usage_regixmonthlyusage, usage_observedadoption")


def import_path(path: Path) -> dict:
    from django.db import connection

    from usage import processing, services
    from usage.choices import Door

    started = time.perf_counter()
    batch = services.receive_path(path, door=Door.CLI, kind="regix", queue=False)
    received = time.perf_counter()
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with BackendMemory(pid) as backend:
        begun = time.perf_counter()
        result = processing.process(batch.pk)
        finished = time.perf_counter()
    batch.refresh_from_db()
    batch.file.delete(save=False)  # a bench run keeps no copy of its files (5M rows are 538 MB)
    return {
        "receive_seconds": received - started,
        "import_seconds": finished - begun,
        "status": result.status if result else None,
        "rows_accepted": result.rows_accepted if result else 0,
        "error": result.error if result else "",
        "backend_peak_mb": backend.hwm_mb,
        "backend_private_mb": backend.anon_mb,
    }


def child(shape: str, path: Path, copy_path: Path, before: Path | None, day: str | None) -> None:
    """One run: prepare (not timed), COPY, import; print the figures as JSON."""
    setup_django()
    import logging

    logging.getLogger("usage.ingest").setLevel(logging.INFO)
    if shape == "day":
        take_out_day(date.fromisoformat(day or ""))
    else:
        empty_usage_tables()
    if before is not None:  # the correction's first import
        first = import_path(before)
        if first["status"] != "succeeded":
            sys.exit(f"The first import failed: {first}")
        as_autovacuum_would()  # a correction comes days after the file it corrects
    copy_seconds = raw_copy(copy_path)
    figures = import_path(path)
    figures["copy_seconds"] = copy_seconds
    figures["importer_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


# --- the parent ----------------------------------------------------------------------------------


def history_url(name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def run_child(shape: str, path: Path, copy_path: Path, env_db: str, before: Path | None = None, day: str = "") -> dict:
    command = [sys.executable, __file__, "--child", shape, str(path), "--copy-path", str(copy_path)]
    if before is not None:
        command += ["--before", str(before)]
    if day:
        command += ["--day", day]
    output = subprocess.run(
        command, check=True, capture_output=True, text=True, env={**os.environ, "DATABASE_URL": env_db}
    )
    phases = [line.split(": ", 1)[1] for line in output.stderr.splitlines() if "Usage batch" in line and " s, " in line]
    figures = json.loads(output.stdout.strip().splitlines()[-1])
    figures["phases"] = phases[-1] if phases else ""
    return figures


def spread(values: list[float], digits: int = 2) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
    }


def measure(label: str, rows: int, runs: int, target: float, make_run) -> dict:
    """--runs runs of one shape; each run returns the child's figures."""
    ratios, import_rates, copy_rates, peaks, backend, importer, private = [], [], [], [], [], [], []
    for run in range(runs):
        figures = make_run()
        if figures["status"] != "succeeded" or figures["rows_accepted"] != rows:
            sys.exit(f"{label}: the import did not accept every row: {figures}")
        copy_rates.append(rows / figures["copy_seconds"])
        import_rates.append(rows / figures["import_seconds"])
        ratios.append(import_rates[-1] / copy_rates[-1])
        importer.append(figures["importer_peak_mb"])
        backend.append(figures["backend_peak_mb"])
        peaks.append(importer[-1] + backend[-1])
        private.append(importer[-1] + figures["backend_private_mb"])
        print(
            f"  {label} run {run + 1}: COPY {figures['copy_seconds']:.3f} s, import {figures['import_seconds']:.3f} s "
            f"(+ {figures['receive_seconds']:.2f} s keeping the file); ratio {ratios[-1]:.3f}; memory: importer "
            f"{importer[-1]:.0f} MB + backend {backend[-1]:.0f} MB (private {figures['backend_private_mb']:.0f} MB)"
            f"\n    phases: {figures['phases']}",
            flush=True,
        )
    return {
        "shape": label,
        "rows": rows,
        "runs": runs,
        "import_rows_per_s": spread(import_rates, 0),
        "copy_rows_per_s": spread(copy_rates, 0),
        "ratio": spread(ratios, 3),
        "target": target,
        "importer_peak_mb": spread(importer, 0),
        "backend_peak_mb": spread(backend, 0),
        "peak_mb": spread(peaks, 0),
        "private_peak_mb": spread(private, 0),
        "ratio_met": statistics.median(ratios) >= target,
        "memory_met": max(peaks) < TARGET_PEAK_MB,
        "met": statistics.median(ratios) >= target and max(peaks) < TARGET_PEAK_MB,
    }


def month_so_far(path: Path) -> None:
    """The child that completes the history: the operator's daily files of this month until yesterday
    (the day file's keys, each day), as one file through the import, so that the day's file goes into
    a month whose rollups already hold its keys, as on any day but the first of a month. Today is
    kept as the bench's day (table `bench_history`), so that later runs import the same day."""
    setup_django()
    from django.db import connection
    from django.utils import timezone

    today = timezone.localdate()
    days = (today - today.replace(day=1)).days
    if days:
        write_csv(path, rows_of(265 * OPERATIONS * days, today.replace(day=1), catalogue_operations()))
        figures = import_path(path)
        print(f"  this month so far: {days} days, {figures['rows_accepted']:,} rows", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_history (day date)")
        cursor.execute("DELETE FROM bench_history")
        cursor.execute("INSERT INTO bench_history (day) VALUES (%s)", [today])


def history_state(url: str) -> tuple[int, date | None]:
    """(daily RegiX rows stored, the bench's day) of the history database."""
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            stored = conn.execute("SELECT count(*) FROM usage_regixdailyusage").fetchone()
            day = conn.execute("SELECT to_regclass('bench_history') IS NOT NULL").fetchone()
            if day and day[0]:
                day = conn.execute("SELECT max(day) FROM bench_history").fetchone()
            else:
                day = None
    except psycopg.Error:
        return 0, None
    return (stored[0] if stored else 0), (day[0] if day else None)


def ensure_history(url: str, reload: bool, folder: Path) -> date:
    """The ten-year database: bench/dashboards.py's demo loaded through the import, then this month's
    daily files until yesterday (`month_so_far`); built once. Returns the day its day's file is for."""
    env = {**os.environ, "DATABASE_URL": url}
    stored, day = history_state(url)
    if reload or stored < 1_000_000:
        print("Loading ten years of usage into the history database (once) ...", flush=True)
        dashboards = [sys.executable, str(ROOT / "bench" / "dashboards.py"), "--years", "10", "--load-only"]
        subprocess.run(dashboards, check=True, env=env)
    if reload or stored < 1_000_000 or day is None:
        subprocess.run([sys.executable, __file__, "--month-so-far", str(folder / "month.csv")], check=True, env=env)
        stored, day = history_state(url)
    if day is None:
        sys.exit("The history database has no day for the day's file.")
    return day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", nargs="+", choices=list(TARGETS), default=list(TARGETS))
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000], help="sizes of the fresh file")
    parser.add_argument("--runs", type=int, default=3, help="runs per shape; figures are their median, min and max")
    parser.add_argument("--history-db", default="egov_ing_tenyears", help="the ten-year database (same server)")
    parser.add_argument("--reload-history", action="store_true", help="rebuild the ten-year database")
    parser.add_argument("--child", nargs=2, metavar=("SHAPE", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--copy-path", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--before", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--day", help=argparse.SUPPRESS)
    parser.add_argument("--month-so-far", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.month_so_far:
        month_so_far(args.month_so_far)
        return
    if args.child:
        child(args.child[0], Path(args.child[1]), args.copy_path, args.before, args.day)
        return
    setup_django()
    ensure_reference_data()

    scratch = os.environ["DATABASE_URL"]
    operations = catalogue_operations()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "fresh" in args.shapes:
            for rows in args.rows:
                path = folder / f"fresh-{rows}.csv"
                write_csv(path, rows_of(rows, date(2019, 1, 1), operations))
                print(f"fresh {rows:,} rows: {path.stat().st_size / 1e6:.0f} MB", flush=True)
                results.append(
                    measure(
                        f"fresh {rows:,}",
                        rows,
                        args.runs,
                        TARGETS["fresh"],
                        lambda p=path: run_child("fresh", p, p, scratch),
                    )
                )
                path.unlink()
        million = min(args.rows)
        if "correction" in args.shapes or "jsonl" in args.shapes:
            original, fixed, jsonl = folder / "original.csv", folder / "corrected.csv", folder / "rows.jsonl"
            write_csv(original, rows_of(million, date(2019, 1, 1), operations))
            if "correction" in args.shapes:
                write_csv(fixed, corrected(rows_of(million, date(2019, 1, 1), operations), CORRECTED_SHARE))
                results.append(
                    measure(
                        f"correction of {million:,}",
                        million,
                        args.runs,
                        TARGETS["correction"],
                        lambda: run_child("correction", fixed, fixed, scratch, before=original),
                    )
                )
            if "jsonl" in args.shapes:
                write_jsonl(jsonl, rows_of(million, date(2019, 1, 1), operations))
                results.append(
                    measure(
                        f"JSON Lines {million:,}",
                        million,
                        args.runs,
                        TARGETS["jsonl"],
                        lambda: run_child("jsonl", jsonl, original, scratch),
                    )
                )
        if "day" in args.shapes:
            url = history_url(args.history_db)
            day = ensure_history(url, args.reload_history, folder)
            day_file = folder / "day.csv"
            rows = list(rows_of(265 * OPERATIONS, day, operations))
            write_csv(day_file, rows)
            results.append(
                measure(
                    f"day's file ({len(rows):,} rows) into ten years",
                    len(rows),
                    args.runs,
                    TARGETS["day"],
                    lambda: run_child("day", day_file, day_file, url, day=day.isoformat()),
                )
            )
    fresh = [r for r in results if r["shape"].startswith("fresh")]
    flat = None
    if len(fresh) >= 2:
        flat = fresh[-1]["private_peak_mb"]["max"] <= FLAT * fresh[0]["private_peak_mb"]["max"]
    for r in results:
        print(
            f"{r['shape']:>40}: import/COPY {r['ratio']['median']:.3f} "
            f"[{r['ratio']['min']:.3f}–{r['ratio']['max']:.3f}] "
            f"(target >= {r['target']}); importer + backend peak {r['peak_mb']['max']:.0f} MB "
            f"(target < {TARGET_PEAK_MB} MB): ratio {'met' if r['ratio_met'] else 'NOT met'}, "
            f"memory {'met' if r['memory_met'] else 'NOT met'}"
        )
    if flat is not None:
        print(
            f"memory flat from {fresh[0]['rows']:,} to {fresh[-1]['rows']:,} rows (importer + backend's private "
            f"memory, {fresh[0]['private_peak_mb']['max']:.0f} -> {fresh[-1]['private_peak_mb']['max']:.0f} MB, "
            f"<= {FLAT}x): {flat}"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    summary = {
        "shapes": results,
        "targets": {**{f"ratio_{k}": v for k, v in TARGETS.items()}, "peak_mb": TARGET_PEAK_MB, "flat": FLAT},
        "memory_flat": flat,
        "met": all(r["met"] for r in results) and flat is not False,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
