"""The weekly reminder: officers hear about their municipality's stale or rejected declarations,
ministry staff get a national summary."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts import policy

from .choices import Verification
from .models import Adoption, stale_cutoff


@dataclass
class ReminderResult:
    officer_emails: int = 0
    ministry_emails: int = 0
    municipalities: list[str] = field(default_factory=list)


def entries_needing_attention(now: datetime | None = None) -> QuerySet[Adoption]:
    """Declarations that are stale or were rejected, with what the e-mails show."""
    return (
        Adoption.objects.filter(Q(last_confirmed_at__lt=stale_cutoff(now)) | Q(verification=Verification.REJECTED))
        .select_related("municipality", "service", "stage")
        .defer("municipality__boundary")
        .order_by("municipality__name_bg", "municipality__code", "service__order")
    )


def send_reminders(now: datetime | None = None) -> ReminderResult:
    """1. Group the stale or rejected declarations by municipality.
    2. E-mail each active officer (with an address) of those municipalities, in Bulgarian.
    3. E-mail active ministry staff one summary, if there is anything to report.
    """
    now = now or timezone.now()
    cutoff = stale_cutoff(now)
    by_municipality: dict[int, list[Adoption]] = defaultdict(list)
    stale_ids: set[int] = set()  # the e-mails' templates mark these entries as stale
    for adoption in entries_needing_attention(now):
        if adoption.last_confirmed_at < cutoff:
            stale_ids.add(adoption.pk)
        by_municipality[adoption.municipality_id].append(adoption)
    result = ReminderResult()
    if not by_municipality:
        return result
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    officers = policy.declarers(users, by_municipality.keys())
    context = {"days": settings.ADOPTION_STALE_AFTER_DAYS, "site_url": settings.SITE_URL, "stale_ids": stale_ids}
    with translation.override("bg"):
        for officer in officers:
            if officer.municipality_id is None:  # never: declarers() are these municipalities' officers
                continue
            entries = by_municipality[officer.municipality_id]
            _send(officer.email, "adoption/email/officer_reminder", {**context, "user": officer, "entries": entries})
            result.officer_emails += 1
        groups = [entries for entries in by_municipality.values()]
        ministry = policy.verifiers(users)
        summary = {**context, "groups": groups, "stale": len(stale_ids)}
        summary["rejected"] = sum(1 for g in groups for a in g if a.verification == Verification.REJECTED)
        for person in ministry:
            _send(person.email, "adoption/email/ministry_summary", {**summary, "user": person})
            result.ministry_emails += 1
    result.municipalities = sorted(entries[0].municipality.code for entries in by_municipality.values())
    return result


def _send(address: str, template: str, context: dict[str, Any]) -> None:
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    body = render_to_string(f"{template}.txt", context)
    send_mail(subject, body, None, [address])
