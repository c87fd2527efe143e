"""Benchmark: every dashboard page's server time against the raw SQL aggregate over the daily facts.

Run on a scratch PostgreSQL database (it empties the usage tables and reseeds demo adoption), with the
production settings (DEBUG off) and, as deployed, the shared cache on Redis:

    createdb -h 127.0.0.1 -U postgres egov_bench_dash
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench_dash REDIS_URL=redis://127.0.0.1:6379/6 \
        .venv/bin/python bench/dashboards.py --years 10

Targets (issue 13): every page's p95 ≤ 50 ms warm (the figures and the page's own part in the cache,
as between imports) and ≤ 150 ms cold (DASHBOARD_CACHE_SECONDS=0: every figure computed and every
part rendered on each request), the municipality page included. Each figure is the median of --runs
runs (each run: --repeat requests per page) with the min and max beside; the last line is JSON.

1. reference data, services and the demo adoption histories;
2. five years of daily usage for all 265 municipalities from the usage app's demo generator
   (RegiX per query type, SEOS; one file per kind and month, `--scale full`), loaded through the
   portal's own import (receive, claim, ingest: daily facts, monthly rollups, observed adoption);
3. each dashboard page requested --repeat times through the Django test client (server time: the
   request through the whole middleware stack and the template, over HTTPS as production redirects
   to it), p95 per run, warm and cold, and the page's weight (HTML, and gzipped as served);
4. for each page, the raw SQL aggregate over the daily facts that the page's rollup query
   replaces, timed the same way, in the same run, once the daily facts' BRIN ranges are
   summarised (as autovacuum would have done; see summarise_brin_indexes).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_portal.settings.production")
# Production refuses to start without a secret; a bench run on a scratch database gets a throwaway one.
os.environ.setdefault("SECRET_KEY", __import__("secrets").token_urlsafe(50))

WARM_TARGET_MS = 50
COLD_TARGET_MS = 150


def setup_django() -> None:
    import django

    django.setup()
    from django.conf import settings

    if settings.DEBUG:
        sys.exit("bench/dashboards.py measures the production settings: unset DEBUG.")


def ensure_reference_data() -> None:
    from django.core.management import call_command

    from adoption.models import Adoption
    from catalog.models import QueryType
    from municipalities.models import Municipality

    call_command("migrate", verbosity=0)
    if not Municipality.objects.exists():
        call_command("import_ekatte", verbosity=0)
    if not QueryType.objects.exists():
        call_command("import_regix_catalog", verbosity=0)
    call_command("seed_services", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    if not Adoption.objects.exists():
        call_command("seed_demo_adoption", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


def generate_files(out: Path, first_day: date, last_day: date, scale: str) -> list[Path]:
    """The usage app's demo files (one per month and kind, timeline-consistent), as operators send them."""
    from demo.usage import generate

    return generate(out, first_day, last_day, scale=scale)


def load(files: list[Path]) -> int:
    """Each file through the portal's import (keep, claim, ingest); returns the rows accepted."""
    from usage import processing, services
    from usage.choices import Door

    accepted = 0
    for path in files:
        batch = services.receive_path(path, door=Door.CLI, queue=False)
        result = processing.process(batch.pk)
        if result is None or result.status != "succeeded":
            sys.exit(f"Import of {path.name} failed: {result}")
        accepted += result.rows_accepted
    return accepted


def summarise_brin_indexes(cursor) -> int:
    """Summarise the daily facts' BRIN ranges that are not yet; returns how many there were.

    The daily facts' only index is a BRIN on the date (usage migration 0002; it replaced the btree
    of the primary key, which led with the date). Rows loaded since the last summarisation are in
    no summarised range, and a BRIN scan reads every unsummarised range: with autovacuum off (as on
    the shared development server) or not yet run, the raw aggregate would read the whole table.
    The steady state with autovacuum (`autosummarize`) is every range but the last summarised,
    which this gives: the raw aggregates are then timed as a production database would run them.
    """
    from usage.partitions import DATE_INDEXES, summarise_sql

    total = 0
    for index in DATE_INDEXES:  # each monthly partition's index when the facts are partitioned
        cursor.execute(*summarise_sql(index))
        total += cursor.fetchone()[0]
    return total


def empty_usage_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE usage_rejectedrow, usage_importbatch, usage_regixdailyusage, usage_regixmonthlyusage, "
            "usage_seosdailyusage, usage_seosmonthlyusage, usage_observedadoption"
        )


