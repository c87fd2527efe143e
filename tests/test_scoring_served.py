"""The index as served: kept in the shared cache per data and scoring version, warmed with the
dashboards, and computed from the history and the rollups in a fixed, small number of queries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from adoption import services as adoption_services
from scoring.index import index_on
from scoring.served import served_index

from .adoption_helpers import history, stage
from .dashboard_helpers import PERSON, days, load_regix
from .scoring_helpers import verified

pytestmark = pytest.mark.django_db

DAY = date(2018, 6, 1)


@pytest.fixture(autouse=True)
def empty_cache(settings):
    settings.DASHBOARD_CACHE_SECONDS = 300
    cache.clear()  # keys hold the data version; rolled-back tests could meet one again


def test_the_index_of_all_265_comes_from_the_history_and_the_rollups_in_nine_queries(
    django_assert_max_num_queries,
):
    """The method (3), services and stages (2), the municipalities (1), the history in force (1) and
    one rollup query per reported service (2), whatever the number of municipalities or entries."""
    verified("VAR06", "regix", [(date(2018, 1, 1), "production")])
    verified("VAR02", "seos", [(date(2018, 1, 1), "real")])
    load_regix((day, "VAR06", PERSON, 5) for day in days(date(2018, 3, 1), date(2018, 5, 31)))
    with django_assert_max_num_queries(9):
        table = index_on(DAY)
    assert len(table.rows) == 265


def test_the_served_index_is_computed_once_per_data_version(django_assert_max_num_queries):
    verified("VAR06", "seos", [(date(2018, 1, 1), "real")])
    first = served_index(DAY)
    # Again: the data version and the scoring version (one query each), then the shared cache.
    with django_assert_max_num_queries(2):
        again = served_index(DAY)
    assert again.row("VAR06").index == first.row("VAR06").index == Decimal("27.3")


def test_a_verification_shows_at_once_in_the_served_index(ministry_user):
    adoption = history("VAR02", "seos", [(date(2017, 1, 10), "applied"), (date(2017, 6, 1), "test")])
    assert served_index(DAY).row("VAR02").index == Decimal("0.0")  # awaiting verification
    adoption_services.verify(ministry_user, adoption, approve=True, comment="проверено")
    assert served_index(DAY).row("VAR02").index == Decimal("18.3")
    adoption_services.change_stage(
        ministry_user, adoption.municipality, adoption.service, stage("seos", "real"), "нов етап", since=DAY
    )
    assert served_index(DAY).row("VAR02").services["seos"].stage.code == "test"  # "real" awaits verification


def test_an_import_shows_at_once_in_the_served_index():
    verified("VAR02", "regix", [(date(2018, 1, 1), "production")])
    verified("VAR06", "regix", [(date(2018, 1, 1), "production")])
    load_regix([(date(2018, 5, 2), "VAR06", PERSON, 5)], name="may.csv")
    assert served_index(DAY).row("VAR02").index == Decimal("13.6")  # not seen while VAR06 is
    load_regix([(date(2018, 5, 3), "VAR02", PERSON, 5)], name="late.csv")
    assert served_index(DAY).row("VAR02").index == Decimal("27.3")


def test_each_language_gets_its_own_names():
    with translation.override("en"):
        assert served_index(DAY).row("SOF46").name == "Stolichna"
    with translation.override("bg"):
        assert served_index(DAY).row("SOF46").name == "Столична"


def test_warming_the_dashboards_computes_todays_index_before_anyone_asks(django_assert_max_num_queries):
    from dashboards import warm

    verified("VAR06", "seos", [(timezone.localdate() - timedelta(days=30), "real")])
    warm.warm()
    for language in ("bg", "en"):
        with translation.override(language), django_assert_max_num_queries(2):
            table = served_index(timezone.localdate())
        assert table.row("VAR06").index == Decimal("27.3")
