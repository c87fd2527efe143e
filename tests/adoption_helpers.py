"""Helpers for the adoption tests: services, stages and hand-made histories."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from adoption.choices import ChangeKind
from adoption.models import Adoption, AdoptionChange, Service, Stage
from municipalities.models import Municipality


def service(code: str) -> Service:
    return Service.objects.get(code=code)


def stage(service_code: str, stage_code: str) -> Stage:
    return Stage.objects.get(service__code=service_code, code=stage_code)


def municipality(code: str) -> Municipality:
    return Municipality.objects.get(code=code)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def history(municipality_code: str, service_code: str, steps: list[tuple[date, str]]) -> Adoption:
    """Write a history (dates and stage codes, in order) and the matching current declaration."""
    m, s = municipality(municipality_code), service(service_code)
    previous = s.first_stage()
    for day, code in steps:
        to = stage(service_code, code)
        AdoptionChange.objects.create(
            municipality=m,
            service=s,
            kind=ChangeKind.STAGE,
            from_stage=previous,
            to_stage=to,
            effective_date=day,
            comment="test",
            created_at=at(day),
        )
        previous = to
    last = steps[-1][0]
    return Adoption.objects.create(
        municipality=m, service=s, stage=previous, since=last, set_at=at(last), last_confirmed_at=at(last)
    )
