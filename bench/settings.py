"""Settings for the export benchmark's server: the portal's, plus the bench app and its URLs."""

from __future__ import annotations

from egov_portal.settings.base import *  # noqa: F403
from egov_portal.settings.base import INSTALLED_APPS

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
# Every benchmarked export streams in the request: no background job.
EXPORT_ASYNC_THRESHOLD_ROWS = 10**12
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
