"""Which declared stages count: the one rule for the adoption index and the open site.

A stage entry of the history counts from its effective date unless ministry staff rejected it, once a
verification vouches for it: its own (a "verified" entry before the pair's next stage entry), a later
one (a verified stage vouches for the path to it: the stages an officer declared on the way, which
nobody decided on one by one), or the pair's current declaration being verified (declarations
recorded before the history kept verifications, such as the demo's, carry only that). A rejected
entry never counts, nor does anything after the last verification while it awaits one: on such
days the last counting stage before it applies, or the service's first stage when there is none.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .choices import ChangeKind, Verification
from .models import Adoption, AdoptionChange

# Above any history entry's id: "no next stage entry" in the comparisons below.
_BEYOND_ANY_ID = 2**62


def counting_stage_entries(day: date | None = None) -> QuerySet[AdoptionChange]:
    """The stage entries that count (see the module), as one query; with `day`, only the latest counting
    entry per (municipality, service) in effect on or before it."""
    pair = {"municipality_id": OuterRef("municipality_id"), "service_id": OuterRef("service_id")}
    next_stage = (
        AdoptionChange.objects.filter(kind=ChangeKind.STAGE, id__gt=OuterRef("id"), **pair).order_by("id").values("id")
    )
    own_decision = (
        AdoptionChange.objects.filter(
            kind__in=[ChangeKind.VERIFIED, ChangeKind.REJECTED],
            id__gt=OuterRef("id"),
            id__lt=Coalesce(OuterRef("next_stage"), Value(_BEYOND_ANY_ID)),
            **pair,
        )
        .order_by("-id")
        .values("kind")
    )
    last_verification = AdoptionChange.objects.filter(kind=ChangeKind.VERIFIED, **pair).order_by("-id").values("id")
    verified_now = Adoption.objects.filter(verification=Verification.VERIFIED, **pair)
    entries = (
        AdoptionChange.objects.filter(kind=ChangeKind.STAGE)
        .annotate(
            next_stage=Subquery(next_stage[:1]),
            own_decision=Subquery(own_decision[:1]),
            last_verification=Subquery(last_verification[:1]),
        )
        # The cheap, hashed test first: PostgreSQL then runs the per-row subquery only for pairs
        # whose current declaration is not verified (it evaluates an OR's arms in order).
        .filter(Exists(verified_now) | Q(last_verification__gt=F("id")))
        .filter(Q(own_decision__isnull=True) | Q(own_decision=ChangeKind.VERIFIED))  # never a rejected one
    )
    if day is None:
        return entries
    return (
        entries.filter(effective_date__lte=day)
        .order_by("municipality_id", "service_id", "-effective_date", "-id")
        .distinct("municipality_id", "service_id")
    )
