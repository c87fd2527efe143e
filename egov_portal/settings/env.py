"""Strict readers for settings from the environment.

django-environ parses URLs and lists; booleans are read here because a typo such as
`DEBUG=yes` must stop the start instead of silently meaning False.
"""

from __future__ import annotations

from urllib.parse import unquote

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

_TRUE = {"true", "1"}
_FALSE = {"false", "0"}


def strict_bool(name: str, default: bool) -> bool:
    """Read NAME as exactly true/false/1/0; anything else is a configuration error."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true, false, 1 or 0.")


_POSTGRES_ENGINES = {"django.db.backends.postgresql", "django.contrib.gis.db.backends.postgis"}


def postgres_database(name: str, default: str = "") -> dict | None:
    """Read NAME as a PostgreSQL URL; None when unset. Any other engine (SQLite...) stops the start."""
    raw = env.str(name, default="") or default
    if not raw:
        return None
    scheme = raw.split(":", 1)[0] if ":" in raw else raw
    try:
        config = environ.Env.db_url_config(raw)
    except Exception:  # django-environ raises several types for nonsense; the message below says what to do
        config = {}
    if config.get("ENGINE") not in _POSTGRES_ENGINES:
        raise ImproperlyConfigured(
            f"{name} names {scheme!r}, but the portal runs on PostgreSQL only: give a postgres:// URL "
            f"(e.g. postgres://egov@127.0.0.1:5432/egov) or unset {name} to use the embedded PostgreSQL."
        )
    # A unix socket folder is given percent-encoded as the host (postgres://u@%2Frun%2Fpg/db):
    # django-environ keeps the encoding, psycopg needs the path.
    config["HOST"] = unquote(str(config.get("HOST") or ""))
    return config
