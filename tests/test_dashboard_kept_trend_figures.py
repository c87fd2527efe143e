"""The trends page's kept figures: the observed trend's points (dashboards.trendpoints) and the months'
national volumes (dashboards.volumes). An import keeps every past month's, the rollups' triggers
delete those any write to them may move, and the page reads the kept ones and counts the rest, so
its figures always equal counting afresh."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from dashboards import trendpoints, volumes
from dashboards.models import MonthlyVolume, ObservedTrendPoint
from dashboards.snapshots import add_months, month_end, month_start
from dashboards.trendpoints import month_points
from dashboards.trends import _observed_by_month, monthly_volumes
from tests.dashboard_helpers import MARRIAGE, PERSON, days, load_regix, load_seos
from usage.models import RegixMonthlyUsage, SeosMonthlyUsage

pytestmark = pytest.mark.django_db

SERVICES = ("regix", "seos")


def past_months() -> list[date]:
    months, _ = month_points(add_months(month_start(timezone.localdate()), -1))
    return months


def kept(code: str, window: int = 90) -> dict[date, int]:
    return dict(
        ObservedTrendPoint.objects.filter(service=code, window_days=window).values_list("month", "municipalities")
    )


def kept_volumes(code: str) -> dict[date, dict[str, int]]:
    return dict(MonthlyVolume.objects.filter(service=code).values_list("month", "totals"))


def volumes_afresh(code: str) -> dict[date, dict[str, int]]:
    return volumes.count(code, past_months())


def afresh(code: str) -> dict[date, int]:
    """Every past month-end's count from the rollups, nothing kept read."""
    months = past_months()
    return dict(zip(months, trendpoints.count_observed(code, [month_end(m) for m in months]), strict=True))


@pytest.fixture
def usage():
    """Varna every week of 2024 H1, Sofia in March only, Burgas in 2023-11; SEOS for Varna in May."""
    load_regix([(day, "VAR06", PERSON, 3) for day in days(date(2024, 1, 2), date(2024, 6, 28), step=7)])
    load_regix([(date(2024, 3, 12), "SOF46", MARRIAGE, 1)], name="sofia.csv")
    load_regix([(date(2023, 11, 30), "BGS04", PERSON, 2)], name="burgas.csv")
    load_seos([(date(2024, 5, 6), "VAR06", 4, 1)])


def test_an_import_keeps_every_past_month_end_and_they_equal_counting_afresh(usage):
    for code in SERVICES:
        points = kept(code)
        assert sorted(points) == past_months()  # 2016-01 to last month, none missing
        assert points == afresh(code)
    regix = kept("regix")
    assert regix[date(2023, 10, 1)] == 0
    assert regix[date(2023, 11, 1)] == 1  # Burgas on its month's last day
    assert regix[date(2024, 3, 1)] == 2  # Varna and Sofia; Burgas' window ended on 27.02
    assert kept("seos")[date(2024, 5, 1)] == 1
    for code in SERVICES:
        assert kept_volumes(code) == volumes_afresh(code)
    person = str(RegixMonthlyUsage.objects.filter(municipality__code="VAR06").values_list("query_type", flat=True)[0])
    assert kept_volumes("regix")[date(2024, 1, 1)] == {person: 15}  # Varna's five Tuesdays of January, 3 each
    assert kept_volumes("regix")[date(2022, 1, 1)] == {}  # a month without use is kept too
    assert kept_volumes("seos")[date(2024, 5, 1)] == {"sent": 4, "received": 1}


def test_the_page_reads_the_kept_points_and_counts_the_running_month(usage):
    today = timezone.localdate()
    for code in SERVICES:
        months, points = month_points(today)
        assert _observed_by_month(code, today) == trendpoints.count_observed(code, points)
    # A kept point is what the page shows for its month (planted here: no rollup changes, no trigger) ...
    ObservedTrendPoint.objects.filter(service="regix", month=date(2024, 2, 1)).update(municipalities=77)
    shown = dict(zip(month_points(today)[0], _observed_by_month("regix", today), strict=True))
    assert shown[date(2024, 2, 1)] == 77
    # ... but not on a day other than the month's last: mid-February is counted.
    assert _observed_by_month("regix", date(2024, 2, 15))[-1] == 2  # Varna, and Burgas till 27.02


def test_another_window_finds_no_kept_point_and_counts(usage, settings):
    ObservedTrendPoint.objects.filter(service="regix").update(municipalities=77)
    settings.DASHBOARD_OBSERVED_WINDOW_DAYS = 31
    months, points = month_points(date(2024, 6, 30))
    assert 77 not in _observed_by_month("regix", date(2024, 6, 30))
    assert _observed_by_month("regix", date(2024, 6, 30)) == trendpoints.count_observed("regix", points)


