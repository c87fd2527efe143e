"""Aggregations for the dashboards, as typed functions returning dataclasses."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum

from municipalities.models import Municipality, Province


@dataclass(frozen=True)
class NationalFigures:
    provinces: int
    municipalities: int
    population: int


def national_figures() -> NationalFigures:
    """The country at a glance, from two aggregate queries."""
    totals = Municipality.objects.aggregate(count=Count("id"), population=Sum("population"))
    return NationalFigures(
        provinces=Province.objects.count(),
        municipalities=totals["count"],
        population=totals["population"] or 0,
    )
