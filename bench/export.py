"""Export benchmark on the product's own endpoints, each against `COPY (the same query) TO STDOUT`.

    createdb -h 127.0.0.1 -U postgres egov_bench_export
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench_export \\
        .venv/bin/python bench/export.py --rows 1000000 5000000 --repeat 3

1. Migrates the database and imports the reference data (once), and signs in a bench analyst.
2. Per size N, grows the data behind each endpoint that can list N rows:
   - the usage report by query type: the RegiX monthly rollups hold N rows (month x
     municipality x query type), one report row each;
   - the adoption list: one row per municipality x service, so N rows need N / 265 services:
     synthetic services (code `bench-...`, one stage each) and their declarations are added,
     measured, and removed again (the real list has 1,589 rows; its writer is what is measured);
   - the municipalities table (dashboards, "municipalities by service"): one row per
     municipality, 265 whatever the data; it is computed in Python (the stage on a date comes
     from the history), so it has no single query to COPY: its rate is reported, ungraded.
3. Starts gunicorn (1 worker, production settings, DEBUG off) and, --repeat times each, times
   `COPY (the endpoint's own SQL) TO STDOUT` through psql (read here in 1 MB blocks) and the
   endpoint's plain CSV downloaded over HTTP, checking that both have the same row count.
4. Prints the median, min and max of the runs and the worker's peak memory (VmHWM) per size,
   and ends with one JSON line: per endpoint and size rows/s, COPY's rows/s, the ratio of the
   medians, the target (>= 0.5) and whether it is met; the peak memory flat from the smallest
   size to the largest (within 20%).
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

# Synthetic services, each with one stage, and the first N declarations municipality x service.
GROW_ADOPTION = """
WITH services AS (
    INSERT INTO adoption_service (code, name_bg, name_en, description, "order")
    SELECT 'bench-' || g, 'Услуга ' || g, 'Service ' || g, '', 1000 + g %% 30000
    FROM generate_series(1, %(services)s) AS g
    RETURNING id, code
), stages AS (
    INSERT INTO adoption_stage (service_id, "order", code, name_bg, name_en, counts_as_adopted)
    SELECT id, 1, 'declared', 'Заявена', 'Declared', (length(code) %% 2 = 0) FROM services
    RETURNING id, service_id
)
INSERT INTO adoption_adoption (municipality_id, service_id, stage_id, since, evidence, comment, set_at,
                               verification, verification_comment, last_confirmed_at)
SELECT m.id, st.service_id, st.id, date '2020-01-01' + ((st.id + m.id) %% 1500)::int,
       CASE WHEN m.id %% 50 = 0 THEN '=HYPERLINK("x")' ELSE 'протокол ' || st.id END, '', now(),
       'unverified', '', now()
FROM stages st CROSS JOIN municipalities_municipality m
ORDER BY st.id, m.id
LIMIT %(rows)s
"""
SHRINK_ADOPTION = [
    "DELETE FROM adoption_adoption WHERE service_id IN (SELECT id FROM adoption_service WHERE code LIKE 'bench-%%')",
    "DELETE FROM adoption_stage WHERE service_id IN (SELECT id FROM adoption_service WHERE code LIKE 'bench-%%')",
    "DELETE FROM adoption_service WHERE code LIKE 'bench-%%'",
]


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


def grow_adoption(rows: int) -> None:
    """The adoption list at `rows` rows: synthetic services and their declarations (see above)."""
    from django.db import connection

    from adoption.models import Adoption
    from municipalities.models import Municipality

    shrink_adoption()
    started = time.perf_counter()
    missing = rows - Adoption.objects.count()  # the real declarations stay in the list
    services = -(-missing // Municipality.objects.count())
    with connection.cursor() as cursor:
        cursor.execute(GROW_ADOPTION, {"services": services, "rows": missing})
        cursor.execute("VACUUM ANALYZE adoption_service, adoption_stage, adoption_adoption")
    print(f"grew the adoption list to {rows:,} rows ({services:,} services) in {time.perf_counter() - started:.1f} s")


def shrink_adoption() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in SHRINK_ADOPTION:
            cursor.execute(statement)
        cursor.execute("VACUUM ANALYZE adoption_service, adoption_stage, adoption_adoption")


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
    rows = source.sql  # the query the portal itself has PostgreSQL COPY
    if rows is None and source.queryset is None:
        return None
    rows = rows or SQLRows.from_queryset(source.queryset)  # a table on the Python writer: its query
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


# (name, page, path, filters, grows): whether the endpoint's rows grow to the size measured
USAGE = ("usage report", "reports:usage", "/reports/usage/", {"service": "regix", "by": "query_type"})
MUNICIPALITIES = ("municipalities table", "dashboards:municipalities", "/dashboards/municipalities/", {})
ADOPTION = ("adoption list", "adoption:list", "/adoption/", {})


def measure(server: Server, endpoint: tuple, repeat: int) -> tuple[Series, Series | None]:
    """The endpoint's CSV over HTTP and COPY of its SQL, alternated, `repeat` times each."""
    name, page, path, filters = endpoint
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
    return http_runs, copy_runs


