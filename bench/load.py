"""Benchmark: the dashboards under load, gunicorn with 4 workers and the production settings, driven by wrk.

Run against a database that holds usage (bench/dashboards.py --load-only --years 10 makes one), with the
shared cache on Redis, as deployed:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench_dash REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/load.py

1. `collectstatic`, then gunicorn (4 sync workers, egov_portal.wsgi, production settings) on loopback,
   behind no proxy: wrk sends `X-Forwarded-Proto: https` as the TLS-terminating proxy would;
2. a signed-in ministry user's session cookie, `Accept-Encoding: gzip` as browsers send;
3. each page warmed once (the shared cache holds it, as after an import), then wrk for --seconds at
   20 connections (throughput, p99) and at 100 connections (errors), --runs times; figures are the
   median of the runs with min and max;
4. beside them, in the same run, the stack's ceiling: a static file served by WhiteNoise from the same
   gunicorn (no view, no database), and /healthz (one view, one query).

Targets (issue 13): ≥ 300 req/s with p99 < 300 ms at 20 connections on the overview, the map and the
municipalities table, and no error at 100 connections. Loopback only, bounded runs only. The last line
printed is JSON with the figures, the targets and whether each was met.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_portal.settings.production")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

HOST = "127.0.0.1"
TARGET_RPS = 300
TARGET_P99_MS = 300
# The three main pages carry the targets; the others are measured for the record.
MAIN = ("overview", "map", "municipalities")
PAGES = {
    "overview": "/",
    "map": "/dashboards/map/",
    "municipalities": "/dashboards/municipalities/",
    "provinces": "/dashboards/provinces/",
    "trends": "/dashboards/trends/",
    "discrepancies": "/dashboards/discrepancies/",
    "municipality": "/municipalities/VAR06/",
}
CEILING = {"static file": "/static/css/portal.css", "healthz": "/healthz"}


def session_cookie() -> str:
    """A ministry user's session, made the way a sign-in makes it (in the shared cache and the database)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    from accounts.choices import Role
    from accounts.models import User

    user, _ = User.objects.get_or_create(username="bench-load", defaults={"role": Role.MINISTRY})
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "egov_portal.settings.production", "DASHBOARD_WARM": "false"}
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "egov_portal.wsgi",
            f"--bind={HOST}:{port}",
            f"--workers={workers}",
            "--worker-class=sync",
            "--log-level=warning",
            "--timeout=60",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(120):
        try:
            fetch(port, "/static/css/portal.css", cookie="")
            return process
        except OSError:
            time.sleep(0.5)
    stop(process)
    sys.exit("gunicorn did not answer within a minute")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


HEADERS = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}


