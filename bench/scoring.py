"""Benchmark: the adoption index of all 265 municipalities on a day (and the index page) against raw
PostgreSQL computing the same index from the history and the daily facts; and scorecards for every
municipality and province rendered and queued.

Run on a scratch PostgreSQL database (it empties the usage tables and reseeds demo adoption), with
the production settings (DEBUG off) and, as deployed, the shared cache on Redis:

    createdb -h 127.0.0.1 -U postgres egov_bench_scoring
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench_scoring REDIS_URL=redis://127.0.0.1:6379/6 \
        .venv/bin/python bench/scoring.py --years 10

1. reference data, services, demo adoption and `--years` of daily usage through the portal's import
   (the same loading as bench/dashboards.py; `--skip-load` reuses what it loaded);
2. on today and on a day two years ago, each timed `--repeat` times (median, p95):
   computed: `scoring.index.index_on(day)`, from the monthly rollups and the history (no cache);
   served: `scoring.served.served_index(day)`, as pages, the API and exports get it between two
   changes of the data (the shared cache, filled by the first request or the warm task);
   and the /index/ page through the Django test client, without the cache and with the index
   served (the page itself is rendered on each request: its figures come from the cache);
3. raw: one SQL statement computing the same index from the adoption history and the daily facts
   (no rollups), timed in the same run; its figures are compared with index_on's, row by row;
4. scorecards: one subscription per municipality and per province, `send_scorecards` with the
   in-memory e-mail backend (rendered, recorded and handed to the backend), in seconds.
The machine's load average is printed with the figures (a shared machine inflates them). Ends with
one JSON line of figures, targets and whether they are met.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_portal.settings.production")

from bench.dashboards import (  # noqa: E402
    empty_usage_tables,
    ensure_reference_data,
    generate_files,
    load,
    setup_django,
    summarise_brin_indexes,
    timings,
)

TARGET_P95_MS = 100
TARGET_SCORECARD_SECONDS = 60

# The index in one statement, from the history and the daily facts: the verified stage per pair on the
# day (every stage entry up to the pair's last verified one counts), observed use in the window from
# the daily facts, the newest method's weights. A service nobody used in the window is not penalised.
RAW_INDEX = """
WITH method AS (SELECT id FROM scoring_indexmethod ORDER BY version DESC LIMIT 1),
st AS (SELECT id, municipality_id, service_id, to_stage_id, effective_date FROM adoption_adoptionchange
       WHERE kind = 'stage'),
ok AS (SELECT s.municipality_id, s.service_id, max(s.id) AS last_ok FROM st s
       WHERE EXISTS (SELECT 1 FROM adoption_adoptionchange v WHERE v.kind = 'verified'
                     AND v.municipality_id = s.municipality_id AND v.service_id = s.service_id AND v.id > s.id)
          OR EXISTS (SELECT 1 FROM adoption_adoption a WHERE a.verification = 'verified'
                     AND a.municipality_id = s.municipality_id AND a.service_id = s.service_id)
       GROUP BY 1, 2),
cur AS (SELECT DISTINCT ON (s.municipality_id, s.service_id) s.municipality_id, s.service_id, s.to_stage_id
        FROM st s JOIN ok ON ok.municipality_id = s.municipality_id AND ok.service_id = s.service_id
        WHERE s.id <= ok.last_ok AND s.effective_date <= %(day)s
        ORDER BY s.municipality_id, s.service_id, s.effective_date DESC, s.id DESC),
first AS (SELECT DISTINCT ON (service_id) service_id, id AS stage_id FROM adoption_stage
          ORDER BY service_id, "order", id),
obs AS (SELECT DISTINCT municipality_id, 'regix' AS code FROM usage_regixdailyusage
        WHERE requests > 0 AND date BETWEEN %(start)s AND %(day)s
        UNION ALL
        SELECT DISTINCT municipality_id, 'seos' FROM usage_seosdailyusage
        WHERE sent + received > 0 AND date BETWEEN %(start)s AND %(day)s),