# The raw aggregates over the daily facts that each page's rollup queries replace: which municipalities
# used RegiX and SEOS in the window (for the overview at the day, 30 days and a year before), and the
# per-municipality totals the tables and the map show. %(start)s etc. are filled in per date.
WINDOW_USERS = [
    "SELECT DISTINCT municipality_id FROM usage_regixdailyusage WHERE requests > 0 AND date BETWEEN {s} AND {e}",
    "SELECT DISTINCT municipality_id FROM usage_seosdailyusage WHERE sent + received > 0 AND date BETWEEN {s} AND {e}",
]
TOTALS = [
    "SELECT municipality_id, sum(requests) FROM usage_regixdailyusage "
    "WHERE date BETWEEN %(start)s AND %(as_of)s GROUP BY municipality_id",
    "SELECT municipality_id, sum(sent + received) FROM usage_seosdailyusage "
    "WHERE date BETWEEN %(start)s AND %(as_of)s GROUP BY municipality_id",
]
NOW = [q.format(s="%(start)s", e="%(as_of)s") for q in WINDOW_USERS]
RAW = {
    "overview": [
        *NOW,
        *(q.format(s="%(start_30)s", e="%(as_of_30)s") for q in WINDOW_USERS),
        *(q.format(s="%(start_365)s", e="%(as_of_365)s") for q in WINDOW_USERS),
        *TOTALS,
    ],
    "map": [*NOW, *TOTALS],
    "provinces": NOW,
    "municipalities": [*NOW, *TOTALS],
    "trends": [
        "SELECT date_trunc('month', f.date), q.register_id, sum(f.requests) FROM usage_regixdailyusage f "
        "JOIN catalog_querytype q ON q.id = f.query_type_id WHERE f.date <= %(as_of)s GROUP BY 1, 2",
        "SELECT date_trunc('month', date), sum(sent), sum(received) FROM usage_seosdailyusage "
        "WHERE date <= %(as_of)s GROUP BY 1",
        "SELECT municipality_id, date_trunc('month', date), min(date), max(date) FROM usage_regixdailyusage "
        "WHERE requests > 0 AND date <= %(as_of)s GROUP BY 1, 2",
        "SELECT municipality_id, date_trunc('month', date), min(date), max(date) FROM usage_seosdailyusage "
        "WHERE sent + received > 0 AND date <= %(as_of)s GROUP BY 1, 2",
    ],
    # One municipality's page: 36 months of RegiX and SEOS, its top query types of 12 months, and the
    # peers' totals (five municipalities of similar population) over the daily facts.
    "municipality": [
        "SELECT date_trunc('month', date), sum(requests) FROM usage_regixdailyusage "
        "WHERE municipality_id = %(municipality)s AND date > %(as_of)s::date - 1096 GROUP BY 1",
        "SELECT date_trunc('month', date), sum(sent), sum(received) FROM usage_seosdailyusage "
        "WHERE municipality_id = %(municipality)s AND date > %(as_of)s::date - 1096 GROUP BY 1",
        "SELECT query_type_id, sum(requests) FROM usage_regixdailyusage WHERE municipality_id = %(municipality)s "
        "AND date > %(as_of)s::date - 365 GROUP BY 1 ORDER BY 2 DESC LIMIT 10",
        "SELECT municipality_id, sum(requests) FROM usage_regixdailyusage WHERE municipality_id = ANY(%(peers)s) "
        "AND date > %(as_of)s::date - 365 GROUP BY 1",
    ],
    "discrepancies": [
        *NOW,
        *TOTALS,
        "SELECT municipality_id, max(date) FROM usage_regixdailyusage WHERE requests > 0 AND date <= %(as_of)s "
        "GROUP BY 1",
    ],
}


