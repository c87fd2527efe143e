"""Benchmark: every dashboard page's server time against the raw SQL aggregate over the daily facts.

Run on a scratch PostgreSQL database (it empties the usage tables and reseeds demo adoption):

    createdb -h 127.0.0.1 -U postgres egov_bench_dash
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench_dash .venv/bin/python bench/dashboards.py

1. reference data, services and the demo adoption histories;
2. five years of daily usage for all 265 municipalities from the usage app's demo generator
   (RegiX per query type, SEOS; one file per kind and month, `--scale full`), loaded through the
   portal's own import (receive, claim, ingest: daily facts, monthly rollups, observed adoption);
3. each dashboard page requested 50 times through the Django test client (server time: the
   request through the whole middleware stack and the template), median and p95;
4. for each page, the raw SQL aggregate over the daily facts that the page's rollup query
   replaces, timed the same way, in the same run, once the daily facts' BRIN ranges are
   summarised (as autovacuum would have done; see summarise_brin_indexes).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
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
    from usage import services
    from usage.choices import Door

    accepted = 0
    for path in files:
        batch = services.receive_path(path, door=Door.CLI, queue=False)
        result = services.process(batch.pk)
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
    cursor.execute(
        "SELECT coalesce(sum(brin_summarize_new_values(i.indexrelid)), 0) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
        "WHERE a.amname = 'brin' AND i.indrelid IN "
        "('usage_regixdailyusage'::regclass, 'usage_seosdailyusage'::regclass)"
    )
    return cursor.fetchone()[0]


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
    "discrepancies": [
        *NOW,
        *TOTALS,
        "SELECT municipality_id, max(date) FROM usage_regixdailyusage WHERE requests > 0 AND date <= %(as_of)s "
        "GROUP BY 1",
    ],
}


def timings(run, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(round(0.95 * len(samples))) - 1)]


def bench_pages(as_of: date, repeat: int) -> list[tuple[str, float, float, float, float, float, float]]:
    from django.db import connection
    from django.test import Client, override_settings

    from accounts.choices import Role
    from accounts.models import User

    user, _ = User.objects.get_or_create(username="bench-ministry", defaults={"role": Role.MINISTRY})
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    pages = {
        "overview": "/",
        "map": "/dashboards/map/?colour=agreement&service=seos",
        "provinces": "/dashboards/provinces/",
        "municipalities": "/dashboards/municipalities/?service=regix&mismatch=any",
        "trends": "/dashboards/trends/",
        "discrepancies": "/dashboards/discrepancies/",
    }
    # As egov_portal/wsgi.py does once the application is loaded (the test client skips wsgi.py).
    gc.freeze()
    params = {"as_of": as_of, "start": as_of - timedelta(days=89)}
    for back in (30, 365):
        params[f"as_of_{back}"] = as_of - timedelta(days=back)
        params[f"start_{back}"] = as_of - timedelta(days=back + 89)
    results = []
    for name, url in pages.items():
        url = f"{url}{'&' if '?' in url else '?'}as_of={as_of.isoformat()}"
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")

        def request(url=url):
            client.get(url)

        def raw(name=name):
            with connection.cursor() as cursor:
                for sql in RAW[name]:
                    cursor.execute(sql, params)
                    cursor.fetchall()

        page_median, page_p95 = timings(request, repeat)
        with override_settings(DASHBOARD_CACHE_SECONDS=0):
            cold_median, cold_p95 = timings(request, repeat)
        raw_median, raw_p95 = timings(raw, max(5, repeat // 5))
        results.append((name, page_median, page_p95, cold_median, cold_p95, raw_median, raw_p95))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--scale", choices=["small", "full"], default="full", help="the usage demo's scale")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--skip-load", action="store_true", help="reuse the usage already loaded")
    args = parser.parse_args()
    setup_django()
    from django.utils import timezone

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
    from django.db import connection

    with connection.cursor() as cursor:
        print(f"BRIN ranges summarised before timing: {summarise_brin_indexes(cursor):,}")
        cursor.execute("ANALYZE")
        counts = {}
        for table in ("regixdailyusage", "seosdailyusage", "regixmonthlyusage", "seosmonthlyusage"):
            cursor.execute(f"SELECT count(*) FROM usage_{table}")
            counts[table] = cursor.fetchone()[0]
    print("Rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    for as_of in (today, date(today.year - 2, 6, 30)):
        print(f"\nSituation at {as_of}: {args.repeat} requests per page, server time in ms.")
        print(
            "  cached: the aggregates cached per data version (between imports); uncached: DASHBOARD_CACHE_SECONDS=0;"
        )
        print("  raw: the SQL aggregates over the daily facts that the page's rollup queries replace.")
        header = f"{'page':15} {'cached med':>10} {'p95':>6} {'uncached med':>13} {'p95':>6} {'raw med':>8} {'p95':>6}"
        print(header + "   p95<200  below raw (cached/uncached)")
        for name, median, p95, cold_median, cold_p95, raw_median, raw_p95 in bench_pages(as_of, args.repeat):
            under = "yes" if max(p95, cold_p95) < 200 else "NO"
            below = f"{'yes' if p95 < raw_median else 'no'}/{'yes' if cold_p95 < raw_median else 'no'}"
            print(
                f"{name:15} {median:10.1f} {p95:6.1f} {cold_median:13.1f} {cold_p95:6.1f} {raw_median:8.1f} "
                f"{raw_p95:6.1f}   {under:7}  {below}"
            )


if __name__ == "__main__":
    main()
