"""Test settings: PostgreSQL and Redis, as in production (make test makes sure both answer)."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import DATABASES
from .env import env, postgres_database

_database = postgres_database("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/egov")
assert _database is not None  # noqa: S101 -- the default above is a PostgreSQL URL
DATABASES["default"] = _database
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/15")
CELERY_BROKER_URL = REDIS_URL
# Per-process memory cache in tests: tests clear the cache, and clearing a Redis cache empties the whole
# Redis database, the broker's queues included. tests/test_shared_cache.py covers the Redis backend.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "process": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "process"},
}
# Eager everywhere except the tests that start a real worker (they override this).
CELERY_TASK_ALWAYS_EAGER = True
DASHBOARD_WARM = False  # tests/test_dashboard_cache.py turns it on
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
