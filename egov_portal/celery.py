"""The Celery app. Tasks run on Redis when REDIS_URL is set, in-process otherwise."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_portal.settings.base")

app = Celery("egov_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