measured AS (SELECT DISTINCT code FROM obs)
SELECT m.code,
       round(100 * sum(w.weight * coalesce(sw.score, 0) *
             CASE WHEN me.code IS NOT NULL AND o.municipality_id IS NULL THEN w.unobserved_factor ELSE 1 END)
             / sum(w.weight), 1) AS index
FROM municipalities_municipality m
CROSS JOIN scoring_serviceweight w
JOIN method ON method.id = w.method_id
JOIN adoption_service sv ON sv.id = w.service_id
JOIN first f ON f.service_id = sv.id
LEFT JOIN cur ON cur.municipality_id = m.id AND cur.service_id = sv.id
LEFT JOIN scoring_stageweight sw ON sw.method_id = method.id AND sw.stage_id = coalesce(cur.to_stage_id, f.stage_id)
LEFT JOIN measured me ON me.code = sv.code
LEFT JOIN obs o ON o.code = sv.code AND o.municipality_id = m.id
GROUP BY m.code
"""


def raw_index(day: date) -> dict[str, Decimal]:
    from django.conf import settings
    from django.db import connection

    start = day - timedelta(days=settings.DASHBOARD_OBSERVED_WINDOW_DAYS - 1)
    with connection.cursor() as cursor:
        cursor.execute(RAW_INDEX, {"day": day, "start": start})
        return dict(cursor.fetchall())


def bench_index(day: date, repeat: int) -> dict:
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from accounts.choices import Role
    from accounts.models import User
    from scoring.index import index_on
    from scoring.served import served_index

    table = index_on(day)
    raw = raw_index(day)
    mismatches = [r.code for r in table.rows if raw.get(r.code) != r.index]
    with CaptureQueriesContext(connection) as queries:
        index_on(day)
    query_count = len(queries.captured_queries)
    median, p95 = timings(lambda: index_on(day), repeat)
    raw_median, raw_p95 = timings(lambda: raw_index(day), max(5, repeat // 5))
    if served_index(day).rows != table.rows:  # fills the shared cache (or reads what the warm task kept)
        sys.exit(f"The served index differs from the computed one on {day}")
    served_median, served_p95 = timings(lambda: served_index(day), repeat)
    user, _ = User.objects.get_or_create(username="bench-ministry", defaults={"role": Role.MINISTRY})
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    url = f"/index/?as_of={day.isoformat()}"
    with override_settings(DASHBOARD_CACHE_SECONDS=0):
        if client.get(url, secure=True).status_code != 200:
            sys.exit(f"{url} did not answer 200")
        page_median, page_p95 = timings(lambda: client.get(url, secure=True), max(5, repeat // 5))
    served_page_median, served_page_p95 = timings(lambda: client.get(url, secure=True), max(5, repeat // 5))
    return {
        "day": day.isoformat(),
        "queries": query_count,
        "index_on_median_ms": round(median, 1),
        "index_on_p95_ms": round(p95, 1),
        "served_median_ms": round(served_median, 1),
        "served_p95_ms": round(served_p95, 1),
        "raw_median_ms": round(raw_median, 1),
        "raw_p95_ms": round(raw_p95, 1),
        "page_uncached_median_ms": round(page_median, 1),
        "page_uncached_p95_ms": round(page_p95, 1),
        "page_median_ms": round(served_page_median, 1),
        "page_p95_ms": round(served_page_p95, 1),
        "rows_differing_from_raw": len(mismatches),
    }


def bench_scorecards() -> dict:
    from django.core import mail
    from django.test import override_settings
    from django.utils import timezone

    from municipalities.models import Municipality, Province
    from outreach.choices import DeliveryStatus
    from outreach.models import Delivery, Subscription
    from outreach.scorecards import previous_period, send_scorecards

    Delivery.objects.all().delete()
    Subscription.objects.all().delete()
    Subscription.objects.bulk_create(
        [
            Subscription(municipality=m, email=f"mayor@{m.code.lower()}.example.bg", role="mayor")
            for m in Municipality.objects.all()
        ]
        + [
            Subscription(province=p, email=f"governor@{p.code.lower()}.example.bg", role="governor")
            for p in Province.objects.all()
        ]
    )
    period = previous_period(timezone.localdate())
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        started = time.perf_counter()
        result = send_scorecards(period)
        seconds = time.perf_counter() - started
        again = send_scorecards(period)
    sent = Delivery.objects.filter(period=period, status=DeliveryStatus.SENT)
    municipalities = sent.filter(subscription__municipality__isnull=False).count()
    return {
        "scorecards": result.sent,
        "municipalities": municipalities,
        "outbox": len(mail.outbox),
        "seconds": round(seconds, 1),
        "second_run_sent": again.sent,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--scale", choices=["small", "full"], default="full", help="the usage demo's scale")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--skip-load", action="store_true", help="reuse the usage already loaded")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection
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
            print(f"Loaded {len(files)} files, {accepted:,} rows in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        summarise_brin_indexes(cursor)
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*), min(date) FROM usage_regixdailyusage")
        rows, since = cursor.fetchone()
    print(f"RegiX daily facts: {rows:,} since {since}")
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"Settings: {os.environ['DJANGO_SETTINGS_MODULE']}, DEBUG={settings.DEBUG}, cache {backend}")
    load_before = os.getloadavg()
    print(f"Load average before timing: {' '.join(f'{x:.1f}' for x in load_before)} (2 shared cores here)")
    results = [bench_index(day, args.repeat) for day in (today, date(today.year - 2, 6, 30))]
    print("ms; computed: index_on (rollups + history, no cache); served: from the shared cache; raw: one SQL")
    header = ["day", "queries", "computed", "p95", "served", "p95", "raw SQL", "p95", "page cold", "p95", "page", "p95"]
    print(" ".join(f"{h:>10}" for h in header) + " differ")
    for r in results:
        print(
            f"{r['day']:>10} {r['queries']:>10} {r['index_on_median_ms']:10.1f} {r['index_on_p95_ms']:10.1f} "
            f"{r['served_median_ms']:10.1f} {r['served_p95_ms']:10.1f} "
            f"{r['raw_median_ms']:10.1f} {r['raw_p95_ms']:10.1f} {r['page_uncached_median_ms']:10.1f} "
            f"{r['page_uncached_p95_ms']:10.1f} {r['page_median_ms']:10.1f} {r['page_p95_ms']:10.1f} "
            f"{r['rows_differing_from_raw']}"
        )
    cards = bench_scorecards()
    print(
        f"Scorecards: {cards['scorecards']} ({cards['municipalities']} municipalities) rendered and queued in "
        f"{cards['seconds']} s; a second run sent {cards['second_run_sent']}."
    )
    load_after = os.getloadavg()
    print(f"Load average after: {' '.join(f'{x:.1f}' for x in load_after)}")
    worst = max(r["index_on_p95_ms"] for r in results)
    worst_served = max(r["served_p95_ms"] for r in results)
    summary = {
        "years": args.years,
        "daily_rows": rows,
        "load_average": {"before": round(load_before[0], 1), "after": round(load_after[0], 1)},
        "index": results,
        "scorecards": cards,
        "targets": {
            "index_on_p95_ms": TARGET_P95_MS,
            "served_p95_ms": TARGET_P95_MS,
            "scorecards_municipalities": 265,
            "scorecards_seconds": TARGET_SCORECARD_SECONDS,
        },
        "met": {
            "index_on_p95": worst <= TARGET_P95_MS,
            "served_p95": worst_served <= TARGET_P95_MS,
            "scorecards": cards["municipalities"] >= 265 and cards["seconds"] < TARGET_SCORECARD_SECONDS,
            "same_figures_as_raw": all(r["rows_differing_from_raw"] == 0 for r in results),
        },
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
