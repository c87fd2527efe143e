"""Who had adopted what on a given day, declared (stage history) and observed (usage rollups).

The building blocks of `queries.py`. Declared adoption comes from the adoption history in one
windowed query per date (`adoption.services.stage_entries_on`); observed adoption comes from the
monthly rollups the usage import maintains, never from the daily facts: a month row's first and
last day with activity is enough to tell whether a municipality used a service inside a window
that spans more than one calendar month (the DASHBOARD_OBSERVED_WINDOW_DAYS check enforces that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Max, Q, QuerySet

from adoption.choices import ServiceCode
from adoption.models import AdoptionChange, Service, Stage
from adoption.services import services_with_stages, stage_entries_on
from usage.models import RegixMonthlyUsage, SeosMonthlyUsage

# The services whose usage the operators report, and the rollup that holds it (keyed by code: a
# ServiceCode is a str, and the services' codes come from the database as plain str).
USAGE_ROLLUPS: dict[str, type[RegixMonthlyUsage] | type[SeosMonthlyUsage]] = {
    ServiceCode.REGIX: RegixMonthlyUsage,
    ServiceCode.SEOS: SeosMonthlyUsage,
}


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


def window_days() -> int:
    days: int = settings.DASHBOARD_OBSERVED_WINDOW_DAYS  # an int: checks.py says so at start-up
    return days


@dataclass(frozen=True)
class Window:
    """The days [start, end] in which use counts as "observed" for the situation at `end`."""

    start: date
    end: date

    @classmethod
    def ending(cls, day: date) -> Window:
        return cls(start=day - timedelta(days=window_days() - 1), end=day)

    @property
    def first_month(self) -> date:
        return month_start(self.start)

    @property
    def last_month(self) -> date:
        return month_start(self.end)

    def rollup_condition(self) -> Q:
        """Month rows with at least one active day inside the window.

        Months strictly inside the window count if they had any activity; the first month needs
        activity on or after the start, the last month on or before the end. Exact as long as the
        window's first and last days fall in different months.
        """
        return (
            Q(month__gt=self.first_month, month__lt=self.last_month, first_day__isnull=False)
            | Q(month=self.first_month, last_day__gte=self.start)
            | Q(month=self.last_month, first_day__lte=self.end)
        ) & Q(month__gte=self.first_month, month__lte=self.last_month)


def observed_sets(service_code: str, days: list[date]) -> list[set[int]]:
    """For each day, the ids of municipalities that used the service in the window ending that day.

    One query over the rollup rows of the months the windows cover, whatever the number of days.
    """
    rollup = USAGE_ROLLUPS[service_code]
    windows = [Window.ending(day) for day in days]
    months = Q()
    for window in windows:
        months |= Q(month__gte=window.first_month, month__lte=window.last_month)
    annotations = {f"w{i}": Max("last_day", filter=window.rollup_condition()) for i, window in enumerate(windows)}
    # order_by(): without it the rollups' Meta.ordering joins the municipalities and query types in.
    rows = (
        rollup.objects.filter(months, first_day__isnull=False)
        .order_by()
        .values("municipality_id")
        .annotate(**annotations)
    )
    result: list[set[int]] = [set() for _ in days]
    for row in rows:
        for i in range(len(days)):
            if row[f"w{i}"] is not None:
                result[i].add(row["municipality_id"])
    return result


@dataclass
class Declared:
    """The stage of every municipality × service on one day, and who counts as adopted."""

    day: date
    stages: dict[tuple[int, str], Stage] = field(default_factory=dict)
    since: dict[tuple[int, str], date] = field(default_factory=dict)
    adopted: dict[str, set[int]] = field(default_factory=dict)

    def stage(self, municipality_id: int, service: Service) -> Stage | None:
        found = self.stages.get((municipality_id, service.code))
        if found is not None:
            return found
        return service.first_stage()


def latest_stages(day: date) -> QuerySet[AdoptionChange, tuple[Any, ...]]:
    """(municipality id, service id, stage id, effective date) of the latest stage entry per pair."""
    return stage_entries_on(day)


def declared_on(day: date, services: list[Service], municipality_ids: list[int]) -> Declared:
    """Stages on `day` from the history: one query (services come prefetched by the caller)."""
    declared = Declared(day=day, adopted={s.code: set() for s in services})
    codes = {s.id: s.code for s in services}
    stages = {stage.id: stage for s in services for stage in s.stages.all()}
    for municipality_id, service_id, stage_id, effective in latest_stages(day):
        code = codes.get(service_id)
        if code is None:
            continue
        stage = stages[stage_id]
        declared.stages[(municipality_id, code)] = stage
        declared.since[(municipality_id, code)] = effective
        if stage.counts_as_adopted:
            declared.adopted[code].add(municipality_id)
    for service in services:
        first = service.first_stage()
        if first is not None and first.counts_as_adopted:  # an unusual setup, but a legal one
            declared.adopted[service.code].update(
                m for m in municipality_ids if (m, service.code) not in declared.stages
            )
    return declared


def all_services() -> list[Service]:
    """The services in their display order, with their stages (two queries)."""
    return services_with_stages()
