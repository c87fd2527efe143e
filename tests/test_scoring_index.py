"""The adoption index: exact figures under the first method, verified stages only, observed use,
method versions, incomplete weights refused, and the query-count guard."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from adoption import services as adoption_services
from adoption.services import services_with_stages
from scoring.index import index_on, index_series
from scoring.models import IndexMethod, ServiceWeight
from scoring.services import MethodInput, default_input, new_method

from .adoption_helpers import history, stage
from .dashboard_helpers import PERSON, days, load_regix
from .scoring_helpers import verified

pytestmark = pytest.mark.django_db

# The first method: SEOS 3, RegiX 3, eDelivery 2, eAuth 1, ePayment 1, backup 1 = 11.


def test_a_verified_real_seos_participant_scores_three_elevenths():
    verified("VAR06", "seos", [(date(2017, 1, 10), "applied"), (date(2017, 6, 1), "test"), (date(2018, 1, 1), "real")])
    table = index_on(date(2018, 6, 1))
    row = table.row("VAR06")
    assert row.index == Decimal("27.3")  # 100 × 3 × 1 / 11
    assert row.band == "low"
    assert row.services["seos"].stage.code == "real"
    assert table.method_version == 1
    # On an earlier date the stage then in force counts: "test" is worth 0.67.
    assert index_on(date(2017, 7, 1)).row("VAR06").index == Decimal("18.3")  # 100 × 3 × 0.67 / 11
    assert index_on(date(2016, 12, 31)).row("VAR06").index == Decimal("0.0")


def test_a_declaration_awaiting_verification_does_not_count_but_the_verified_path_before_it_does(ministry_user):
    history("VAR01", "seos", [(date(2017, 1, 10), "applied"), (date(2018, 1, 1), "real")])  # unverified
    adoption = history("VAR02", "seos", [(date(2017, 1, 10), "applied"), (date(2017, 6, 1), "test")])
    adoption_services.verify(ministry_user, adoption, approve=True, comment="проверено")
    adoption_services.change_stage(
        ministry_user,
        adoption.municipality,
        adoption.service,
        stage("seos", "real"),
        "нов етап",
        since=date(2018, 1, 1),
    )
    table = index_on(date(2018, 6, 1))
    assert table.row("VAR01").index == Decimal("0.0")
    assert table.row("VAR02").index == Decimal("18.3")  # still "test": "real" awaits verification
    assert table.row("VAR02").services["seos"].stage.code == "test"


def test_a_verified_stage_without_observed_use_keeps_half_its_worth():
    verified("VAR06", "regix", [(date(2018, 1, 1), "production")])
    verified("VAR02", "regix", [(date(2018, 1, 1), "production")])
    load_regix((day, "VAR06", PERSON, 5) for day in days(date(2018, 3, 1), date(2018, 5, 31)))
    table = index_on(date(2018, 5, 31))
    assert table.row("VAR06").index == Decimal("27.3")  # used: 100 × 3 × 1 / 11
    assert table.row("VAR02").index == Decimal("13.6")  # not used: 100 × 3 × 1 × 0.5 / 11
    assert table.row("VAR02").services["regix"].observed is False
    # Before any usage report, nobody is penalised for not being seen.
    assert index_on(date(2018, 1, 31)).row("VAR02").index == Decimal("27.3")


def test_the_province_and_the_country_are_the_mean_of_their_municipalities():
    verified("VAR06", "seos", [(date(2018, 1, 1), "real")])
    table = index_on(date(2018, 6, 1))
    varna = next(p for p in table.provinces if p.code == "VAR")
    assert varna.municipalities == 12
    assert varna.index == Decimal("2.3")  # 27.27… / 12, rounded from the municipalities' 27.3
    assert table.national.municipalities == 265
    assert table.national.index == Decimal("0.1")  # 27.3 / 265


def test_a_new_method_version_changes_the_figures_and_says_so():
    verified("VAR06", "seos", [(date(2018, 1, 1), "real")])
    services = services_with_stages()
    given = default_input(services)
    weights = dict(given.services)
    weights["seos"] = (Decimal(8), Decimal("0.5"))  # SEOS now 8 of 16
    method = new_method(MethodInput(weights, given.stages), services, note="SEOS counts more")
    assert method.version == 2
    table = index_on(date(2018, 6, 1))
    assert table.method_version == 2
    assert table.row("VAR06").index == Decimal("50.0")
    assert index_on(date(2018, 6, 1), method=1).row("VAR06").index == Decimal("27.3")


def test_weights_missing_a_stage_or_a_service_are_refused_and_nothing_is_saved():
    services = services_with_stages()
    given = default_input(services)
    stages = dict(given.stages)
    del stages[("seos", "suspended")]
    weights = dict(given.services)
    del weights["regix"]
    with pytest.raises(ValidationError) as error:
        new_method(MethodInput(weights, stages), services)
    messages = " ".join(error.value.messages)
    assert "RegiX" in messages
    assert "Спряна" in messages
    assert IndexMethod.objects.count() == 1
    assert ServiceWeight.objects.filter(method__version=2).count() == 0


def test_the_index_of_every_municipality_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    verified("VAR06", "seos", [(date(2018, 1, 1), "real")])
    with django_assert_max_num_queries(11):
        index_on(date(2018, 6, 1))
    with django_assert_max_num_queries(11):
        tables = index_series([date(2018, 1, 1), date(2018, 6, 1), date(2019, 1, 1)])
    assert [t.row("VAR06").index for t in tables.values()] == [Decimal("27.3")] * 3
