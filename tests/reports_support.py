"""Monthly rollups and observed adoption for the report tests, written straight to the tables
(rows from tests/factories.py).

The import maintains these rows in production; the report tests only need known figures.
"""

from __future__ import annotations

from datetime import date

from catalog.models import QueryType
from municipalities.models import Municipality
from tests.factories import ObservedAdoptionFactory, RegixMonthlyUsageFactory, SeosMonthlyUsageFactory
from usage.models import ObservedAdoption, RegixMonthlyUsage, SeosMonthlyUsage


def query_types(count: int = 3) -> list[QueryType]:
    """`count` query types of two different registers (the real catalogue is in the test database)."""
    registers = list(QueryType.objects.order_by("register__code").values_list("register_id", flat=True).distinct()[:2])
    first = list(QueryType.objects.filter(register_id=registers[0]).order_by("operation")[: count - 1])
    second = list(QueryType.objects.filter(register_id=registers[1]).order_by("operation")[:1])
    return [*first, *second]


def regix(code: str, query_type: QueryType, month: date, requests: int, errors: int = 0) -> RegixMonthlyUsage:
    return RegixMonthlyUsageFactory(
        municipality=Municipality.objects.get(code=code),
        query_type=query_type,
        month=month,
        requests=requests,
        errors=errors,
    )


def seos(code: str, month: date, sent: int, received: int) -> SeosMonthlyUsage:
    return SeosMonthlyUsageFactory(
        municipality=Municipality.objects.get(code=code), month=month, sent=sent, received=received
    )


def observed(code: str, service: str, first: date, last: date) -> ObservedAdoption:
    return ObservedAdoptionFactory(
        municipality=Municipality.objects.get(code=code), service_id=service, first_day=first, last_day=last
    )