def samples_ms(run, repeat: int) -> list[float]:
    """`run()` timed `repeat` times, in ms, sorted."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return sorted(samples)


def p95_of(samples: list[float]) -> float:
    return samples[max(0, int(round(0.95 * len(samples))) - 1)]


def p95(run, repeat: int) -> float:
    return p95_of(samples_ms(run, repeat))


def median_time(run, repeat: int) -> float:
    return statistics.median(samples_ms(run, repeat))


def timings(run, repeat: int) -> tuple[float, float]:
    """The median and the p95 of `repeat` runs, in ms (bench/scoring.py)."""
    samples = samples_ms(run, repeat)
    return statistics.median(samples), p95_of(samples)


PAGES = {
    "overview": "/",
    "map": "/dashboards/map/?colour=agreement&service=seos",
    "provinces": "/dashboards/provinces/",
    "municipalities": "/dashboards/municipalities/?service=regix&mismatch=any",
    "trends": "/dashboards/trends/",
    "discrepancies": "/dashboards/discrepancies/",
    # The municipality page is the municipalities app's page plus the usage part it loads after drawing.
    "municipality": "/municipalities/VAR06/",
    "municipality-usage": "/dashboards/municipality/VAR06/usage/?fragment=1",
}
# The municipality's two requests share one raw figure: what both together replace.
RAW_OF = {"municipality-usage": "municipality"}


def raw_params(as_of: date) -> dict:
    from municipalities.models import Municipality

    varna = Municipality.objects.get(code="VAR06")
    peers = list(
        Municipality.objects.exclude(pk=varna.pk).order_by(abs_diff(varna.population)).values_list("pk", flat=True)[:5]
    )
    params = {"as_of": as_of, "start": as_of - timedelta(days=89), "municipality": varna.pk, "peers": peers}
    for back in (30, 365):
        params[f"as_of_{back}"] = as_of - timedelta(days=back)
        params[f"start_{back}"] = as_of - timedelta(days=back + 89)
    return params


def abs_diff(population: int):
    from django.db.models import F
    from django.db.models.functions import Abs

    return Abs(F("population") - population)


def measure_run(client, as_of: date, repeat: int, params: dict) -> dict[str, dict[str, float]]:
    """One run: per page, the warm p95, the cold p95 and the raw SQL's median, in ms; and the weight."""
    import gzip

    from django.db import connection
    from django.test import override_settings

    figures = {}
    for name, url in PAGES.items():
        if "/municipalit" not in url or name == "municipalities":
            url = f"{url}{'&' if '?' in url else '?'}as_of={as_of.isoformat()}"
        response = client.get(url, secure=True)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
        body = response.content

        def request(url=url):
            client.get(url, secure=True)

        queries = RAW[RAW_OF.get(name, name)]

        def raw(queries=queries):
            with connection.cursor() as cursor:
                for sql in queries:
                    cursor.execute(sql, params)
                    cursor.fetchall()

        warm = p95(request, repeat)
        with override_settings(DASHBOARD_CACHE_SECONDS=0):
            cold = p95(request, repeat)
        figures[name] = {
            "warm_p95_ms": warm,
            "cold_p95_ms": cold,
            "raw_ms": median_time(raw, max(5, repeat // 5)),
            "html_kb": len(body) / 1024,
            "gzip_kb": len(gzip.compress(body)) / 1024,
        }
    return figures


def spread(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
    }


def bench_pages(as_of: date, repeat: int, runs: int) -> dict[str, dict]:
    """--runs runs of every page; per page and figure the median, min and max over the runs."""
    from django.test import Client

    from accounts.choices import Role
    from accounts.models import User

    user, _ = User.objects.get_or_create(username="bench-ministry", defaults={"role": Role.MINISTRY})
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    # As egov_portal/wsgi.py does once the application is loaded (the test client skips wsgi.py).
    gc.freeze()
    params = raw_params(as_of)
    per_run = [measure_run(client, as_of, repeat, params) for _ in range(runs)]
    result = {}
    for name in PAGES:
        result[name] = {key: spread([run[name][key] for run in per_run]) for key in per_run[0][name]}
    return result


def report(as_of: date, pages: dict[str, dict]) -> None:
    print(f"\nSituation at {as_of}: p95 server time in ms, median [min–max] of the runs; raw SQL median.")
    print(f"  targets: warm p95 ≤ {WARM_TARGET_MS} ms, cold p95 ≤ {COLD_TARGET_MS} ms")
    print(f"{'page':20} {'warm p95':>22} {'cold p95':>24} {'raw SQL':>22} {'HTML kB':>8} {'gzip kB':>8}  met")
    for name, f in pages.items():

        def cell(key, f=f):
            return f"{f[key]['median']:7.1f} [{f[key]['min']:.1f}–{f[key]['max']:.1f}]"

        met = f["warm_p95_ms"]["median"] <= WARM_TARGET_MS and f["cold_p95_ms"]["median"] <= COLD_TARGET_MS
        print(
            f"{name:20} {cell('warm_p95_ms'):>22} {cell('cold_p95_ms'):>24} {cell('raw_ms'):>22} "
            f"{f['html_kb']['median']:8.1f} {f['gzip_kb']['median']:8.1f}  {'yes' if met else 'NO'}"
        )


def partitioned() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_partitioned_table WHERE partrelid = 'usage_regixdailyusage'::regclass")
        return cursor.fetchone()[0] == 1


def raw_only(today: date, repeat: int, runs: int) -> dict:
    """The raw SQL of every page for two dates, median of --runs runs (each the median of --repeat)."""
    from django.db import connection

    result = {}
    for label, as_of in (("today", today), ("two_years_ago", date(today.year - 2, 6, 30))):
        params = raw_params(as_of)
        figures = {}
        for name, queries in RAW.items():

            def raw(queries=queries, params=params):
                with connection.cursor() as cursor:
                    for sql in queries:
                        cursor.execute(sql, params)
                        cursor.fetchall()

            figures[name] = spread([median_time(raw, repeat) for _ in range(runs)])
            print(f"{label:14} {name:15} raw SQL {figures[name]}", flush=True)
        result[label] = figures
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--scale", choices=["small", "full"], default="full", help="the usage demo's scale")
    parser.add_argument("--repeat", type=int, default=50, help="requests per page and run")
    parser.add_argument("--runs", type=int, default=3, help="runs; figures are their median, min and max")
    parser.add_argument("--skip-load", action="store_true", help="reuse the usage already loaded")
    parser.add_argument("--load-only", action="store_true", help="load the usage and stop (for bench/load.py)")
    parser.add_argument(
        "--raw-only", action="store_true", help="time only the raw SQL over the daily facts (partitioned or not)"
    )
    args = parser.parse_args()
    setup_django()
    from django.utils import timezone

    if not args.raw_only:  # raw-only times the database as it stands (e.g. before usage migration 0003)
        ensure_reference_data()
    today = timezone.localdate()
    if not args.skip_load:
        empty_usage_tables()
        with tempfile.TemporaryDirectory() as tmp:
            first = date(today.year - args.years, today.month, 1)
            print(f"Generating usage {first} – {today} ...", flush=True)
            files = generate_files(Path(tmp), first, today - timedelta(days=1), args.scale)
            started = time.perf_counter()
            accepted = load(files)
            seconds = time.perf_counter() - started
            print(f"Loaded {len(files)} files, {accepted:,} rows, through the import in {seconds:.0f} s", flush=True)
    if args.load_only:
        return
    from django.db import connection

    with connection.cursor() as cursor:
        print(f"BRIN ranges summarised before timing: {summarise_brin_indexes(cursor):,}")
        cursor.execute("ANALYZE")
        counts = {}
        for table in ("regixdailyusage", "seosdailyusage", "regixmonthlyusage", "seosmonthlyusage"):
            cursor.execute(f"SELECT count(*) FROM usage_{table}")
            counts[table] = cursor.fetchone()[0]
    print("Rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    from django.conf import settings

    backend = settings.CACHES["default"]["BACKEND"]
    print(f"Settings: {os.environ['DJANGO_SETTINGS_MODULE']}, DEBUG={settings.DEBUG}, cache {backend}")
    summary: dict = {"years": args.years, "runs": args.runs, "repeat": args.repeat, "rows": counts}
    if args.raw_only:
        print(json.dumps({**summary, "partitioned": partitioned(), **raw_only(today, args.repeat, args.runs)}))
        return
    met = True
    for label, as_of in (("today", today), ("two_years_ago", date(today.year - 2, 6, 30))):
        pages = bench_pages(as_of, args.repeat, args.runs)
        report(as_of, pages)
        for f in pages.values():
            f["met"] = f["warm_p95_ms"]["median"] <= WARM_TARGET_MS and f["cold_p95_ms"]["median"] <= COLD_TARGET_MS
            met = met and f["met"]
        summary[label] = pages
    summary["targets"] = {"warm_p95_ms": WARM_TARGET_MS, "cold_p95_ms": COLD_TARGET_MS}
    summary["met"] = met
    print(json.dumps(summary, default=str))


if __name__ == "__main__":
    main()
