"""Production settings: secrets only from the environment, HTTPS and secure cookies.

`manage.py check --deploy` is clean under these settings.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .env import env, strict_bool

DEBUG = strict_bool("DEBUG", default=False)
try:
    SECRET_KEY = env.str("SECRET_KEY")
except ImproperlyConfigured:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Production needs a long random secret in the environment, "
        "e.g. SECRET_KEY=\"$(python -c 'import secrets; print(secrets.token_urlsafe(50))')\"."
    ) from None
if not env.str("DATABASE_URL", default=""):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Production runs on a PostgreSQL server of its own "
        "(e.g. postgres://egov@db:5432/egov); the embedded one is for the quick start."
    )
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("SECRET_KEY is too short: use at least 50 random characters.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = strict_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
