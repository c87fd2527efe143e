"""Shared setup of the open-data tests: declarations in every verification state, private canaries,
usage, and two editions. Any canary found in a public payload is a leak."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache, caches

from accounts.choices import Role
from adoption import services
from adoption.models import MunicipalityContact
from opendata.editions import Quarter, issue_edition
from tests.adoption_helpers import municipality, service, stage
from tests.dashboard_helpers import PERSON, days, load_regix

# Values that exist in the database but must never reach the public.
CANARIES = [
    "CANARY-OFFICER-COMMENT",
    "CANARY-VERIFY-COMMENT",
    "CANARY-REJECT-COMMENT",
    "CANARY-EVIDENCE",
    "canary.person@example.org",
    "+359 888 000 111",
    "Canary Responsible Person",
    "officer_varna",
    "officer_avren",
]
TODAY = date(2019, 8, 15)


@pytest.fixture(autouse=True)
def clean_cache():
    for each in (cache, caches["process"]):
        each.clear()
    yield
    for each in (cache, caches["process"]):
        each.clear()


@pytest.fixture
def declarations(db, ministry_user, officer_varna, officer_other, django_user_model):
    """VAR06 RegiX verified; VAR01 RegiX verified then suspended unverified; SOF46 SEOS rejected.

    A second ministry user sets the ministry's own declarations: nobody verifies what they set (four eyes)."""
    colleague = django_user_model.objects.create_user(
        username="ministry_colleague", password="secret-pass-123-long", role=Role.MINISTRY
    )
    regix, seos = service("regix"), service("seos")
    var06, var01 = municipality("VAR06"), municipality("VAR01")
    adoption = services.change_stage(
        officer_varna,
        var06,
        regix,
        stage("regix", "production"),
        "CANARY-OFFICER-COMMENT",
        evidence="CANARY-EVIDENCE",
        since=date(2018, 3, 1),
    )
    services.verify(ministry_user, adoption, True, "CANARY-VERIFY-COMMENT")
    first = services.change_stage(
        colleague, var01, regix, stage("regix", "production"), "CANARY-OFFICER-COMMENT", since=date(2018, 1, 10)
    )
    services.verify(ministry_user, first, True, "CANARY-VERIFY-COMMENT")
    services.change_stage(
        officer_other, var01, regix, stage("regix", "suspended"), "CANARY-OFFICER-COMMENT", since=date(2019, 5, 1)
    )
    rejected = services.change_stage(
        colleague,
        municipality("SOF46"),
        seos,
        stage("seos", "real"),
        "CANARY-OFFICER-COMMENT",
        since=date(2018, 1, 10),
    )
    services.verify(ministry_user, rejected, False, "CANARY-REJECT-COMMENT")
    MunicipalityContact.objects.create(
        municipality=var06,
        responsible_person="Canary Responsible Person",
        phone="+359 888 000 111",
        email="canary.person@example.org",
        address="CANARY-EVIDENCE street",
    )
    load_regix([(d, "VAR06", PERSON, 10) for d in days(date(2018, 3, 1), date(2019, 6, 30), 7)])


@pytest.fixture
def editions(declarations):
    """2019-q1 (figures on 31.12.2018) and 2019-q3 (figures on 30.06.2019)."""
    first = issue_edition(Quarter(2019, 1), today=TODAY)
    second = issue_edition(Quarter(2019, 3), today=TODAY)
    return first, second
