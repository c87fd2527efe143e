"""Settings for every environment, read from the environment.

With no DATABASE_URL the portal uses the embedded PostgreSQL of the quick start (core/embedded_db.py,
started by `make run` or `manage.py embedded_db start`) and with no REDIS_URL Celery runs tasks
in-process, so a newcomer's first `make run` works without any service, on the production engine.
"""

from __future__ import annotations

from pathlib import Path

import django_stubs_ext
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

from core import embedded_db

from .env import env, postgres_database, strict_bool

# Django's generic classes (ModelForm[M], FormView[F], ModelAdmin[M]) take their type parameters at
# runtime too, as the strict type checking asks (pyproject.toml [tool.mypy]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env.str("EGOV_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = strict_bool("DEBUG", default=True)
# A development default only; production.py refuses to start without SECRET_KEY.
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "accounts.admin_config.PortalAdminConfig",  # django.contrib.admin, opened by the access policy
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "axes",
    "core",
    "accounts",
    "municipalities",
    "catalog",
    "dashboards",
    "adoption",
    "exports",
    "usage",
    "reports",
    "scoring",
    "outreach",
    "opendata",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, precompressed (gzip) at collectstatic
    # HTML and SVG compressed on the way out (after WhiteNoise, so static files never pass here). BREACH: the
    # pages carry CSRF tokens in forms, but Django masks the token with a fresh random salt on every
    # response and GZipMiddleware pads each response with random bytes (Heal The Breach), so no secret
    # repeats across responses for an attacker to guess byte by byte. See docs/dashboards.md.
    "core.middleware.PageGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.IgnoreAcceptLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.replica.ReplicaMiddleware",  # reads of dashboards, exports and the API from the replica, if any
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    # `?_export=` on pages that registered an export source (exports/registry.py).
    "exports.middleware.ExportMiddleware",
]

ROOT_URLCONF = "egov_portal.urls"
WSGI_APPLICATION = "egov_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# PostgreSQL only: a DATABASE_URL naming another engine stops the start (see env.postgres_database).
DATABASES = {"default": postgres_database("DATABASE_URL") or embedded_db.django_database(VAR_DIR)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: a request reuses its worker's connection instead of opening one (~3 ms
# and a backend fork each time); the health check replaces a connection the server dropped.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=300)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A streaming replica for the reads that may lag a moment (see core/replica.py); none by default.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db_url("DATABASE_REPLICA_URL"),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# After a user's own write, their reads stay on the primary this long (longer than the replica's lag).
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.backends.PolicyBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.StaffPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Bulgarian first, English on request.
LANGUAGE_CODE = "bg"
LANGUAGES = [("bg", _("Bulgarian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Sofia"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["egov_portal.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="egov-portal@localhost")

# Celery: Redis when REDIS_URL is set; otherwise tasks run in-process (eager).
REDIS_URL = env.str("REDIS_URL", default="")
# One cache shared by every process (gunicorn workers, Celery workers) on Redis; local memory, per
# process, only without Redis. The dashboards' figures and pages and the sessions live here.
CACHE_URL = env.str("CACHE_URL", default=REDIS_URL)
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL, "KEY_PREFIX": "egov"}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # Each process's own memory, for what never changes once made (an open-data edition's pages):
    # read without a round trip to Redis. Bounded: the oldest third goes when it is full.
    "process": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "process",
        "OPTIONS": {"MAX_ENTRIES": 600},
    },
}
# Sessions read from the cache, written through to the database (a Redis restart signs nobody out).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"  # a host, or kombu warns on every task
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
# Surviving the broker (docs/ingestion.md, "Workers and the broker"): a worker keeps trying to reach
# Redis, at start and after losing it, for as long as it takes, instead of exiting after 100 tries.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Long tasks with late acks: a worker reserves one message per process, so a lost connection strands
# at most that many until the visibility timeout hands them out again.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis has no AMQP heartbeat (broker_heartbeat is ignored on it): redis-py pings a connection idle for
# 25 s and TCP keepalive finds a dead peer. An unacknowledged message is handed out again after the
# visibility timeout, 5 minutes: shorter than a long import on purpose, since every late-acked task is
# idempotent (an import claims its batch in the database, and a second delivery of a batch that is
# running or done does nothing).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=5 * 60),
    "health_check_interval": 25,
    "socket_keepalive": True,
    "socket_connect_timeout": 5,
}
CELERY_BEAT_SCHEDULE: dict = {}
# Task modules besides each app's tasks.py (which Celery finds by itself).
CELERY_IMPORTS = ("usage.beat",)
# Queues by kind of work, so each kind gets workers of its own (`celery worker -Q imports`, see the
# README's deployment section): a long import never holds up an e-mail or an export, and each kind
# scales on its own machines. A worker started without -Q consumes every queue (development, tests).
CELERY_QUEUE_NAMES = ("imports", "exports", "mail", "maintenance")
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in CELERY_QUEUE_NAMES]
CELERY_TASK_DEFAULT_QUEUE = "maintenance"
CELERY_TASK_ROUTES = {
    "usage.tasks.ingest_batch": {"queue": "imports"},
    "exports.tasks.run_export_job": {"queue": "exports"},
    "adoption.tasks.send_stale_reminders": {"queue": "mail"},
    # The rest is small and periodic: inbox scan, re-queue, cache warming, partitions ahead.
}
# Declared adoption: a stage nobody confirmed for this many days is flagged stale, and the
# weekly reminder (Monday 07:00) e-mails officers with stale or rejected entries.
ADOPTION_STALE_AFTER_DAYS = env.int("ADOPTION_STALE_AFTER_DAYS", default=180)
# The portal's address, for links in e-mails sent by background tasks (no request to build them from).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Scorecards: every weekday of the month's first week at 06:30; the task sends on the first working day.
CELERY_BEAT_SCHEDULE["outreach-monthly-scorecards"] = {
    "task": "outreach.tasks.send_monthly_scorecards",
    "schedule": crontab(minute=30, hour=6, day_of_month="1-7", day_of_week="mon-fri"),
}
CELERY_BEAT_SCHEDULE["outreach-daily-case-upkeep"] = {
    "task": "outreach.tasks.daily_case_upkeep",
    "schedule": crontab(minute=0, hour=7),
}
CELERY_BEAT_SCHEDULE["adoption-stale-reminders"] = {
    "task": "adoption.tasks.send_stale_reminders",
    "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.filters.OrderingFilter",  # DRF's, with the allowed fields named in the schema
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "egov-portal API",
    "DESCRIPTION": "Adoption of central e-government services by Bulgaria's 265 municipalities.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc served from static files: the portal runs without internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two choice sets share the field name "kind": name their enums after what they mean.
    "ENUM_NAME_OVERRIDES": {
        "ChangeKindEnum": "adoption.choices.ChangeKind",
        "UsageKindEnum": "usage.choices.Kind",
        "VerificationEnum": "adoption.choices.Verification",
        "MatrixVerificationEnum": "reports.choices.MatrixVerification",
    },
    # The default enum hook first, then ours: it describes the BlankEnum/NullEnum helpers.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.openapi.describe_helper_enums"],
}

