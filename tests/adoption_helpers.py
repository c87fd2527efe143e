"""Helpers for the adoption tests: services, stages and hand-made histories (rows from tests/factories.py)."""

from __future__ import annotations

from datetime import date, datetime

from adoption.models import Adoption, Service, Stage
from municipalities.models import Municipality
from tests.factories import AdoptionChangeFactory, AdoptionFactory, noon


def service(code: str) -> Service:
    return Service.objects.get(code=code)


def stage(service_code: str, stage_code: str) -> Stage:
    return Stage.objects.get(service__code=service_code, code=stage_code)


def municipality(code: str) -> Municipality:
    return Municipality.objects.get(code=code)


def at(day: date) -> datetime:
    return noon(day)


def history(municipality_code: str, service_code: str, steps: list[tuple[date, str]]) -> Adoption:
    """Write a history (dates and stage codes, in order) and the matching current declaration."""
    m, s = municipality(municipality_code), service(service_code)
    previous = s.first_stage()
    for day, code in steps:
        to = stage(service_code, code)
        AdoptionChangeFactory(municipality=m, service=s, from_stage=previous, to_stage=to, effective_date=day)
        previous = to
    return AdoptionFactory(municipality=m, service=s, stage=previous, since=steps[-1][0])
