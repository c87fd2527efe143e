"""The access policy: every rule about who may see or change what, in one module.

Each rule is a plain predicate named by what it allows (`can_verify_change(user, adoption)`), or a
`Scope` naming the rows a user reaches (`declarations_scope(user)`), which the querysets apply
(`Municipality.objects.visible_to(user)`). Views, API permissions, querysets, templates (the
`may` filter of `accounts/templatetags/policy.py`) and tasks call these and never look at a role.
The role sets below are the only role lists in product code; a new rule is one edit here.

Decisions (README "Roles", docs/access.md):
- administrators have every right of ministry staff, plus the Django admin, with or without
  Django's superuser flag (superusers act as administrators);
- service operators upload usage files and see their own uploads' batches, nothing else: no
  dashboards, reports, declarations or usage figures;
- four eyes: nobody verifies a declaration they set themselves.

The policy imports nothing but the role choices, so every app may use it (see docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.db.models import Q, QuerySet

from .choices import Role


class _User(Protocol):
    pk: Any
    is_authenticated: bool
    is_active: bool
    is_superuser: bool
    role: str
    municipality_id: int | None


MINISTRY, OFFICER, ANALYST, OPERATOR, ADMINISTRATOR = (
    Role.MINISTRY,
    Role.OFFICER,
    Role.ANALYST,
    Role.OPERATOR,
    Role.ADMINISTRATOR,
)
# The role sets: who acts for the ministry, who sees every municipality, who reads at all.
STAFF = frozenset({MINISTRY, ADMINISTRATOR})
SEES_EVERY_MUNICIPALITY = STAFF | {ANALYST}
READERS = SEES_EVERY_MUNICIPALITY | {OFFICER}
# Staff accounts must have long, uncommon passwords (accounts/validators.py).
STRONG_PASSWORD_ROLES = STAFF


def role_of(user: Any) -> str | None:
    """The role a user acts in: None when signed out or deactivated; superusers act as administrators."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ADMINISTRATOR
    return str(user.role)


def _has(user: Any, roles: frozenset[str]) -> bool:
    return role_of(user) in roles


# --- Rules that depend on the user alone (the templates' `user|may:"name"` reaches these) ---------

RULES: dict[str, Callable[[Any], bool]] = {}
_F = TypeVar("_F", bound=Callable[[Any], bool])


def rule(function: _F) -> _F:
    """Register a user-only rule under its name without `can_` (for the template filter and the README)."""
    RULES[function.__name__.removeprefix("can_")] = function
    return function


@rule
def can_view_dashboards(user: Any) -> bool:
    """See the national dashboards: overview, provinces, trends."""
    return _has(user, READERS)


@rule
def can_view_every_municipality(user: Any) -> bool:
    """See the dashboards of every municipality's declared stage: the stage map, the table by service."""
    return _has(user, SEES_EVERY_MUNICIPALITY)


@rule
def can_view_discrepancies(user: Any) -> bool:
    """See the discrepancies between declared and observed adoption."""
    return _has(user, SEES_EVERY_MUNICIPALITY)


@rule
def can_view_declarations(user: Any) -> bool:
    """Open the declared adoption list (its rows as `declarations_scope`)."""
    return _has(user, READERS)


@rule
def can_view_reports(user: Any) -> bool:
    """Open the reports (their rows as `declarations_scope`)."""
    return _has(user, READERS)


@rule
def can_verify_changes(user: Any) -> bool:
    """Verify or reject declarations, except one's own (`can_verify_change`); the pending queue."""
    return _has(user, STAFF)


@rule
def can_view_batches(user: Any) -> bool:
    """See the import batch pages and rejected rows (every municipality's figures)."""
    return _has(user, SEES_EVERY_MUNICIPALITY)


@rule
def can_upload_on_page(user: Any) -> bool:
    """Upload usage files through the upload page (operators from their own page)."""
    return _has(user, STAFF | {OPERATOR})


@rule
def can_follow_batches(user: Any) -> bool:
    """Open a batch's page and its import status (its rows as `batches_scope`: operators their own)."""
    return _has(user, SEES_EVERY_MUNICIPALITY | {OPERATOR})


@rule
def can_view_own_uploads(user: Any) -> bool:
    """The operators' own page: send usage files and follow the ones they sent."""
    return _has(user, frozenset({OPERATOR}))


@rule
def can_use_municipality_start_page(user: Any) -> bool:
    """An officer's start page, "my municipality": what needs attention there."""
    return role_of(user) == OFFICER and user.municipality_id is not None


@rule
def can_upload_files(user: Any) -> bool:
    """Upload usage files through the API (the operators' systems)."""
    return _has(user, STAFF | {OPERATOR})


@rule
def can_use_batch_api(user: Any) -> bool:
    """Read import batches in the API (its rows as `batches_scope`)."""
    return _has(user, SEES_EVERY_MUNICIPALITY | {OPERATOR})


@rule
def can_reprocess_batches(user: Any) -> bool:
    """Import a batch's file again."""
    return _has(user, frozenset({ADMINISTRATOR}))


@rule
def can_view_every_export(user: Any) -> bool:
    """See and download everybody's background exports."""
    return _has(user, STAFF)


@rule
def can_use_admin(user: Any) -> bool:
    """Use the Django admin, with every model permission (ModelAdmins may still refuse writes)."""
    return _has(user, frozenset({ADMINISTRATOR}))


@rule
def can_view_index_table(user: Any) -> bool:
    """Every municipality's adoption index and rank (the index page, its map and export)."""
    return _has(user, SEES_EVERY_MUNICIPALITY)


@rule
def can_view_targets(user: Any) -> bool:
    """The targets' national progress (which municipalities still miss one: `can_view_target_missing`)."""
    return _has(user, READERS)


