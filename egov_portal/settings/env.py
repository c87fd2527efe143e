"""Strict readers for settings from the environment.

django-environ parses URLs and lists; booleans are read here because a typo such as
`DEBUG=yes` must stop the start instead of silently meaning False.
"""

from __future__ import annotations

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