def measure_size(size: int, session_key: str, repeat: int) -> tuple[dict, float]:
    """1. Usage rollups at `size`, the municipalities table as it is. 2. The adoption list grown
    to `size`, then shrunk back (its services would widen the municipalities table)."""
    fill(size)
    shrink_adoption()
    server = Server(session_key)
    try:
        results = {USAGE[0]: measure(server, USAGE, repeat), MUNICIPALITIES[0]: measure(server, MUNICIPALITIES, repeat)}
        grow_adoption(size)
        results[ADOPTION[0]] = measure(server, ADOPTION, repeat)
        peak = server.peak_mb()
    finally:
        server.stop()
        shrink_adoption()
    return results, peak


def graded(http_runs: Series, copy_runs: Series | None, size: int) -> dict:
    """The JSON entry of one endpoint at one size; graded only where it lists `size` rows and has SQL."""
    portal = http_runs.summary()
    entry = {"rows": portal["rows"], "rows_per_s": portal["median"], "min": portal["min"], "max": portal["max"]}
    if copy_runs is None:
        return {**entry, "copy_rows_per_s": None, "ratio": None, "target": TARGET_RATIO, "met": None,
                "why_ungraded": "computed in Python from the history: no single query to COPY"}  # fmt: skip
    copy = copy_runs.summary()
    ratio = round(portal["median"] / copy["median"], 3)
    entry.update(copy_rows_per_s=copy["median"], copy_min=copy["min"], copy_max=copy["max"], ratio=ratio)
    entry["target"] = TARGET_RATIO
    entry["met"] = ratio >= TARGET_RATIO if portal["rows"] == size else None
    return entry


def print_rows(results: dict, peak: float) -> None:
    for http_runs, copy_runs in results.values():
        ratio = ""
        if copy_runs is not None:
            ratio = f"{http_runs.summary()['median'] / copy_runs.summary()['median']:.2f}"
        for runs in (copy_runs, http_runs):
            if runs is None:
                continue
            s = runs.summary()
            figures_line = f"{s['rows']:>10,} {s['median']:>11,} {s['min']:>10,} {s['max']:>10,}"
            extra = f"{ratio:>8} {peak:>8.0f}" if runs is http_runs else ""
            print(f"{runs.name:<42} {figures_line} {extra}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per path and size (the median counts)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the benchmark's own PostgreSQL database.")
    django_setup()
    session_key = prepare_database()
    endpoints: dict[str, dict] = {}
    peaks: dict[str, float] = {}
    print(f"{'path':<42} {'rows':>10} {'median r/s':>11} {'min':>10} {'max':>10} {'vs COPY':>8} {'peak MB':>8}")
    for size in args.rows:
        results, peak = measure_size(size, session_key, args.repeat)
        print_rows(results, peak)
        peaks[str(size)] = round(peak, 1)
        for name, (http_runs, copy_runs) in results.items():
            endpoints.setdefault(name, {})[str(size)] = graded(http_runs, copy_runs, size)
    flat = max(peaks.values()) <= TARGET_FLAT * min(peaks.values())
    met = {
        f"{name} {size}": entry["met"] for name, sizes in endpoints.items() for size, entry in sizes.items()
        if entry["met"] is not None
    }  # fmt: skip
    met["flat_memory"] = flat
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(json.dumps({"endpoints": endpoints, "peak_rss_mb": peaks, "targets": {"ratio": TARGET_RATIO,
                      "flat_memory_factor": TARGET_FLAT}, "met": met, "all_met": all(met.values())}))  # fmt: skip
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
