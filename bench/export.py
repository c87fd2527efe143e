"""Export benchmark on the product's own endpoints, each against `COPY (the same query) TO STDOUT`.

    createdb -h 127.0.0.1 -U postgres egov_bench_export
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench_export \\
        .venv/bin/python bench/export.py --rows 1000000 5000000 --repeat 3

1. Migrates the database and imports the reference data (once), and signs in a bench analyst.
2. Per size N: fills the RegiX monthly rollups with N rows (month × municipality × query type),
   so the usage report by query type has exactly N rows.
3. Starts gunicorn (1 worker, production settings, DEBUG off) and, --repeat times each:
   - times `COPY (the endpoint's own SQL) TO STDOUT` through psql (libpq's C loop), read here in
     1 MB blocks, as the reference;
   - downloads the endpoint's plain CSV over HTTP and checks its row count.
   The endpoints: the usage report (N rows), the adoption list and the municipalities table
   (their real sizes: one row per municipality × service, and 265 rows; no data model gives
   them millions). The municipalities table is computed in Python (the stage on a date comes
   from the history), so it has no single SQL query to COPY: its rate is reported, ungraded.
4. Reads the worker's peak memory (VmHWM) after each size, prints a table with the median,
   min and max of the runs, and ends with one JSON line of figures, targets and whether met:
   the usage report's CSV at >= 0.5x COPY's rate at every size, the worker's peak under 200 MB
   and flat (the largest size's peak within 20% of the smallest's).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_RATIO = 0.5
TARGET_PEAK_MB = 200
TARGET_FLAT = 1.2  # the biggest size's peak at most 20% above the smallest's
SETTINGS = "egov_portal.settings.production"
ENV = {
    "DJANGO_SETTINGS_MODULE": SETTINGS,
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "SECURE_SSL_REDIRECT": "false",  # loopback HTTP
    "EXPORT_ASYNC_THRESHOLD_ROWS": str(10**12),  # every benchmarked export streams in the request
}

FILL = """
INSERT INTO usage_regixmonthlyusage (month, municipality_id, query_type_id, requests, errors, active_days)
SELECT (date '1990-01-01' + (g / (m.n * q.n)) * interval '1 month')::date,
       m.ids[1 + g %% m.n], q.ids[1 + (g / m.n) %% q.n], (g * 7919) %% 100000, (g * 31) %% 50, 20
FROM (SELECT array_agg(id ORDER BY id) AS ids, count(*) AS n FROM municipalities_municipality) AS m,
     (SELECT array_agg(id ORDER BY id) AS ids, count(*) AS n FROM catalog_querytype) AS q,
     generate_series(0::bigint, %s::bigint - 1) AS g
