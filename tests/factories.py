"""factory_boy factories: every model row a test builds by hand is built here.

Reference rows (municipalities, registers, query types, services and their stages) come from the real
reference data the session imports (tests/conftest.py), so the factories look them up by code
(`municipality="VAR06"`, `service="regix"`) rather than inventing them. Usage files and declarations
that a test means to exercise go through the real import and services instead
(tests/dashboard_helpers.py, tests/usage_support.py, adoption.services).
"""

from __future__ import annotations

from datetime import date, datetime, time

import factory
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from adoption.choices import ChangeKind
from adoption.models import Adoption, AdoptionChange, Service
from municipalities.models import Municipality
from usage.models import ObservedAdoption, RegixMonthlyUsage, SeosMonthlyUsage

PASSWORD = "secret-pass-123"


def noon(day: date) -> datetime:
    """Midday of a date in the portal's time zone: history entries' `created_at`."""
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


class UserFactory(factory.django.DjangoModelFactory):
    """A portal user; officers need `municipality` (a code or an instance)."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        exclude = ("municipality_code",)

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.ANALYST
    municipality_code = None
    municipality = factory.LazyAttribute(
        lambda o: Municipality.objects.get(code=o.municipality_code) if o.municipality_code else None
    )
    password = factory.django.Password(PASSWORD)


class AdoptionChangeFactory(factory.django.DjangoModelFactory):
    """One history entry; a stage change by default (`kind`)."""

    class Meta:
        model = AdoptionChange

    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="VAR06"))
    service = factory.LazyFunction(lambda: Service.objects.get(code="regix"))
    kind = ChangeKind.STAGE
    from_stage = factory.LazyAttribute(lambda o: o.service.first_stage())
    to_stage = factory.LazyAttribute(lambda o: o.service.first_stage())
    effective_date = factory.LazyFunction(timezone.localdate)
    comment = "test"
    created_at = factory.LazyAttribute(lambda o: noon(o.effective_date))


class AdoptionFactory(factory.django.DjangoModelFactory):
    """A current declaration; `since` also sets when it was set and last confirmed."""

    class Meta:
        model = Adoption

    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="VAR06"))
    service = factory.LazyFunction(lambda: Service.objects.get(code="regix"))
    stage = factory.LazyAttribute(lambda o: o.service.first_stage())
    since = factory.LazyFunction(timezone.localdate)
    set_at = factory.LazyAttribute(lambda o: noon(o.since))
    last_confirmed_at = factory.LazyAttribute(lambda o: noon(o.since))


class RegixMonthlyUsageFactory(factory.django.DjangoModelFactory):
    """A month of RegiX use of one query type, active on the month's first day only."""

    class Meta:
        model = RegixMonthlyUsage

    requests = 1
    errors = 0
    active_days = 1
    first_day = factory.SelfAttribute("month")
    last_day = factory.SelfAttribute("month")


class SeosMonthlyUsageFactory(factory.django.DjangoModelFactory):
    """A month of SEOS documents, active on the month's first day only."""

    class Meta:
        model = SeosMonthlyUsage

    sent = 0
    received = 0
    active_days = 1
    first_day = factory.SelfAttribute("month")
    last_day = factory.SelfAttribute("month")


class ObservedAdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ObservedAdoption
