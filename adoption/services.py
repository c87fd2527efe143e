"""Changing, confirming and verifying declared adoption, and the stage on a past date.

Every write goes through these functions, which check the user's rights, update the current
`Adoption` and append to the history in one transaction. Views, the API and commands call them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from municipalities.models import Municipality

from .choices import ChangeKind, Verification
from .models import Adoption, AdoptionChange, Service, Stage

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


@dataclass(frozen=True)
class ServiceStatus:
    """A municipality's standing for one service, for pages and the API."""

    service: Service
    stage: Stage
    adoption: Adoption | None

    @property
    def is_stale(self) -> bool:
        return self.adoption is not None and self.adoption.is_stale


def _require_comment(comment: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("A comment is required.")})
    return comment


def change_stage(
    user: User | AnonymousUser,
    municipality: Municipality,
    service: Service,
    stage: Stage,
    comment: str,
    evidence: str = "",
    since: date | None = None,
) -> Adoption:
    """Declare a new stage for a municipality and service.

    1. Check the user may edit this municipality (PermissionDenied otherwise).
    2. Validate: the stage belongs to the service, differs from the current one, a comment is
       given and `since` is neither in the future nor before the current stage's date.
    3. Update or create the declaration (unverified again) and append a history entry.
    """
    if not user.is_authenticated or not policy.can_change_declarations_of(user, municipality):
        raise PermissionDenied(_("You may not change the declarations of this municipality."))
    return _record_stage(user, municipality, service, stage, comment, evidence, since)


def _record_stage(
    user: User,
    municipality: Municipality,
    service: Service,
    stage: Stage,
    comment: str,
    evidence: str = "",
    since: date | None = None,
    now: datetime | None = None,
) -> Adoption:
    comment = _require_comment(comment)
    now = now or timezone.now()
    since = since or timezone.localdate(now)
    if stage.service_id != service.pk:
        raise ValidationError({"stage": _("This stage does not belong to the service.")})
    if since > timezone.localdate(now):
        raise ValidationError({"since": _("The date cannot be in the future.")})
    with transaction.atomic():
        adoption = Adoption.objects.select_for_update().filter(municipality=municipality, service=service).first()
        current = adoption.stage if adoption else service.first_stage()
        _check_step(adoption, current, stage, since)
        adoption = adoption or Adoption(municipality=municipality, service=service)
        _declare(adoption, stage, since, evidence.strip(), comment, user, now)
        AdoptionChange.objects.create(
            municipality=municipality,
            service=service,
            kind=ChangeKind.STAGE,
            from_stage=current,
            to_stage=stage,
            effective_date=since,
            evidence=adoption.evidence,
            comment=comment,
            user=user,
            created_at=now,
        )
    return adoption


def _check_step(adoption: Adoption | None, current: Stage, stage: Stage, since: date) -> None:
    """A change must move somewhere, and not to before the current stage's date."""
    if current.pk == stage.pk:
        raise ValidationError({"stage": _("The municipality is already at this stage.")})
    if adoption and since < adoption.since:
        message = _("The date cannot be before the current stage's date (%(date)s).") % {"date": adoption.since}
        raise ValidationError({"since": message})


def _declare(
    adoption: Adoption, stage: Stage, since: date, evidence: str, comment: str, user: User, now: datetime
) -> None:
    """Overwrite the current declaration (the history keeps the old one); unverified again."""
    adoption.stage, adoption.since, adoption.evidence, adoption.comment = stage, since, evidence, comment
    adoption.set_by, adoption.set_at, adoption.last_confirmed_at = user, now, now
    adoption.verification = Verification.UNVERIFIED
    adoption.verified_by, adoption.verified_at, adoption.verification_comment = None, None, ""
    adoption.save()


def confirm(user: User | AnonymousUser, adoption: Adoption, comment: str) -> Adoption:
    """Confirm that a declaration is still current, which clears its stale flag."""
    if not user.is_authenticated or not policy.can_change_declarations_of(user, adoption.municipality):
        raise PermissionDenied(_("You may not change the declarations of this municipality."))
    comment = _require_comment(comment)
    now = timezone.now()
    with transaction.atomic():
        Adoption.objects.filter(pk=adoption.pk).update(last_confirmed_at=now)
        adoption.last_confirmed_at = now
        _append_event(adoption, ChangeKind.CONFIRMED, user, comment, now)
    return adoption


