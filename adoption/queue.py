"""The ministry's verification work list: the stage each declaration replaces, and decisions in bulk."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse

from . import services
from .choices import ChangeKind
from .models import Adoption, AdoptionChange

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def with_replaced_stage(adoptions: QuerySet[Adoption]) -> QuerySet[Adoption]:
    """Annotate each declaration with the names of the stage its latest stage change replaced."""
    latest = AdoptionChange.objects.filter(
        municipality=OuterRef("municipality"), service=OuterRef("service"), kind=ChangeKind.STAGE
    ).order_by("-created_at", "-id")
    return adoptions.annotate(
        replaced_stage_bg=Subquery(latest.values("from_stage__name_bg")[:1]),
        replaced_stage_en=Subquery(latest.values("from_stage__name_en")[:1]),
    )


def decide(user: User | AnonymousUser, adoptions: list[Adoption], approve: bool, comment: str) -> int:
    """Verify or reject every given declaration with one comment, all or none; returns how many."""
    with transaction.atomic():
        for adoption in adoptions:
            services.verify(user, adoption, approve, comment)
    return len(adoptions)


def back_to_list(query: str) -> str:
    """The queue's URL with the list's own query string (filters, sort, page), rebuilt, never echoed."""
    allowed = {"province", "service", "sort", "page"}
    params = [(key, value) for key, value in parse_qsl(query) if key in allowed]
    url = reverse("adoption:pending")
    return f"{url}?{urlencode(params)}" if params else url