"""


@dataclass
class Series:
    """Runs of one path at one size: rows, seconds per run, bytes."""

    name: str
    rows: int = 0
    seconds: list[float] = field(default_factory=list)

    def rates(self) -> list[float]:
        return [self.rows / s for s in self.seconds]  # rows per second of each run

    def summary(self) -> dict:
        rates = self.rates()
        median, low, high = statistics.median(rates), min(rates), max(rates)
        return {"rows": self.rows, "median": round(median), "min": round(low), "max": round(high)}


def django_setup() -> None:
    os.environ.update(ENV)
    import django

    django.setup()


def prepare_database() -> str:
    """Migrate, import the reference data if missing; return the bench analyst's session key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from adoption.models import Adoption
    from municipalities.models import Municipality

    call_command("migrate", verbosity=0)
    if Municipality.objects.count() < 265:
        call_command("import_ekatte", str(settings.REFERENCE_DATA_DIR), verbosity=0)
        call_command("import_regix_catalog", verbosity=0)
    if not Adoption.objects.exists():  # the adoption list's rows: every municipality × service
        call_command("seed_demo_adoption", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-analyst", defaults={"role": "analyst"})
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def fill(rows: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM usage_regixmonthlyusage")
        if cursor.fetchone()[0] == rows:
            print(f"the RegiX rollups already hold {rows:,} rows")
            return
        started = time.perf_counter()
        cursor.execute("TRUNCATE usage_regixmonthlyusage")
        cursor.execute(FILL, [rows])
        cursor.execute("VACUUM ANALYZE usage_regixmonthlyusage")
        print(f"filled the RegiX rollups with {rows:,} rows in {time.perf_counter() - started:.1f} s")


def endpoint_sql(page: str, query: dict) -> str | None:
    """The SQL that the endpoint's registered export source runs, parameters inlined."""
    import psycopg
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.http import QueryDict

    from exports import registry
    from exports.sources import SQLRows

    user = get_user_model().objects.get(username="bench-analyst")
    source = registry.for_page(page)(user, QueryDict(urlencode(query)))
    source.check_access()
    rows = source.sql if getattr(source, "copy", False) else None
    if rows is None and source.queryset is None:
        return None
    rows = rows or SQLRows.from_queryset(source.queryset)
    connection.ensure_connection()
    return psycopg.ClientCursor(connection.connection).mogrify(rows.sql, rows.params)


def copy_reference(sql: str) -> tuple[float, int]:
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
    started = time.perf_counter()
    psql = subprocess.Popen(  # noqa: S603 - a fixed command line
        ["psql", "--no-psqlrc", "-X", "-q", os.environ["DATABASE_URL"], "-c", statement],  # noqa: S607
        stdout=subprocess.PIPE,
    )
    lines = 0
    while block := psql.stdout.read(1 << 20):
        lines += block.count(b"\n")
    if psql.wait() != 0:
        raise RuntimeError("psql COPY failed")
    return time.perf_counter() - started, lines


class Server:
    """One gunicorn worker with the production settings; its peak memory is the export's."""

    def __init__(self, session_key: str):
        self.session_key = session_key
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        env = {**os.environ, **ENV, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [sys.executable, "-m", "gunicorn", "egov_portal.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--timeout", "900", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        self.worker = self._worker_pid(time.time() + 60)
        self._wait_for_port(time.time() + 60)

    def _worker_pid(self, deadline: float) -> int:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        while time.time() < deadline:
            pids = children.read_text().split() if children.exists() else []
            if pids:
                return int(pids[0])
            time.sleep(0.1)
        raise RuntimeError("gunicorn started no worker")

    def _wait_for_port(self, deadline: float) -> None:
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer")

    def download(self, path: str, query: dict) -> tuple[float, int]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=900)
        started = time.perf_counter()
        conn.request("GET", f"{path}?{urlencode(query)}", headers={"Cookie": f"sessionid={self.session_key}"})
        response = conn.getresponse()
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status}: {response.read()[:300]!r}")
        lines = 0
        while block := response.read(1 << 20):
            lines += block.count(b"\n")
        return time.perf_counter() - started, lines - 1  # the header

    def peak_mb(self) -> float:
        for line in Path(f"/proc/{self.worker}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


ENDPOINTS = [
    # (name, page, path, filters): the usage report by query type has one row per rollup row
    ("usage report", "reports:usage", "/reports/usage/", {"service": "regix", "by": "query_type"}),
    ("adoption list", "adoption:list", "/adoption/", {}),
    ("municipalities table", "dashboards:municipalities", "/dashboards/municipalities/", {}),
]


def measure(server: Server, repeat: int) -> dict[str, tuple[Series, Series | None]]:
    results = {}
    for name, page, path, filters in ENDPOINTS:
        sql = endpoint_sql(page, filters)
        http_runs, copy_runs = Series(f"{name}, portal CSV"), Series(f"{name}, COPY") if sql else None
        for _ in range(repeat):
            if copy_runs is not None:
                seconds, lines = copy_reference(sql)
                copy_runs.rows = lines
                copy_runs.seconds.append(seconds)
            seconds, rows = server.download(path, {**filters, "_export": "csv"})
            http_runs.rows = rows
            http_runs.seconds.append(seconds)
        if copy_runs is not None and copy_runs.rows != http_runs.rows:
            raise RuntimeError(f"{name}: COPY gave {copy_runs.rows} rows, the download {http_runs.rows}")
        results[name] = (http_runs, copy_runs)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per path and size (the median counts)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the benchmark's own PostgreSQL database.")
    django_setup()
    session_key = prepare_database()
    figures: dict = {}
    print(f"{'path':<42} {'rows':>10} {'median r/s':>11} {'min':>10} {'max':>10} {'vs COPY':>8} {'peak MB':>8}")
    for size in args.rows:
        fill(size)
        server = Server(session_key)
        try:
            results = measure(server, args.repeat)
            peak = server.peak_mb()
        finally:
            server.stop()
        entry: dict = {"peak_rss_mb": round(peak, 1)}
        for name, (http_runs, copy_runs) in results.items():
            item = {"portal": http_runs.summary()}
            if copy_runs is not None:
                item["copy"] = copy_runs.summary()
                item["ratio"] = round(item["portal"]["median"] / item["copy"]["median"], 3) if copy_runs.rows else None
            entry[name] = item
            for runs in (copy_runs, http_runs):
                if runs is None:
                    continue
                s = runs.summary()
                ratio = f"{item['ratio']:.2f}" if runs is http_runs and item.get("ratio") else ""
                memory = f"{peak:.0f}" if runs is http_runs else ""
                figures_line = f"{s['rows']:>10,} {s['median']:>11,} {s['min']:>10,} {s['max']:>10,}"
                print(f"{runs.name:<42} {figures_line} {ratio:>8} {memory:>8}")
        figures[str(size)] = entry
    ratios = [figures[size]["usage report"]["ratio"] for size in figures]
    peaks = [figures[size]["peak_rss_mb"] for size in figures]
    met = {
        "usage_report_ratio": min(ratios) >= TARGET_RATIO,
        "peak_rss": max(peaks) < TARGET_PEAK_MB,
        "flat_memory": max(peaks) <= TARGET_FLAT * min(peaks),
    }
    targets = {"ratio": TARGET_RATIO, "peak_rss_mb": TARGET_PEAK_MB, "flat_memory_factor": TARGET_FLAT}
    print(json.dumps({"figures": figures, "targets": targets, "met": met, "all_met": all(met.values())}))
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
