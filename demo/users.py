"""Demo logins for a local portal: created once with random passwords, listed on every start."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings

from accounts.choices import Role
from accounts.models import User


def logins_file() -> Path:
    return settings.VAR_DIR / "demo-logins.txt"


def ensure_user(username: str, role: str, *, superuser: bool = False, municipality=None) -> str | None:
    """Create the user with a random password; return the password, or None if it existed."""
    if User.objects.filter(username=username).exists():
        return None
    password = secrets.token_urlsafe(12)
    user = User(username=username, role=role, municipality=municipality, is_staff=superuser, is_superuser=superuser)
    user.set_password(password)
    user.save()
    path = logins_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"{username:<16} {password:<20} {Role(role).label}\n")
    return password


def ensure_admin() -> str | None:
    return ensure_user("admin", Role.ADMINISTRATOR, superuser=True)
