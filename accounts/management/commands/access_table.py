"""Print the README's role table, computed from the access policy (a test keeps the README equal)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from accounts import policy
from accounts.choices import Role
from accounts.models import User

SCOPES = {
    "See which municipalities' declarations, history and contacts": policy.declarations_scope,
    "Change which municipalities' stages and contacts": policy.editable_scope,
    "See which import batches": policy.batches_scope,
    "See which background exports": policy.export_jobs_scope,
}


def _stand_in(role: str) -> User:
    """An unsaved user of the role (officers of municipality 1): the rules read only the fields."""
    return User(id=1, username=f"table-{role}", role=role, municipality_id=1 if role == Role.OFFICER else None)


def _scope_cell(scope: policy.Scope) -> str:
    if scope.everything:
        return "all"
    if scope.municipality_id is not None:
        return "own municipality"
    if scope.owner_id is not None:
        return "own"
    return "—"


def render() -> str:
    """The table in Markdown: one row per rule of `policy.RULES` and per scope, one column per role."""
    users: list[Any] = [_stand_in(role) for role in Role.values]
    with translation.override("en"):
        header = "| may | " + " | ".join(str(Role(role).label).lower() for role in Role.values) + " |"
    lines = [header, "|---" * (len(users) + 1) + "|"]
    for name, rule in policy.RULES.items():
        summary = (rule.__doc__ or name).split("\n")[0].rstrip(".")
        cells = ["yes" if rule(user) else "—" for user in users]
        lines.append(f"| {summary} (`{name}`) | " + " | ".join(cells) + " |")
    for label, scope in SCOPES.items():
        cells = [_scope_cell(scope(user)) for user in users]
        lines.append(f"| {label} (`{scope.__name__}`) | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Print the role table of the README from accounts/policy.py."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(render(), ending="")
