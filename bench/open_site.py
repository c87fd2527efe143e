"""Benchmark: the open site's pages, served from an edition's stored figures.

Run against a database with reference data and demo adoption (e.g. after `make run`'s seeding):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_public .venv/bin/python bench/open_site.py

1. an edition of the current quarter is issued if none exists (timed: the one-off cost);
2. every open page is requested 60 times warm through the Django test client (server time: the
   whole middleware stack and the template), median and p95, beside the raw PostgreSQL read of the
   same stored payload, timed the same way in the same run;
3. the national page and the signed-in overview (/) under gunicorn (2 workers, port 8801),
   requests/s with 8 concurrent clients for a few seconds each, in the same run.
Ends with one JSON line: figures, targets (p95 < 30 ms warm, >= 500 req/s) and whether met.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_portal.settings.base")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
PORT = int(os.environ.get("BENCH_PORT", "8801"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CONCURRENCY = 8


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


def load(path: str, cookie: str = "") -> float:
    """Requests per second on `path` from CONCURRENCY keep-alive clients for SECONDS."""
    done, errors, stop = [0], [0], time.perf_counter() + SECONDS

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while time.perf_counter() < stop:
            try:
                connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                connection.close()
                continue
            if response.status == 200:
                done[0] += 1
            else:
                errors[0] += 1

    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors[0]:
        print(f"  {path}: {errors[0]} answers other than 200", file=sys.stderr)
    return done[0] / (time.perf_counter() - started)


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from accounts.choices import Role
    from opendata.editions import issue_edition
    from opendata.models import Edition

    edition = Edition.objects.visible().latest_first().first()
    if edition is None:
        start = time.perf_counter()
        edition = issue_edition()
        print(f"issued {edition.slug} in {time.perf_counter() - start:.1f} s")
    slug = edition.slug
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
    client = Client()
    figures: dict[str, dict] = {}
    print(f"{'page':18} {'median ms':>10} {'p95 ms':>8}   raw PostgreSQL read of the payload: median / p95 ms")

    def raw(level: str, code: str):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT payload FROM opendata_editionfigure WHERE edition_id=%s AND level=%s AND code=%s",
                    [edition.pk, level, code],
                )
                cursor.fetchall()

        return run

    raw_for = {"national": ("national", ""), "edition": ("national", ""), "province": ("province", "VAR")}
    for name, path in pages.items():
        assert client.get(path).status_code == 200, path
        median, p95 = timed(lambda p=path: client.get(p))
        level, code = raw_for.get(name, ("municipality", "VAR06"))
        raw_median, raw_p95 = timed(raw(level, code))
        figures[name] = {"median_ms": round(median, 2), "p95_ms": round(p95, 2), "raw_pg_p95_ms": round(raw_p95, 2)}
        print(f"{name:18} {median:10.2f} {p95:8.2f}   {raw_median:.2f} / {raw_p95:.2f}")

    user, _ = get_user_model().objects.get_or_create(username="bench-ministry", defaults={"role": Role.MINISTRY})
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "egov_portal.settings.base"}
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "egov_portal.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        for path, headers in (("/open/", {}), ("/", {"Cookie": cookie})):
            for _ in range(20):  # each worker builds its caches once (a cold first request takes seconds)
                warm = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
                warm.request("GET", path, headers=headers)
                warm.getresponse().read()
                warm.close()
        national_rps = load("/open/")
        overview_rps = load("/", cookie)
    finally:
        server.terminate()
        server.wait(10)
    print(f"gunicorn 2 workers, {CONCURRENCY} clients: /open/ {national_rps:.0f} req/s", end="; ")
    print(f"signed-in overview / {overview_rps:.0f} req/s")
    worst = max(f["p95_ms"] for f in figures.values())
    result = {
        "pages": figures,
        "national_rps": round(national_rps),
        "signed_in_overview_rps": round(overview_rps),
        "targets": {"p95_ms": 30, "national_rps": 500},
        "met": {"p95": worst < 30, "national_rps": national_rps >= 500},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