def fetch(port: int, path: str, cookie: str, encoding: str = "gzip") -> tuple[int, bytes, dict]:
    request = urllib.request.Request(  # noqa: S310 - loopback only
        f"http://{HOST}:{port}{path}",
        headers={"X-Forwarded-Proto": "https", "Accept-Encoding": encoding, "Cookie": cookie},
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return response.status, response.read(), dict(response.headers)


def wrk(port: int, path: str, cookie: str, connections: int, seconds: int, threads: int) -> dict:
    """One bounded wrk run: requests per second, p50/p99 latency in ms, errors (socket and non-2xx/3xx)."""
    command = [
        "wrk",
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout=10s",
        *(arg for name, value in {**HEADERS, "Cookie": cookie}.items() for arg in ("-H", f"{name}: {value}")),
        f"http://{HOST}:{port}{path}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": latency(output, "50%"),
        "p99_ms": latency(output, "99%"),
        "errors": errors(output),
    }


def latency(output: str, percentile: str) -> float:
    value, unit = re.search(rf"^\s+{re.escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def errors(output: str) -> int:
    total = 0
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket:
        total += sum(int(n) for n in socket.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        total += int(non_2xx.group(1))
    return total


def workers_cpu_seconds(master: int) -> float:
    """User + system CPU of gunicorn's workers so far: what a request costs the app, whatever the load."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def spread(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 1), "min": round(min(values), 1), "max": round(max(values), 1)}


def weights(port: int, cookie: str) -> dict[str, dict[str, float]]:
    """Each page's weight: the HTML, what travels gzipped, and the map's SVG file (fetched once per version)."""
    result = {}
    for name, path in PAGES.items():
        status, plain, _ = fetch(port, path, cookie, encoding="identity")
        _, packed, headers = fetch(port, path, cookie, encoding="gzip")
        if status != 200:
            sys.exit(f"{path} answered {status}")
        entry = {"html_kb": round(len(plain) / 1024, 1), "gzip_kb": round(len(packed) / 1024, 1)}
        if headers.get("Content-Encoding") != "gzip":
            entry["gzip_kb"] = entry["html_kb"]
        found = re.search(rb'data-map-src="([^"]+)"', plain)
        if found:
            src = found.group(1).decode().replace("&amp;", "&")
            _, svg, _ = fetch(port, src, cookie, encoding="identity")
            _, svg_packed, _ = fetch(port, src, cookie, encoding="gzip")
            entry["map_svg_kb"] = round(len(svg) / 1024, 1)
            entry["map_svg_gzip_kb"] = round(len(svg_packed) / 1024, 1)
        result[name] = entry
    return result


def collectstatic() -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "egov_portal.settings.production"},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8601")))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make wrk` installs Debian's package.")
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a database with usage (bench/dashboards.py --load-only makes one).")
    collectstatic()
    cookie = session_cookie()
    gunicorn = start_gunicorn(args.port, args.workers)
    try:
        for path in [*PAGES.values(), *CEILING.values()]:  # warm: the shared cache holds each page once
            fetch(args.port, path, cookie)
        page_weights = weights(args.port, cookie)
        runs: dict[str, list[dict]] = {name: [] for name in [*PAGES, *CEILING]}
        for run in range(args.runs):
            for name, path in [*PAGES.items(), *CEILING.items()]:
                cpu_before = workers_cpu_seconds(gunicorn.pid)
                at20 = wrk(args.port, path, cookie, 20, args.seconds, args.threads)
                served = max(at20["rps"] * args.seconds, 1)
                at20["cpu_ms"] = (workers_cpu_seconds(gunicorn.pid) - cpu_before) * 1000 / served
                at100 = wrk(args.port, path, cookie, 100, args.seconds, args.threads) if name in MAIN else None
                runs[name].append({"at20": at20, "at100": at100})
                print(
                    f"run {run + 1} {name:15} 20 conn: {at20['rps']:7.1f} req/s p99 {at20['p99_ms']:7.1f} ms"
                    f" app CPU {at20['cpu_ms']:.1f} ms/req"
                    + (f"; 100 conn: {at100['rps']:7.1f} req/s, {at100['errors']} errors" if at100 else ""),
                    flush=True,
                )
    finally:
        stop(gunicorn)
    summary = summarise(runs, page_weights, args)
    print(json.dumps(summary))


def summarise(runs: dict[str, list[dict]], page_weights: dict, args) -> dict:
    pages = {}
    met = True
    print(f"\nMedian [min–max] of {args.runs} runs of {args.seconds} s; gunicorn {args.workers} workers.")
    print(
        f"{'page':15} {'req/s @20':>22} {'p99 ms @20':>24} {'errors @100':>12} {'HTML kB':>8} {'gzip kB':>8}"
        f" {'app CPU ms/req':>15}"
    )
    for name, entries in runs.items():
        rps = spread([e["at20"]["rps"] for e in entries])
        p99 = spread([e["at20"]["p99_ms"] for e in entries])
        cpu = spread([e["at20"]["cpu_ms"] for e in entries])
        figures = {"rps_at_20": rps, "p99_ms_at_20": p99, "app_cpu_ms_per_request": cpu, **page_weights.get(name, {})}
        if entries[0]["at100"] is not None:
            figures["errors_at_100"] = sum(e["at100"]["errors"] for e in entries)
            figures["rps_at_100"] = spread([e["at100"]["rps"] for e in entries])
        if name in MAIN:
            figures["met"] = rps["median"] >= TARGET_RPS and p99["median"] < TARGET_P99_MS
            figures["met"] = figures["met"] and figures["errors_at_100"] == 0
            met = met and figures["met"]
        pages[name] = figures
        weight = page_weights.get(name, {})
        print(
            f"{name:15} {rps['median']:7.1f} [{rps['min']:.0f}–{rps['max']:.0f}]".ljust(38)
            + f" {p99['median']:7.1f} [{p99['min']:.0f}–{p99['max']:.0f}]".ljust(25)
            + f" {figures.get('errors_at_100', '-')!s:>12}"
            + f" {weight.get('html_kb', '-')!s:>8} {weight.get('gzip_kb', '-')!s:>8} {cpu['median']:15.1f}"
        )
    main_rps = [pages[name]["rps_at_20"]["median"] for name in MAIN]
    ceiling = pages["static file"]["rps_at_20"]["median"]
    return {
        "workers": args.workers,
        "runs": args.runs,
        "seconds": args.seconds,
        "pages": pages,
        "ratio_to_static_file": {name: round(pages[name]["rps_at_20"]["median"] / ceiling, 2) for name in MAIN},
        "min_main_rps": min(main_rps),
        "targets": {"rps_at_20": TARGET_RPS, "p99_ms_at_20": TARGET_P99_MS, "errors_at_100": 0},
        "met": met,
    }


if __name__ == "__main__":
    main()
