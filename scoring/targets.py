"""Targets' progress on any date, the projected date at the last six months' pace, and who misses them.

The projection fits a straight line (least squares) through the number of municipalities meeting the
target at the end of each of the last six months and on the day shown (seven points); the projected
date is when that pace reaches the number needed, and its range uses the pace ± two standard errors
(roughly a 95 % interval; "no end" when the slower pace is not positive).
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta

from adoption.models import Stage

from .choices import AmountKind, Measure
from .index import IndexInputs, load_facts
from .models import Target

PACE_MONTHS = 6


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def pace_days(day: date) -> list[date]:
    """The seven days of the pace: the same day of each of the last six months, and `day`."""
    return [months_before(day, k) for k in range(PACE_MONTHS, -1, -1)]


def counting_stages(stage: Stage | None) -> set[int]:
    """The stage and the later ones that still count (not those after the adopted stage that lost it)."""
    if stage is None:  # a stage target always has one (the constraint scoring_target_stage_given)
        raise ValueError("A stage target needs a stage.")
    stages = list(stage.service.stages.all())
    adopted = max((s.order for s in stages if s.counts_as_adopted), default=max(s.order for s in stages))
    return {s.id for s in stages if s.order >= stage.order and (s.order <= adopted or s.counts_as_adopted)}


def needed(target: Target, total: int) -> int:
    if target.amount_kind == AmountKind.COUNT:
        return target.amount
    return math.ceil(target.amount * total / 100)


def meeting(target: Target, inputs: IndexInputs, day: date, stages: set[int] | None = None) -> set[int]:
    """Ids of the municipalities that meet the target on `day`."""
    code = target.service.code
    if target.measure == Measure.OBSERVED:
        return set(inputs.observed.get(code, {}).get(day) or set())
    stages = stages if stages is not None else counting_stages(target.stage)
    result = set()
    for m in inputs.municipalities:
        stage = inputs.history.stage_on(m.id, code, day)
        if stage is not None and stage.id in stages:
            result.add(m.id)
    return result


@dataclass(frozen=True)
class Fit:
    per_day: float
    error: float  # the standard error of the slope


def fit(points: list[tuple[date, int]]) -> Fit:
    """Least squares through (day, count); the slope per day and its standard error."""
    xs = [(d - points[0][0]).days for d, _n in points]
    ys = [n for _d, n in points]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return Fit(0.0, 0.0)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = my - slope * mx
    residuals = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    error = math.sqrt(residuals / (n - 2) / sxx) if n > 2 else 0.0
    return Fit(slope, error)


def _reach(day: date, gap: int, per_day: float) -> date | None:
    if per_day <= 0:
        return None
    try:
        return day + timedelta(days=math.ceil(gap / per_day))
    except OverflowError:
        return None


@dataclass(frozen=True)
class Missing:
    id: int
    code: str
    name: str
    province: str
    href: str


@dataclass(frozen=True)
class TargetProgress:
    target: Target
    as_of: date
    met: int
    total: int
    needed: int
    points: list[tuple[date, int]]
    pace: Fit
    projected: date | None
    earliest: date | None
    latest: date | None
    missing: list[Missing]

    @property
    def reached(self) -> bool:
        return self.met >= self.needed

    @property
    def share(self) -> float:
        return 100 * self.met / self.total if self.total else 0.0

    @property
    def progress(self) -> float:
        """How far along, 0–100, for the progress bar."""
        return min(100.0, 100 * self.met / self.needed) if self.needed else 100.0

    @property
    def per_month(self) -> float:
        return self.pace.per_day * 365.25 / 12

    @property
    def on_track(self) -> bool:
        if self.reached:
            return True
        return self.projected is not None and self.projected <= self.target.deadline

    def misses(self, municipality_id: int) -> bool:
        return any(m.id == municipality_id for m in self.missing)


def progress_from(target: Target, inputs: IndexInputs, day: date) -> TargetProgress:
    stages = counting_stages(target.stage) if target.measure == Measure.STAGE else None
    days = pace_days(day)
    sets = {d: meeting(target, inputs, d, stages) for d in days}
    total = len(inputs.municipalities)
    need = needed(target, total)
    met_now = len(sets[day])
    points = [(d, len(sets[d])) for d in days]
    pace = fit(points)
    gap = need - met_now
    projected = earliest = latest = None
    if gap > 0:
        projected = _reach(day, gap, pace.per_day)
        earliest = _reach(day, gap, pace.per_day + 2 * pace.error)
        latest = _reach(day, gap, pace.per_day - 2 * pace.error)
    missing = [
        Missing(m.id, m.code, m.name, m.province.name, m.get_absolute_url())
        for m in inputs.municipalities
        if m.id not in sets[day]
    ]
    return TargetProgress(target, day, met_now, total, need, points, pace, projected, earliest, latest, missing)


def targets_queryset():
    return Target.objects.select_related("service", "stage", "stage__service").prefetch_related(
        "stage__service__stages"
    )


def targets_progress(day: date, targets: list[Target] | None = None) -> list[TargetProgress]:
    """Every target's progress on `day`, from one read of the facts for the seven pace days."""
    targets = list(targets if targets is not None else targets_queryset())
    if not targets:
        return []
    inputs = load_facts(pace_days(day))
    return [progress_from(target, inputs, day) for target in targets]
