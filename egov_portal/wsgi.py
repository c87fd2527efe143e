"""WSGI entry point for gunicorn: `gunicorn egov_portal.wsgi`."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov_portal.settings.production")

application = get_wsgi_application()

# Everything loaded so far lives as long as the process: keep it out of the garbage collector's
# full passes, which otherwise scan it on every page that builds many objects (the dashboards'
# 265-row tables and map) and add tens of milliseconds to one request in twenty.
gc.freeze()