def moved_months(month: date, window: int = 90) -> set[date]:
    """The past months whose point a rollup of `month` may move: to the month of its last day + window − 1."""
    last = month_start(month_end(month) + timedelta(days=window - 1))
    return {m for m in past_months() if month <= m <= last}


@pytest.mark.parametrize("write", ["insert", "update", "delete"])
def test_any_write_to_a_rollup_deletes_the_points_it_may_move_and_the_page_still_counts_right(usage, write):
    before = kept("regix")
    march = date(2024, 3, 1)
    row = RegixMonthlyUsage.objects.filter(month=march, municipality__code="SOF46").get()
    if write == "insert":
        RegixMonthlyUsage.objects.create(
            month=march,
            municipality=row.municipality,
            query_type_id=RegixMonthlyUsage.objects.exclude(query_type=row.query_type).values("query_type")[:1],
            requests=1,
            errors=0,
            active_days=1,
            first_day=date(2024, 3, 20),
            last_day=date(2024, 3, 20),
        )
    elif write == "update":
        RegixMonthlyUsage.objects.filter(pk=row.pk).update(last_day=date(2024, 3, 31))
    else:
        RegixMonthlyUsage.objects.filter(pk=row.pk).delete()
    after = kept("regix")
    assert set(before) - set(after) == moved_months(march)  # 2024-03 .. 2024-06 with a 90-day window
    assert all(after[m] == before[m] for m in after)  # the others are kept as they were
    assert kept("seos") == afresh("seos")  # another service's points are not touched
    assert set(past_months()) - set(kept_volumes("regix")) == {march}  # the volumes of the month written
    today = timezone.localdate()
    assert _observed_by_month("regix", today) == trendpoints.count_observed("regix", month_points(today)[1])
    # The next import counts the missing points again, in its transaction.
    load_regix([(date(2024, 6, 3), "VAR06", PERSON, 1)], name="more.csv")
    assert kept("regix") == afresh("regix")
    assert kept_volumes("regix") == volumes_afresh("regix")


def test_truncating_a_rollup_deletes_its_service_points(usage):
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {SeosMonthlyUsage._meta.db_table}")
    assert kept("seos") == {}
    assert kept_volumes("seos") == {}
    assert monthly_volumes(date(2024, 6, 30)).seos_sent[-2] == 0  # May 2024
    assert kept("regix") == afresh("regix")
    assert _observed_by_month("seos", date(2024, 5, 31))[-1] == 0


def test_a_correcting_import_moves_only_the_points_of_its_months(usage):
    before = kept("regix")
    # Sofia's March file again, its one day now also used by a second municipality.
    load_regix([(date(2024, 3, 12), "SOF46", MARRIAGE, 1), (date(2024, 3, 12), "PDV22", PERSON, 2)], name="sofia.csv")
    after = kept("regix")
    assert after == afresh("regix")
    changed = {m for m in after if after[m] != before[m]}
    # Plovdiv's 12.03 counts at the ends of March, April and May (its window is over on 09.06).
    assert changed == {date(2024, 3, 1), date(2024, 4, 1), date(2024, 5, 1)}
    assert changed <= moved_months(date(2024, 3, 1))
    assert all(after[m] == before[m] + 1 for m in changed)
    assert kept_volumes("regix") == volumes_afresh("regix")


def test_the_volumes_read_the_kept_months_and_count_the_running_month(usage):
    counted = monthly_volumes(date(2024, 6, 30))  # June 2024 is a past month: kept
    person = next(iter(kept_volumes("regix")[date(2024, 1, 1)]))
    MonthlyVolume.objects.filter(service="regix", month=date(2024, 1, 1)).update(totals={person: 1000})
    MonthlyVolume.objects.filter(service="seos", month=date(2024, 5, 1)).update(totals={"sent": 40, "received": 10})
    shown = monthly_volumes(date(2024, 6, 30))
    january = shown.months.index(date(2024, 1, 1))
    assert sum(row[january] for _, _, row in shown.registers) + shown.others[january] == 1000
    assert (shown.seos_sent[-2], shown.seos_received[-2]) == (40, 10)
    # The running month is counted from the rollups: a visit today shows this month's use.
    today = timezone.localdate()
    load_regix([(today - timedelta(days=1) if today.day > 1 else today, "VAR06", PERSON, 9)], name="today.csv")
    now = monthly_volumes(today)
    assert sum(row[-1] for _, _, row in now.registers) + now.others[-1] == 9
    assert counted.months == shown.months
