"""Targets (progress, the six months' pace, the projected date and its range, who misses it) and
peers (rank, percentile, median in the population band), with exact figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from municipalities.models import Municipality
from scoring.choices import AmountKind, Measure, PeerScope
from scoring.index import index_on, population_band
from scoring.models import Target
from scoring.peers import peer_table, standing
from scoring.targets import fit, pace_days, targets_progress

from .adoption_helpers import service, stage
from .scoring_helpers import verified

pytestmark = pytest.mark.django_db

SEVEN = ["VAR01", "VAR02", "VAR04", "VAR05", "VAR08", "VAR09", "VAR13"]


def seos_target(amount: int, deadline: date) -> Target:
    return Target.objects.create(
        name_bg="СЕОС", name_en="SEOS", service=service("seos"), measure=Measure.STAGE, stage=stage("seos", "real"),
        amount_kind=AmountKind.COUNT, amount=amount, baseline_date=date(2017, 1, 1), deadline=deadline,
    )  # fmt: skip


def one_more_each_month():
    """VAR01 real before the pace starts, then one more municipality in the middle of each month."""
    days = [date(2017, 12, 15)] + [date(2018, month, 15) for month in range(1, 7)]
    for code, day in zip(SEVEN, days, strict=True):
        verified(code, "seos", [(day, "real")])


def test_the_pace_is_the_least_squares_slope_with_its_standard_error():
    exact = fit([(date(2018, 1, 1), 0), (date(2018, 1, 11), 1), (date(2018, 1, 21), 2)])
    assert exact.per_day == pytest.approx(0.1)
    assert exact.error == pytest.approx(0.0)
    noisy = fit([(date(2018, 1, 1), 0), (date(2018, 1, 11), 2), (date(2018, 1, 21), 2)])
    assert noisy.per_day == pytest.approx(0.1)
    assert noisy.error == pytest.approx(0.057735, abs=1e-6)  # sqrt((4/3 ÷ 1) ÷ 200)


def test_progress_pace_projection_and_the_missing_list():
    Target.objects.all().delete()
    one_more_each_month()
    target = seos_target(10, date(2018, 12, 31))
    late = seos_target(10, date(2018, 8, 1))
    on_time, too_late = targets_progress(date(2018, 7, 1), [target, late])
    assert pace_days(date(2018, 7, 1))[0] == date(2018, 1, 1)
    assert on_time.points == [(date(2018, m, 1), m) for m in range(1, 8)]
    assert (on_time.met, on_time.needed, on_time.total) == (7, 10, 265)
    # slope = 844 / 25 442.857 = 0.0331721 a day: 3 more need 90.4 days, rounded up to 91.
    assert on_time.pace.per_day == pytest.approx(0.0331721, abs=1e-6)
    assert on_time.projected == date(2018, 9, 30)
    assert on_time.earliest <= on_time.projected <= on_time.latest
    assert on_time.on_track is True
    assert too_late.on_track is False
    assert len(on_time.missing) == 258
    assert "VAR06" in {m.code for m in on_time.missing}
    assert "VAR01" not in {m.code for m in on_time.missing}


def test_a_share_target_rounds_the_needed_number_up_and_a_reached_target_is_on_track():
    Target.objects.all().delete()
    one_more_each_month()
    target = Target.objects.create(
        name_bg="2%", name_en="2%", service=service("seos"), measure=Measure.STAGE, stage=stage("seos", "test"),
        amount_kind=AmountKind.SHARE, amount=2, baseline_date=date(2017, 1, 1), deadline=date(2018, 3, 1),
    )  # fmt: skip
    (progress,) = targets_progress(date(2018, 7, 1), [target])
    assert progress.needed == 6  # 2 % of 265 = 5.3
    assert progress.met == 7  # "real" comes after "test" and still counts
    assert progress.reached
    assert progress.on_track
    assert progress.projected is None


def test_a_stalled_target_has_no_projected_date():
    Target.objects.all().delete()
    verified("VAR01", "seos", [(date(2017, 12, 15), "real")])
    (progress,) = targets_progress(date(2018, 7, 1), [seos_target(10, date(2030, 1, 1))])
    assert progress.pace.per_day == 0
    assert progress.projected is None
    assert progress.on_track is False


def test_standing_ranks_ties_together_and_counts_the_share_of_peers_below():
    values = sorted(Decimal(v) for v in ["10", "20", "20", "30", "40"])
    assert standing(Decimal("20"), values, "national").rank == 3
    assert standing(Decimal("20"), values, "national").percentile == 25  # 1 of the 4 others is lower
    assert standing(Decimal("40"), values, "national").rank == 1
    assert standing(Decimal("40"), values, "national").percentile == 100
    assert standing(Decimal("10"), values, "national").median == Decimal("20.0")


def test_peers_are_the_population_band_nationally_and_in_the_province():
    verified("VAR06", "seos", [(date(2018, 1, 1), "real")])  # 27.3
    band = population_band(Municipality.objects.get(code="VAR06").population)
    national = [m for m in Municipality.objects.all() if population_band(m.population) == band]
    in_province = [m for m in national if m.province.code == "VAR"]
    peers = peer_table(index_on(date(2018, 6, 1)))
    varna = peers["VAR06"]
    assert varna.index[PeerScope.NATIONAL].group_size == len(national)
    assert varna.index[PeerScope.PROVINCE].group_size == len(in_province)
    assert varna.index[PeerScope.NATIONAL].rank == 1
    assert varna.index[PeerScope.NATIONAL].percentile == 100
    assert varna.index[PeerScope.NATIONAL].median == Decimal("0.0")
    assert varna.services["seos"][PeerScope.NATIONAL].rank == 1
    other = next(m.code for m in national if m.code != "VAR06")
    assert peers[other].index[PeerScope.NATIONAL].rank == 2
    assert peers[other].index[PeerScope.NATIONAL].percentile == 0
