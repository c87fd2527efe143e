"""Benchmark: the open site's pages, served from an edition's stored figures, as deployed.

Run against a database with reference data and demo adoption (`manage.py build_demo` makes one), with
the shared cache on Redis, as deployed; wrk drives the load (`make wrk` installs Debian's package):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_public REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/open_site.py [--seconds 10] [--runs 3] [--workers 2]

1. an edition of the current quarter is issued if none exists (timed: the one-off cost);
2. every open page is requested 60 times warm through the whole middleware stack in-process (Django's
   test client, production settings, gzip accepted as browsers do): median and p95 server time,
   beside the raw PostgreSQL read of the same stored payload, timed the same way in the same run;
3. gunicorn (production settings, --workers sync workers) on loopback, driven by wrk at 16 connections
   with `Accept-Encoding: gzip` and `X-Forwarded-Proto: https` as the TLS proxy sends: the national page
   /open/ anonymous (no cookie: every request a new visitor, who gets a CSRF cookie) and the signed-in
   overview / in the same run, --runs times each, median req/s and p99; beside them each page's app CPU
   per request (gunicorn workers' CPU / requests served) and what that CPU alone would allow on the
   machine's cores if nothing else ran (reported for reference, never a target).
Ends with one JSON line: figures, the targets of issue 15 (every page p95 < 30 ms warm; >= 500 req/s
for /open/ under gunicorn) and whether each was met. Timings on a shared machine are taken under load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from bench.load import (  # noqa: E402 - sets the production settings and a throwaway SECRET_KEY first
    collectstatic,
    fetch,
    session_cookie,
    start_gunicorn,
    stop,
    workers_cpu_seconds,
    wrk,
)

TARGET_P95_MS = 30
TARGET_RPS = 500
CONNECTIONS = 16


def timed(fn, runs: int = 60) -> tuple[float, float]:
    fn()
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def edition_slug() -> str:
    from opendata.editions import issue_edition
    from opendata.models import Edition

    edition = Edition.objects.visible().latest_first().first()
    if edition is None:
        start = time.perf_counter()
        edition = issue_edition()
        print(f"issued {edition.slug} in {time.perf_counter() - start:.1f} s")
    return edition.slug


def page_times(slug: str) -> dict[str, dict]:
    """Each open page warm in-process (server time), beside the raw read of its stored payload."""
    from django.db import connection
    from django.test import Client

    from opendata.models import Edition

    edition = Edition.objects.get(slug=slug)
    pages = {
        "national": "/open/",
        "edition": f"/open/editions/{slug}/",
        "province": f"/open/editions/{slug}/provinces/VAR/",
        "municipalities": f"/open/editions/{slug}/municipalities/?province=VAR",
        "municipality": f"/open/editions/{slug}/municipalities/VAR06/",
        "embed": "/open/embed/VAR06/",
        "badge": "/open/embed/VAR06.svg",
        "api-municipality": f"/api/open/editions/{slug}/municipalities/VAR06/",
    }
    raw_for = {"national": ("national", ""), "edition": ("national", ""), "province": ("province", "VAR")}

    def raw(level: str, code: str):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT payload FROM opendata_editionfigure WHERE edition_id=%s AND level=%s AND code=%s",
                    [edition.pk, level, code],
                )
                cursor.fetchall()

        return run

    client = Client(HTTP_ACCEPT_ENCODING="gzip")
    figures = {}
    print(f"{'page':18} {'median ms':>10} {'p95 ms':>8}   raw PostgreSQL read of the payload: median / p95 ms")
    for name, path in pages.items():
        assert client.get(path, secure=True).status_code == 200, path
        median, p95 = timed(lambda p=path: client.get(p, secure=True))
        raw_median, raw_p95 = timed(raw(*raw_for.get(name, ("municipality", "VAR06"))))
        figures[name] = {
            "median_ms": round(median, 2),
            "p95_ms": round(p95, 2),
            "raw_pg_median_ms": round(raw_median, 2),
            "raw_pg_p95_ms": round(raw_p95, 2),
        }
        print(f"{name:18} {median:10.2f} {p95:8.2f}   {raw_median:.2f} / {raw_p95:.2f}")
    return figures


def under_gunicorn(args, cookie: str) -> dict[str, dict]:
    """/open/ anonymous and the signed-in overview, in the same gunicorn, --runs times each."""
    targets = {"national": ("/open/", ""), "signed_in_overview": ("/", cookie)}
    runs: dict[str, list[dict]] = {name: [] for name in targets}
    gunicorn = start_gunicorn(args.port, args.workers)
    try:
        for path, with_cookie in targets.values():
            for _ in range(10 * args.workers):  # every worker builds its caches once (cold: seconds)
                status, _body, _headers = fetch(args.port, path, with_cookie)
                if status != 200:
                    sys.exit(f"{path} answered {status}")
        for run in range(args.runs):
            for name, (path, with_cookie) in targets.items():
                cpu_before = workers_cpu_seconds(gunicorn.pid)
                result = wrk(args.port, path, with_cookie, CONNECTIONS, args.seconds, 2)
                served = max(result["rps"] * args.seconds, 1)
                result["cpu_ms"] = (workers_cpu_seconds(gunicorn.pid) - cpu_before) * 1000 / served
                runs[name].append(result)
                print(
                    f"run {run + 1} {name:18} {result['rps']:7.1f} req/s  p99 {result['p99_ms']:7.1f} ms"
                    f"  app CPU {result['cpu_ms']:.2f} ms/req  errors {result['errors']}",
                    flush=True,
                )
    finally:
        stop(gunicorn)
    cores = os.cpu_count() or 1
    summary = {}
    for name, results in runs.items():
        cpu = statistics.median(r["cpu_ms"] for r in results)
        summary[name] = {
            "rps": round(statistics.median(r["rps"] for r in results), 1),
            "rps_min": round(min(r["rps"] for r in results), 1),
            "rps_max": round(max(r["rps"] for r in results), 1),
            "p99_ms": round(statistics.median(r["p99_ms"] for r in results), 1),
            "errors": sum(r["errors"] for r in results),
            "app_cpu_ms_per_request": round(cpu, 2),
            "cpu_bound_rps_if_alone": round(cores * 1000 / cpu) if cpu else None,
        }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8801")))
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (one per core)")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make wrk` installs Debian's package.")
    collectstatic()
    cookie = session_cookie()  # django.setup() under the production settings
    slug = edition_slug()
    pages = page_times(slug)
    served = under_gunicorn(args, cookie)
    national, overview = served["national"], served["signed_in_overview"]
    print(
        f"gunicorn {args.workers} sync workers, wrk {CONNECTIONS} connections, median of {args.runs} runs of "
        f"{args.seconds} s: /open/ {national['rps']} req/s (app CPU {national['app_cpu_ms_per_request']} ms/req);"
        f" signed-in overview / {overview['rps']} req/s (app CPU {overview['app_cpu_ms_per_request']} ms/req)"
    )
    load = os.getloadavg()[0]
    print(f"load average at the end: {load:.1f} on {os.cpu_count()} cores (other work on the machine shares them)")
    worst = max(f["p95_ms"] for f in pages.values())
    result = {
        "edition": slug,
        "pages": pages,
        "gunicorn": {"workers": args.workers, "connections": CONNECTIONS, "runs": args.runs, "seconds": args.seconds},
        "national": national,
        "signed_in_overview": overview,
        "load_average": round(load, 1),
        "targets": {"p95_ms": TARGET_P95_MS, "national_rps": TARGET_RPS},
        "met": {"p95": worst < TARGET_P95_MS, "national_rps": national["rps"] >= TARGET_RPS},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