# Exports (exports app): above this many rows an export is written by a Celery job and e-mailed.
EXPORT_ASYNC_THRESHOLD_ROWS = env.int("EXPORT_ASYNC_THRESHOLD_ROWS", default=1_000_000)
EXPORT_STORAGE_DIR = Path(env.str("EXPORT_STORAGE_DIR", default=str(VAR_DIR / "exports")))
# `manage.py purge_exports` deletes background export files older than this.
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=30)
# Rows fetched per round trip from the server-side cursor while streaming.
EXPORT_CHUNK_SIZE = env.int("EXPORT_CHUNK_SIZE", default=2000)

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "data-table"}

# Sign-in throttling (django-axes): lock a username+address after 5 failures for one hour, and an
# address after 20 failures across any usernames (one password tried on many accounts).
AXES_USERNAME_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_FAILURE_LIMIT = "accounts.throttling.failure_limit"
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Content-Security-Policy (django-csp): scripts, styles and images only from the portal itself, so
# no inline script, style or handler runs; the ReDoc page alone widens it (egov_portal/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The dashboards' national map is an <object> of the portal's own SVG file (it shows without
        # JavaScript; dashboards.js then draws it inline): the portal's own origin, nothing else.
        "object-src": ["'self'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Where the reference data lives (the project never copies it in).
REFERENCE_DATA_DIR = Path(env.str("REFERENCE_DATA_DIR", default=str(BASE_DIR.parent / "shared" / "data")))

# Dashboards: a municipality "uses" a service when the usage files show it in this many days before
# the chosen date; an import kind whose last successful batch is older than the max age gets a warning.
DASHBOARD_OBSERVED_WINDOW_DAYS = env.int("DASHBOARD_OBSERVED_WINDOW_DAYS", default=90)
DASHBOARD_IMPORT_MAX_AGE_DAYS = env.int("DASHBOARD_IMPORT_MAX_AGE_DAYS", default=3)
# Dashboard aggregates are cached per data version (a new import or declaration shows at once);
# edits to services, stages and boundaries show within this many seconds. 0 turns the cache off.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=600)
# Warm the dashboards' cache after an import or a declaration, and every half DASHBOARD_CACHE_SECONDS,
# on a worker. Off with in-process tasks: the person who saved would wait for every page to render.
DASHBOARD_WARM = strict_bool("DASHBOARD_WARM", default=not CELERY_TASK_ALWAYS_EAGER)
CELERY_BEAT_SCHEDULE["dashboards-warm"] = {
    "task": "dashboards.tasks.warm_dashboards",
    "schedule": max(DASHBOARD_CACHE_SECONDS // 2, 60),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # A line per task and per import; the quick start sets WARNING (its progress bar says the same).
    "loggers": {
        name: {"level": env.str("TASK_LOG_LEVEL", default=env.str("LOG_LEVEL", default="INFO"))}
        for name in ("celery.app.trace", "usage.ingest")
    },
}

# The page shown when django-axes locks a sign-in (in Bulgarian, in the accounts app).
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"

# Usage statistics files (the usage app): the watched inbox, how long a running import may take
# before another worker may take it over, and the beat tasks that feed the queue.
USAGE_INBOX_DIR = Path(env.str("USAGE_INBOX_DIR", default=str(VAR_DIR / "inbox")))
USAGE_INBOX_SETTLE_SECONDS = env.int("USAGE_INBOX_SETTLE_SECONDS", default=5)
# A running batch is taken over when it started this long ago AND no import holds its row (a live
# import locks it for its whole transaction), so a killed batch is taken over within ~6 minutes (the
# beat task below runs every minute) while a long live import is never touched.
USAGE_STALE_AFTER_SECONDS = env.int("USAGE_STALE_AFTER_SECONDS", default=5 * 60)
USAGE_REQUEUE_AFTER_SECONDS = env.int("USAGE_REQUEUE_AFTER_SECONDS", default=5 * 60)
USAGE_MAX_UPLOAD_BYTES = env.int("USAGE_MAX_UPLOAD_BYTES", default=500 * 1024 * 1024)
# What one usage file may hold: 10 × the largest file the import is measured with (bench/ingest.py:
# 1,000,000 RegiX rows, 108 MB). A longer line is that line's rejection; a larger file is refused.
USAGE_MAX_LINE_BYTES = env.int("USAGE_MAX_LINE_BYTES", default=64 * 1024)
USAGE_MAX_FILE_BYTES = env.int("USAGE_MAX_FILE_BYTES", default=1_100_000_000)
USAGE_MAX_FILE_ROWS = env.int("USAGE_MAX_FILE_ROWS", default=10_000_000)
# A daily count above these (per municipality, and per query type for RegiX) is accepted but listed
# as a warning on the batch, for ministry staff to check (a 51-million-documents day is a typo).
USAGE_PLAUSIBLE_DAILY_MAX = {
    "regix": env.int("USAGE_PLAUSIBLE_MAX_REGIX", default=1_000_000),
    "seos": env.int("USAGE_PLAUSIBLE_MAX_SEOS", default=100_000),
}
CELERY_BEAT_SCHEDULE["usage-scan-inbox"] = {"task": "usage.beat.scan_inbox", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["usage-requeue-batches"] = {"task": "usage.beat.requeue_batches", "schedule": 60.0}
# The daily facts' monthly partitions, made months ahead (usage/partitions.py): daily, at 03:15.
CELERY_BEAT_SCHEDULE["usage-create-partitions"] = {
    "task": "usage.tasks.create_partitions",
    "schedule": crontab(minute=15, hour=3),
}

# The open site and its open data (opendata app): who publishes, whom to write to, data.egov.bg.
OPEN_DATA_PUBLISHER_BG = env.str("OPEN_DATA_PUBLISHER_BG", default="Министерство на електронното управление")
OPEN_DATA_PUBLISHER_EN = env.str("OPEN_DATA_PUBLISHER_EN", default="Ministry of e-Government")
OPEN_DATA_CONTACT_EMAIL = env.str("OPEN_DATA_CONTACT_EMAIL", default=DEFAULT_FROM_EMAIL)
# The accessibility statement's date of last review (ISO); the law asks for a review at least yearly.
ACCESSIBILITY_REVIEWED_ON = env.str("ACCESSIBILITY_REVIEWED_ON", default="2026-11-29")
# data.egov.bg: no API key means the publication job records "not configured" and sends nothing.
DATA_EGOV_API_URL = env.str("DATA_EGOV_API_URL", default="https://data.egov.bg/api").rstrip("/")
DATA_EGOV_API_KEY = env.str("DATA_EGOV_API_KEY", default="")
DATA_EGOV_ORG_ID = env.int("DATA_EGOV_ORG_ID", default=0)
DATA_EGOV_CATEGORY_ID = env.int("DATA_EGOV_CATEGORY_ID", default=0)
DATA_EGOV_TERMS_OF_USE_ID = env.int("DATA_EGOV_TERMS_OF_USE_ID", default=0)
DATA_EGOV_TIMEOUT_SECONDS = env.float("DATA_EGOV_TIMEOUT_SECONDS", default=30)
DATA_EGOV_MAX_ATTEMPTS = env.int("DATA_EGOV_MAX_ATTEMPTS", default=6)
# The open API's limit per client address (DRF throttling on the shared cache).
OPEN_API_RATE = env.str("OPEN_API_RATE", default="120/minute")
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"open-api": OPEN_API_RATE}
# The quarter's edition on its first day at 03:00; the publication job retries what failed.
CELERY_BEAT_SCHEDULE["opendata-quarterly-edition"] = {
    "task": "opendata.tasks.issue_quarterly_edition",
    "schedule": crontab(minute=0, hour=3, day_of_month=1, month_of_year="1,4,7,10"),
}
CELERY_BEAT_SCHEDULE["opendata-publish-pending"] = {
    "task": "opendata.tasks.publish_pending",
    "schedule": crontab(minute="*/15"),
}