def verify(user: User | AnonymousUser, adoption: Adoption, approve: bool, comment: str) -> Adoption:
    """Ministry staff verify (approve) or reject a declaration, with a comment; never their own (four eyes)."""
    if not user.is_authenticated or not policy.can_verify_changes(user):
        raise PermissionDenied(_("Only ministry staff verify declarations."))
    if not policy.can_verify_change(user, adoption):
        raise PermissionDenied(_("You set this stage yourself: another member of the ministry staff must verify it."))
    comment = _require_comment(comment)
    now = timezone.now()
    status = Verification.VERIFIED if approve else Verification.REJECTED
    with transaction.atomic():
        Adoption.objects.filter(pk=adoption.pk).update(
            verification=status, verified_by=user, verified_at=now, verification_comment=comment
        )
        adoption.verification, adoption.verified_by, adoption.verified_at = status, user, now
        adoption.verification_comment = comment
        kind = ChangeKind.VERIFIED if approve else ChangeKind.REJECTED
        _append_event(adoption, kind, user, comment, now)
    return adoption


def _append_event(adoption: Adoption, kind: str, user: User, comment: str, now: datetime) -> None:
    AdoptionChange.objects.create(
        municipality_id=adoption.municipality_id,
        service_id=adoption.service_id,
        kind=kind,
        from_stage=adoption.stage,
        to_stage=adoption.stage,
        effective_date=timezone.localdate(now),
        comment=comment,
        user=user,
        created_at=now,
    )


def services_with_stages() -> list[Service]:
    """All services with their stages prefetched (two queries)."""
    return list(Service.objects.prefetch_related(Prefetch("stages", queryset=Stage.objects.order_by("order", "id"))))


def statuses_for(municipality: Municipality) -> list[ServiceStatus]:
    """The current stage of each service for one municipality (three queries)."""
    services = services_with_stages()
    adoptions = {
        a.service_id: a
        for a in Adoption.objects.filter(municipality=municipality).select_related("stage", "set_by", "verified_by")
    }
    result = []
    for service in services:
        adoption = adoptions.get(service.pk)
        if adoption is not None:  # already loaded: the templates link through them without a query
            adoption.municipality, adoption.service = municipality, service
        stage = adoption.stage if adoption else service.first_stage()
        result.append(ServiceStatus(service=service, stage=stage, adoption=adoption))
    return result


def stage_on(municipality: Municipality, service: Service, on: date) -> Stage:
    """The stage the municipality was at for the service on the given date (end of that day)."""
    change = (
        AdoptionChange.objects.filter(
            municipality=municipality, service=service, kind=ChangeKind.STAGE, effective_date__lte=on
        )
        .select_related("to_stage")
        .order_by("-effective_date", "-id")
        .first()
    )
    return change.to_stage if change else service.first_stage()


def latest_stage_entries(on: date, service: Service | str | None = None) -> QuerySet[AdoptionChange]:
    """The latest stage entry per municipality × service on or before the date: the one home of "latest
    stage" (one windowed query; `stages_on`, the dashboards and `latest_stage_changes` read it)."""
    changes = AdoptionChange.objects.filter(kind=ChangeKind.STAGE, effective_date__lte=on)
    if service is not None:
        code = service if isinstance(service, str) else service.code
        changes = changes.filter(service__code=code)
    ranked = changes.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("municipality_id"), F("service_id")],
            order_by=[F("effective_date").desc(), F("id").desc()],
        )
    )
    return ranked.filter(rank=1)


def latest_stage_changes(on: date, service: Service | str | None = None) -> QuerySet[AdoptionChange]:
    """The latest stage entries as history entries, with their stage and service."""
    return latest_stage_entries(on, service).select_related("to_stage", "service")


def stage_entries_on(
    on: date, service: Service | str | None = None
) -> QuerySet[AdoptionChange, tuple[int, int, int, date]]:
    """(municipality id, service id, stage id, effective date) of the latest stage entry per pair, as
    plain tuples: building 1,600 model instances per date cost more than the query itself."""
    return latest_stage_entries(on, service).values_list(
        "municipality_id", "service_id", "to_stage_id", "effective_date"
    )


def stages_on(on: date, service: Service | str | None = None) -> dict[tuple[int, str], Stage]:
    """The stage of every municipality × service on the given date.

    Keys are (municipality id, service code); pairs with no stage entry by then are at the
    service's first stage. Four queries whatever the number of municipalities: the latest
    history entry per pair (one windowed query), the services, their stages, the municipality ids.
    """
    services = services_with_stages()
    if service is not None:
        code = service if isinstance(service, str) else service.code
        services = [s for s in services if s.code == code]
    result: dict[tuple[int, str], Stage] = {}
    firsts = {s.code: s.first_stage() for s in services}
    for municipality_id in Municipality.objects.values_list("id", flat=True):
        for code, first in firsts.items():
            if first is not None:
                result[(municipality_id, code)] = first
    codes = {s.pk: s.code for s in services}
    stages = {stage.pk: stage for s in services for stage in s.stages.all()}
    for municipality_id, service_id, stage_id, _effective in stage_entries_on(on, service):
        result[(municipality_id, codes[service_id])] = stages[stage_id]
    return result