@rule
def can_view_target_missing(user: Any) -> bool:
    """Which municipalities still miss a target: the roles that see every municipality."""
    return _has(user, SEES_EVERY_MUNICIPALITY)


@rule
def can_change_index_methods(user: Any) -> bool:
    """Create index methods (new versions) and targets."""
    return _has(user, STAFF)


@rule
def can_manage_outreach(user: Any) -> bool:
    """Open, edit and close outreach cases; see, pause and resume scorecard subscriptions; preview them."""
    return _has(user, STAFF)


@rule
def can_see_internal_notes(user: Any) -> bool:
    """The ministry's internal notes on outreach cases: never officers or analysts."""
    return _has(user, STAFF)


@rule
def can_read_all_cases(user: Any) -> bool:
    """The open cases page and the effect of outreach (officers see their own municipality's cases)."""
    return _has(user, SEES_EVERY_MUNICIPALITY)


@rule
def can_manage_open_data(user: Any) -> bool:
    """Issue editions of the open data on demand and follow their publication to data.egov.bg."""
    return _has(user, STAFF)


def needs_strong_password(user: Any) -> bool:
    """Staff accounts: at least 12 characters, not a common password (accounts/validators.py)."""
    role = ADMINISTRATOR if getattr(user, "is_superuser", False) else getattr(user, "role", None)
    return role in STRONG_PASSWORD_ROLES


# --- Rules about rows: scopes the querysets apply, and the object predicates built on them ------

_Q = TypeVar("_Q", bound=QuerySet[Any])


@dataclass(frozen=True)
class Scope:
    """The rows a user reaches: all of them, one municipality's, one owner's, or none."""

    everything: bool = False
    municipality_id: int | None = None
    owner_id: int | None = None

    def apply(self, queryset: _Q, *, municipality: str = "municipality", owner: str = "user") -> _Q:
        """Filter a queryset; `municipality` and `owner` name its fields holding those keys."""
        if self.everything:
            return queryset
        if self.municipality_id is not None:
            return queryset.filter(**{municipality: self.municipality_id})
        if self.owner_id is not None:
            return queryset.filter(**{owner: self.owner_id})
        return queryset.none()

    def includes(self, *, municipality_id: int | None = None, owner_id: Any = None) -> bool:
        if self.everything:
            return True
        if self.municipality_id is not None:
            return municipality_id == self.municipality_id
        return self.owner_id is not None and owner_id == self.owner_id


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


def declarations_scope(user: Any) -> Scope:
    """Whose declarations, history and contacts a user sees: all, or an officer's own municipality."""
    role = role_of(user)
    if role in SEES_EVERY_MUNICIPALITY:
        return EVERYTHING
    if role == OFFICER:
        return Scope(municipality_id=user.municipality_id)
    return NOTHING


def editable_scope(user: Any) -> Scope:
    """Whose stages and contacts a user may change: staff any, officers only their own."""
    role = role_of(user)
    if role in STAFF:
        return EVERYTHING
    if role == OFFICER:
        return Scope(municipality_id=user.municipality_id)
    return NOTHING


def batches_scope(user: Any) -> Scope:
    """Which import batches a user sees: all for those who see every municipality, operators their own."""
    role = role_of(user)
    if role in SEES_EVERY_MUNICIPALITY:
        return EVERYTHING
    if role == OPERATOR:
        return Scope(owner_id=user.pk)
    return NOTHING


def export_jobs_scope(user: Any) -> Scope:
    """Which background exports a user sees: staff all, everybody else signed in their own."""
    if can_view_every_export(user):
        return EVERYTHING
    if role_of(user) is None:
        return NOTHING
    return Scope(owner_id=user.pk)


def can_view_declarations_of(user: Any, municipality: Any) -> bool:
    """See one municipality's declarations, history and contacts."""
    return declarations_scope(user).includes(municipality_id=municipality.pk)


def can_change_declarations_of(user: Any, municipality: Any) -> bool:
    """Change one municipality's stages and contacts, or confirm them."""
    return editable_scope(user).includes(municipality_id=municipality.pk)


def can_view_municipality_index(user: Any, municipality: Any) -> bool:
    """One municipality's index, rank, targets and cases: whoever sees its declarations (officers: their own)."""
    return declarations_scope(user).includes(municipality_id=municipality.pk)


def can_verify_change(user: Any, adoption: Any) -> bool:
    """Verify or reject one declaration: staff, and never the person who set it (four eyes)."""
    if not can_verify_changes(user):
        return False
    return adoption.set_by_id is None or adoption.set_by_id != user.pk


@rule
def can_view_municipality_usage(user: Any, municipality: Any = None) -> bool:
    """See a municipality's usage charts and their CSV.

    Any reader, for any municipality: the overview already maps every municipality's use.
    """
    return can_view_dashboards(user)


def can_administer(user: Any, perm: str) -> bool:
    """A Django model permission such as `adoption.change_service` (asked by the admin)."""
    return can_use_admin(user)


# --- Recipients: who a task writes to ----------------------------------------------------------


def verifiers(users: _Q) -> _Q:
    """The active users who verify declarations (the reminder's ministry recipients)."""
    return users.filter(Q(role__in=sorted(STAFF)) | Q(is_superuser=True), is_active=True)


def officers(users: _Q) -> _Q:
    """Every active municipal officer (the monthly scorecard's automatic subscribers)."""
    return users.filter(role=OFFICER, is_active=True)


def declarers(users: _Q, municipality_ids: Any) -> _Q:
    """The active officers who keep these municipalities' declarations (the reminder's recipients)."""
    return users.filter(role=OFFICER, municipality_id__in=municipality_ids, is_active=True)
