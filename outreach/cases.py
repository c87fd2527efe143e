"""The outreach log's rules: closing a case by itself when the agreed stage is verified, by hand with
a reason, the follow-up reminder to the owner, and the effect of outreach against uncontacted peers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import policy
from dashboards.snapshots import all_services
from scoring.index import VerifiedHistory, index_series, tenth
from scoring.targets import counting_stages

from .choices import CaseStatus
from .models import Case

EFFECT_DAYS = 90


def close_case(user, case: Case, reason: str) -> Case:
    """Close by hand: ministry staff only, with a reason."""
    if not policy.can_manage_outreach(user):
        raise PermissionDenied(_("Only ministry staff close cases."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"close_reason": _("Say why the case is closed.")})
    updated = Case.objects.filter(pk=case.pk, status=CaseStatus.OPEN).update(
        status=CaseStatus.CLOSED, closed_on=timezone.localdate(), close_reason=reason
    )
    if not updated:
        raise ValidationError(_("This case is already closed."))
    case.refresh_from_db()
    return case


def close_reached(today: date | None = None) -> list[int]:
    """Close every open case whose agreed stage (or a later one that counts) is now verified."""
    today = today or timezone.localdate()
    cases = list(
        Case.objects.open().filter(agreed_stage__isnull=False).select_related("agreed_stage__service", "service")
    )
    if not cases:
        return []
    history = VerifiedHistory(all_services(), today)
    closed = []
    for case in cases:
        stage = history.stage_on(case.municipality_id, case.agreed_stage.service.code, today)
        if stage is not None and stage.id in counting_stages(case.agreed_stage):
            with transaction.atomic():
                done = Case.objects.filter(pk=case.pk, status=CaseStatus.OPEN).update(
                    status=CaseStatus.CLOSED,
                    closed_on=today,
                    closed_automatically=True,
                    close_reason=_("The agreed stage “%(stage)s” is verified.") % {"stage": stage.name_bg},
                )
            if done:
                closed.append(case.pk)
    return closed


def send_follow_ups(today: date | None = None) -> int:
    """E-mail each owner of an open case due today or earlier once (`reminded_on` records it)."""
    today = today or timezone.localdate()
    due = (
        Case.objects.open()
        .filter(follow_up_on__lte=today, reminded_on__isnull=True)
        .select_related("owner", "municipality")
    )
    sent = 0
    for case in due:
        if not Case.objects.filter(pk=case.pk, reminded_on__isnull=True).update(reminded_on=today):
            continue  # another worker took it
        if not case.owner.email:
            continue
        with translation.override("bg"):
            context = {"case": case, "site_url": settings.SITE_URL}
            send_mail(
                _("Follow-up due: %(municipality)s") % {"municipality": case.municipality.name_bg},
                render_to_string("outreach/email/follow_up.txt", context),
                None,
                [case.owner.email],
            )
        sent += 1
    return sent


@dataclass(frozen=True)
class EffectRow:
    case_id: int
    municipality: str
    code: str
    contacted_on: date
    until: date
    index_before: Decimal
    index_after: Decimal
    adopted_before: int
    adopted_after: int
    peers: int
    peers_index_change: Decimal | None
    peers_adopted_change: Decimal | None

    @property
    def index_change(self) -> Decimal:
        return self.index_after - self.index_before

    @property
    def adopted_change(self) -> int:
        return self.adopted_after - self.adopted_before


@dataclass(frozen=True)
class Effect:
    as_of: date
    days: int
    rows: list[EffectRow]

    def _mean(self, values: list) -> Decimal | None:
        values = [v for v in values if v is not None]
        return tenth(Decimal(sum(values)) / len(values)) if values else None

    @property
    def contacted_index_change(self) -> Decimal | None:
        return self._mean([r.index_change for r in self.rows])

    @property
    def peers_index_change(self) -> Decimal | None:
        return self._mean([r.peers_index_change for r in self.rows])

    @property
    def contacted_adopted_change(self) -> Decimal | None:
        return self._mean([r.adopted_change for r in self.rows])

    @property
    def peers_adopted_change(self) -> Decimal | None:
        return self._mean([r.peers_adopted_change for r in self.rows])


def outreach_effect(as_of: date, days: int = EFFECT_DAYS) -> Effect:
    """Each municipality's first contact: its index and adopted services at contact and `days` later
    (or on `as_of` if sooner), beside the same change for the uncontacted municipalities of its
    population band (none of their cases opened by the end of the period). One read of the inputs."""
    first: dict[int, Case] = {}
    for case in (
        Case.objects.filter(contacted_on__lte=as_of).select_related("municipality").order_by("contacted_on", "id")
    ):
        first.setdefault(case.municipality_id, case)
    if not first:
        return Effect(as_of, days, [])
    spans = {m: (c.contacted_on, min(c.contacted_on + timedelta(days=days), as_of)) for m, c in first.items()}
    tables = index_series([d for span in spans.values() for d in span])
    contacted_by = {m: c.contacted_on for m, c in first.items()}
    rows = []
    for municipality_id, case in first.items():
        start, end = spans[municipality_id]
        before, after = tables[start], tables[end]
        row_before = next(r for r in before.rows if r.id == municipality_id)
        row_after = next(r for r in after.rows if r.id == municipality_id)
        peer_ids = [
            r.id
            for r in before.rows
            if r.population_band == row_before.population_band and contacted_by.get(r.id, date.max) > end
        ]
        by_id_before = {r.id: r for r in before.rows}
        by_id_after = {r.id: r for r in after.rows}
        index_changes = [by_id_after[i].index - by_id_before[i].index for i in peer_ids]
        adopted_changes = [by_id_after[i].adopted_count - by_id_before[i].adopted_count for i in peer_ids]
        rows.append(
            EffectRow(
                case_id=case.pk,
                municipality=case.municipality.name,
                code=case.municipality.code,
                contacted_on=start,
                until=end,
                index_before=row_before.index,
                index_after=row_after.index,
                adopted_before=row_before.adopted_count,
                adopted_after=row_after.adopted_count,
                peers=len(peer_ids),
                peers_index_change=tenth(sum(index_changes, Decimal(0)) / len(peer_ids)) if peer_ids else None,
                peers_adopted_change=tenth(Decimal(sum(adopted_changes)) / len(peer_ids)) if peer_ids else None,
            )
        )
    return Effect(as_of, days, rows)
