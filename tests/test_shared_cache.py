"""One cache for every process on Redis (CACHES from REDIS_URL), sessions in it, persistent connections."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "egov_portal.settings.base", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def python(code: str, **env: str) -> str:
    result = run(code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


SHOW = (
    "import json; from django.conf import settings as s; d = s.DATABASES['default']; "
    "print(json.dumps([s.CACHES['default']['BACKEND'], s.CACHES['default'].get('LOCATION'), s.SESSION_ENGINE, "
    "d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
)


def test_with_redis_the_cache_is_redis_and_sessions_live_in_it():
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    backend, location, sessions, max_age, health = json.loads(python(SHOW, REDIS_URL=redis_url))
    assert backend == "django.core.cache.backends.redis.RedisCache"
    assert location == redis_url
    assert sessions == "django.contrib.sessions.backends.cached_db"
    assert max_age == 300
    assert health is True


def test_without_redis_the_cache_is_each_processs_memory():
    backend, location, *_ = json.loads(python(SHOW))
    assert backend == "django.core.cache.backends.locmem.LocMemCache"
    assert location is None


def test_two_processes_share_the_dashboards_figures_through_redis():
    """What one gunicorn worker computed, another reads: the second process's compute() is never called."""
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    name = f"shared-test-{uuid.uuid4().hex}"
    store = f"from dashboards.cache import cached; print(cached({name!r}, (1,), lambda: 'figures-42', version='v1'))"
    read = (
        "from dashboards.cache import cached\n"
        "def boom(): raise SystemExit('computed again: the cache is not shared')\n"
        f"print(cached({name!r}, (1,), boom, version='v1'))"
    )
    assert python(store, REDIS_URL=redis_url) == "figures-42"
    assert python(read, REDIS_URL=redis_url) == "figures-42"
    other_version = run(read.replace("'v1'", "'v2'"), REDIS_URL=redis_url)
    assert other_version.returncode != 0  # a new data version is computed afresh
    assert "computed again" in other_version.stderr
