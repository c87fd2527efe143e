"""The dashboards' query functions on hand-made histories and usage loaded through the real import."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from dashboards.queries import (
    MunicipalityFilter,
    adoption_summary,
    filter_rows,
    import_freshness,
    municipality_table,
    province_table,
)
from dashboards.snapshots import Window, observed_sets
from dashboards.trends import adoption_trend, discrepancies, monthly_volumes, top_usage
from municipalities.models import Municipality
from tests.adoption_helpers import history
from tests.dashboard_helpers import MARRIAGE, PERSON, days, load_regix, load_seos
from usage.models import ImportBatch

AS_OF = date(2018, 8, 31)  # the window of 90 days is 2018-06-03 … 2018-08-31


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    from django.core.cache import cache

    cache.clear()  # the trends' cache is keyed by data version; rolled-back tests could reuse one
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DASHBOARD_OBSERVED_WINDOW_DAYS = 90


@pytest.fixture
def scenario(db):
    """Варна uses both; Аврен declares both but stopped; Столична uses RegiX undeclared; Пловдив is new."""
    history("VAR06", "regix", [(date(2018, 1, 5), "access_requested"), (date(2018, 3, 1), "production")])
    history("VAR01", "regix", [(date(2017, 12, 1), "access_granted"), (date(2018, 1, 10), "production")])
    history("SOF46", "regix", [(date(2018, 2, 1), "access_granted")])
    history("PDV22", "regix", [(date(2018, 8, 15), "production")])
    history("VAR06", "seos", [(date(2017, 10, 1), "real")])
    history("VAR01", "seos", [(date(2017, 11, 1), "real")])
    load_regix(
        [(d, "VAR06", PERSON, 10) for d in days(date(2018, 3, 1), date(2018, 8, 31), 7)]
        + [(d, "VAR06", MARRIAGE, 3) for d in days(date(2018, 7, 2), date(2018, 8, 31), 14)]
        + [(d, "VAR01", PERSON, 5) for d in days(date(2018, 1, 10), date(2018, 5, 20), 10)]
        + [(date(2018, 7, 15), "SOF46", PERSON, 40)]
        + [(d, "PDV22", PERSON, 7) for d in days(date(2018, 8, 20), date(2018, 8, 31))]
    )
    load_seos([(d, "VAR06", 2, 3) for d in days(date(2017, 10, 2), date(2018, 8, 30), 3)])


def ids(*codes: str) -> set[int]:
    return set(Municipality.objects.filter(code__in=codes).values_list("id", flat=True))


def by_code(summary, code):
    return next(s for s in summary.services if s.code == code)


def test_the_summary_counts_declared_and_observed_side_by_side(scenario):
    summary = adoption_summary(AS_OF)
    regix, seos = by_code(summary, "regix"), by_code(summary, "seos")
    assert summary.municipalities == 265
    assert (regix.declared.now, regix.observed.now) == (3, 3)  # Варна, Аврен, Пловдив / Варна, Столична, Пловдив
    assert (seos.declared.now, seos.observed.now) == (2, 1)
    assert by_code(summary, "eauth").observed is None
    assert by_code(summary, "eauth").declared.now == 0
    assert summary.both_declared.now == 2  # Варна, Аврен
    assert summary.both_observed.now == 1  # Варна
    assert summary.neither_observed.now == 265 - 3
    assert summary.neither_declared.now == 265 - 3


def test_the_summary_compares_with_30_days_and_a_year_before(scenario):
    summary = adoption_summary(AS_OF)
    regix = by_code(summary, "regix")
    assert (summary.month_ago, summary.year_ago) == (date(2018, 8, 1), date(2017, 8, 31))
    # On 2018-08-01 Пловдив had not declared and not used RegiX; Аврен still used it (20 May is in the window).
    assert (regix.declared.month_ago, regix.observed.month_ago) == (2, 3)
    assert (regix.declared.change_month, regix.observed.change_month) == (1, 0)
    assert (regix.declared.year_ago, regix.declared.change_year) == (0, 3)


def test_a_past_date_shows_the_stages_and_use_of_that_day(scenario):
    table = municipality_table(date(2018, 2, 15))
    varna = next(r for r in table.rows if r.code == "VAR06")
    assert varna.cells["regix"].stage.code == "access_requested"
    assert not varna.cells["regix"].adopted
    assert varna.cells["regix"].observed is False
    avren = next(r for r in table.rows if r.code == "VAR01")
    assert avren.cells["regix"].adopted
    assert avren.cells["regix"].observed
    assert avren.cells["regix"].since == date(2018, 1, 10)


def test_the_observed_window_is_exact_at_both_ends(db):
    window = Window.ending(AS_OF)
    assert (window.start, window.end) == (date(2018, 6, 3), AS_OF)
    load_regix(
        [
            (date(2018, 6, 3), "VAR06", PERSON, 1),  # the first day of the window
            (date(2018, 6, 2), "VAR01", PERSON, 1),  # the day before it
            (date(2018, 9, 1), "VAR02", PERSON, 1),  # the day after the date shown
            (date(2018, 8, 31), "VAR03", PERSON, 1),  # the date shown
        ]
    )
    assert observed_sets("regix", [AS_OF])[0] == ids("VAR06", "VAR03")
    # A day later the window starts on 4 June: Варна's only day drops out, 1 September comes in.
    assert observed_sets("regix", [date(2018, 9, 1)])[0] == ids("VAR02", "VAR03")


def test_zero_counts_are_not_use(db):
    load_regix([(date(2018, 8, 1), "VAR06", PERSON, 0)])
    load_seos([(date(2018, 8, 1), "VAR06", 0, 0)])
    assert observed_sets("regix", [AS_OF]) == [set()]
    assert observed_sets("seos", [AS_OF]) == [set()]


def test_the_2018_regix_figure_on_data_consistent_with_the_timeline(db):
    """timeline.csv: on 2018-08-31, 49 municipal administrations used RegiX."""
    codes = list(Municipality.objects.order_by("code").values_list("code", flat=True))
    users, earlier, later = codes[:49], codes[49:55], codes[55:70]
    load_regix(
        [(date(2018, 6, 3) + timedelta(days=i), code, PERSON, 3) for i, code in enumerate(users)]
        + [(date(2018, 5, 1), code, PERSON, 3) for code in earlier]  # stopped before the window
        + [(date(2018, 9, 3), code, PERSON, 3) for code in later]  # started after the day
    )
    summary = adoption_summary(AS_OF)
    assert by_code(summary, "regix").observed.now == 49


def test_freshness_warns_when_the_last_import_is_old(db, settings):
    settings.DASHBOARD_IMPORT_MAX_AGE_DAYS = 3
    load_regix([(date(2018, 8, 1), "VAR06", PERSON, 1)])
    ImportBatch.objects.update(finished_at=timezone.now() - timedelta(days=5))
    load_seos([(date(2018, 8, 1), "VAR06", 1, 1)])
    freshness = {f.kind: f for f in import_freshness()}
    assert freshness["regix"].stale
    assert freshness["regix"].finished_at is not None
    assert not freshness["seos"].stale


def test_freshness_warns_when_nothing_was_ever_imported(db):
    assert all(f.stale and f.finished_at is None for f in import_freshness())


def test_the_province_table_has_28_rows_that_add_up(scenario):
    table = province_table(AS_OF)
    assert len(table.rows) == 28
    assert sum(r.municipalities for r in table.rows) == 265 == table.total.municipalities
    varna = next(r for r in table.rows if r.code == "VAR")
    assert varna.municipalities == 12
    assert varna.declared["regix"] == 2
    assert varna.observed["regix"] == 1
    assert varna.declared["seos"] == 2
    assert varna.observed["seos"] == 1
    assert varna.share("regix") == pytest.approx(2 / 12)
    assert table.total.declared["regix"] == 3
    assert table.total.observed["regix"] == 3


def test_the_municipality_filters_narrow_the_rows(scenario):
    rows = municipality_table(AS_OF).rows

    def codes(**filters):
        return {r.code for r in filter_rows(rows, MunicipalityFilter(**filters))}

    assert codes(service="regix", mismatch="declared_only") == {"VAR01"}
    assert codes(service="regix", mismatch="observed_only") == {"SOF46"}
    assert codes(service="regix", mismatch="any") == {"VAR01", "SOF46"}
    assert codes(service="regix", declared="yes") == {"VAR06", "VAR01", "PDV22"}
    assert codes(service="seos", observed="yes") == {"VAR06"}
    assert codes(service="regix", stage="access_granted") == {"SOF46"}
    assert codes(service="regix", declared="yes", province="VAR") == {"VAR06", "VAR01"}
    assert codes(province="VAR", population_band="gt100k") == {"VAR06"}
    assert codes(combination="both_declared") == {"VAR06", "VAR01"}
    assert len(codes(combination="neither_observed")) == 262


def test_the_municipality_table_counts_usage_in_the_window_months(scenario):
    rows = {r.code: r for r in municipality_table(AS_OF).rows}
    # June–August 2018: PersonDataSearch every 7 days from 1 March (14 days) + MarriageSearch (5 days).
    person = sum(10 for d in days(date(2018, 3, 1), date(2018, 8, 31), 7) if d >= date(2018, 6, 1))
    assert rows["VAR06"].regix_requests == person + 5 * 3
    assert rows["SOF46"].regix_requests == 40
    assert rows["VAR01"].regix_requests == 0


def test_discrepancies_carry_the_figures_behind_each_flag(scenario):
    result = discrepancies(AS_OF)
    declared_only = {(d.row.code, d.service): d for d in result.declared_only}
    observed_only = {(d.row.code, d.service): d for d in result.observed_only}
    assert set(declared_only) == {("VAR01", "regix"), ("VAR01", "seos")}
    assert set(observed_only) == {("SOF46", "regix")}
    avren = declared_only[("VAR01", "regix")]
    assert (avren.stage, avren.since, avren.last_use, avren.usage_in_window) == (
        "В реална употреба",
        date(2018, 1, 10),
        date(2018, 5, 20),
        0,
    )
    assert declared_only[("VAR01", "seos")].last_use is None  # never used
    sofia = observed_only[("SOF46", "regix")]
    assert (sofia.stage, sofia.first_use, sofia.usage_in_window) == ("Предоставен достъп", date(2018, 7, 15), 40)


def test_the_adoption_trend_is_monthly_since_2016(scenario):
    trend = adoption_trend(AS_OF)
    assert trend.months[0] == date(2016, 1, 1)
    assert trend.months[-1] == date(2018, 8, 1)
    regix = next(s for s in trend.services if s.code == "regix")
    at = {m: i for i, m in enumerate(trend.months)}
    assert regix.declared[at[date(2017, 12, 1)]] == 0
    assert regix.declared[at[date(2018, 1, 1)]] == 1  # Аврен, from 10 January
    assert regix.declared[at[date(2018, 3, 1)]] == 2
    assert regix.declared[at[date(2018, 8, 1)]] == 3
    assert regix.observed[at[date(2018, 8, 1)]] == 3
    assert regix.observed[at[date(2018, 1, 1)]] == 1
    assert regix.observed[at[date(2018, 8, 1)]] == by_code(adoption_summary(AS_OF), "regix").observed.now
    assert next(s for s in trend.services if s.code == "eauth").observed is None


def test_monthly_volumes_and_the_top_lists_come_from_the_rollups(scenario):
    volumes = monthly_volumes(AS_OF)
    at = {m: i for i, m in enumerate(volumes.months)}
    july = at[date(2018, 7, 1)]
    total_july = sum(values[july] for _, _, values in volumes.registers) + volumes.others[july]
    assert total_july == 10 * 4 + 3 * 3 + 40  # Варна: 4 + 3 days of its two types; Столична: one day
    assert volumes.seos_sent[july] > 0
    assert volumes.seos_received[july] > volumes.seos_sent[july]
    top = top_usage(date(2018, 7, 1), date(2018, 8, 1))
    assert top.query_types[0].code == "PersonDataSearch"
    assert top.query_types[0].municipalities == 3  # Варна, Столична, Пловдив
    assert top.registers[0].code == "GRAO/NBD"


@pytest.mark.parametrize(("days", "errors"), [(90, 0), (31, 0), (30, 1), ("90", 1)])
def test_the_observed_window_must_span_two_months(settings, days, errors):
    from dashboards.checks import observed_window_spans_two_months

    settings.DASHBOARD_OBSERVED_WINDOW_DAYS = days
    assert len(observed_window_spans_two_months(None)) == errors


def test_the_observed_trend_agrees_with_the_day_by_day_window(scenario):
    """The month-end figures of the trend are the observed counts of those days."""
    from dashboards.trendpoints import month_points
    from dashboards.trends import _observed_by_month

    for as_of in (date(2018, 12, 31), date(2018, 8, 20)):  # the running month ends on the day shown
        _, points = month_points(as_of)
        for code in ("regix", "seos"):
            expected = [len(found) for found in observed_sets(code, points)]
            assert _observed_by_month(code, as_of) == expected


@pytest.mark.parametrize("window", [31, 45, 90, 120])
@pytest.mark.parametrize(
    "as_of", [date(2018, 2, 28), date(2018, 5, 31), date(2018, 6, 1), date(2018, 7, 16), date(2019, 3, 31)]
)
def test_the_observed_trend_agrees_at_every_window_and_date(scenario, settings, window, as_of):
    """The month-point arithmetic in SQL (the month of the first day, the points up to the last day
    plus the window) against the day-by-day window, at month ends, a month's first day, mid-month
    and after the data ends; with gaps between a municipality's active months."""
    from dashboards.trendpoints import month_points
    from dashboards.trends import _observed_by_month

    settings.DASHBOARD_OBSERVED_WINDOW_DAYS = window
    _, points = month_points(as_of)
    for code in ("regix", "seos"):
        assert _observed_by_month(code, as_of) == [len(found) for found in observed_sets(code, points)]
