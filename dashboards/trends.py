"""Trends and discrepancies: adoption month by month since 2016, RegiX and SEOS volumes, and the
municipalities whose declared stage and observed use disagree. Typed functions, dataclasses out.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Sum

from adoption.choices import ChangeKind, ServiceCode
from adoption.models import AdoptionChange
from catalog.models import QueryType, Register
from usage.models import ObservedAdoption, RegixMonthlyUsage

from . import trendpoints, volumes
from .queries import MunicipalityRow, municipality_table
from .snapshots import USAGE_ROLLUPS, Window, all_services
from .trendpoints import month_points


@dataclass(frozen=True)
class ServiceTrend:
    code: str
    name: str
    declared: list[int]
    observed: list[int] | None


@dataclass(frozen=True)
class AdoptionTrend:
    months: list[date]
    services: list[ServiceTrend]


def adoption_trend(as_of: date) -> AdoptionTrend:
    """Municipalities at an adopted stage, and observed using the service, at the end of each month.

    1. declared: the whole stage history in one query, turned into +1/−1 events per service;
    2. observed: each municipality's active months (first and last active day) from the rollups,
       one query per reported service; a month counts the windows ending on its last day.
    """
    months, days = month_points(as_of)
    services = all_services()
    from municipalities.models import Municipality

    total = Municipality.objects.count()
    events: dict[str, list[tuple[date, int]]] = defaultdict(list)
    state: dict[tuple[int, str], bool] = {}
    changes = (
        AdoptionChange.objects.filter(kind=ChangeKind.STAGE, effective_date__lte=as_of)
        .order_by("municipality_id", "service_id", "effective_date", "id")
        .values_list("municipality_id", "service__code", "effective_date", "to_stage__counts_as_adopted")
    )
    firsts = {s.code: bool(s.first_stage() and s.first_stage().counts_as_adopted) for s in services}
    for municipality_id, code, day, adopted in changes:
        before = state.get((municipality_id, code), firsts.get(code, False))
        if adopted != before:
            events[code].append((day, 1 if adopted else -1))
        state[(municipality_id, code)] = adopted
    result = []
    for service in services:
        timeline = sorted(events[service.code])
        dates = [d for d, _ in timeline]
        running, cumulative = 0, []
        for _, step in timeline:
            running += step
            cumulative.append(running)
        base = total if firsts[service.code] else 0
        declared = [base + (cumulative[i - 1] if (i := bisect_right(dates, day)) else 0) for day in days]
        observed = _observed_by_month(service.code, as_of) if service.code in USAGE_ROLLUPS else None
        result.append(ServiceTrend(code=service.code, name=service.name, declared=declared, observed=observed))
    return AdoptionTrend(months=months, services=result)


def _observed_by_month(code: str, as_of: date) -> list[int]:
    """How many municipalities used the service in the window ending on each of `month_points(as_of)`:
    the past month-ends kept, the running month counted (see trendpoints.py)."""
    months, days = month_points(as_of)
    return trendpoints.observed(code, months, days)


@dataclass(frozen=True)
class MonthlyVolumes:
    """RegiX queries per month by register (the largest registers, the rest together), SEOS documents."""

    months: list[date]
    registers: list[tuple[str, str, list[int]]]  # (code, name, requests per month)
    others: list[int]
    seos_sent: list[int]
    seos_received: list[int]


def monthly_volumes(as_of: date, top: int = 6) -> MonthlyVolumes:
    """Monthly totals since 2016: the past months kept, the running month counted (see volumes.py)."""
    months, _ = month_points(as_of)
    per_register: dict[int, list[int]] = defaultdict(lambda: [0] * len(months))
    # Totals per query type, put in their registers here: a join in the aggregate cost a third more.
    register_of = dict(QueryType.objects.values_list("id", "register_id"))
    regix = volumes.by_month(ServiceCode.REGIX, months)
    for i, month in enumerate(months):
        for type_id, total in regix[month].items():
            per_register[register_of[int(type_id)]][i] += total
    ranked = sorted(per_register, key=lambda r: -sum(per_register[r]))
    names = {r.id: r for r in Register.objects.filter(id__in=ranked[:top])}
    others = [0] * len(months)
    for register_id in ranked[top:]:
        others = [a + b for a, b in zip(others, per_register[register_id], strict=True)]
    seos = volumes.by_month(ServiceCode.SEOS, months)
    return MonthlyVolumes(
        months=months,
        registers=[(names[r].code, names[r].name, per_register[r]) for r in ranked[:top]],
        others=others,
        seos_sent=[seos[month].get("sent", 0) for month in months],
        seos_received=[seos[month].get("received", 0) for month in months],
    )


@dataclass(frozen=True)
class Ranked:
    code: str
    name: str
    detail: str
    requests: int
    municipalities: int


@dataclass(frozen=True)
class TopUsage:
    first_month: date
    last_month: date
    registers: list[Ranked]
    query_types: list[Ranked]


def top_usage(first_month: date, last_month: date, limit: int = 10) -> TopUsage:
    """The registers and query types with the most RegiX queries in the months [first, last].

    One query grouped by query type and municipality (a few thousand rows), then totals and the
    number of municipalities per query type and per register.
    """
    rows = (
        RegixMonthlyUsage.objects.filter(month__gte=first_month, month__lte=last_month, requests__gt=0)
        .values("query_type_id", "municipality_id")
        .annotate(total=Sum("requests"))
        .values_list("query_type_id", "municipality_id", "total")
    )
    per_type: dict[int, int] = defaultdict(int)
    type_users: dict[int, set[int]] = defaultdict(set)
    for type_id, municipality_id, total in rows:
        per_type[type_id] += total
        type_users[type_id].add(municipality_id)
    types = QueryType.objects.select_related("register").in_bulk(list(per_type))
    per_register: dict[int, int] = defaultdict(int)
    register_users: dict[int, set[int]] = defaultdict(set)
    for type_id, total in per_type.items():
        per_register[types[type_id].register_id] += total
        register_users[types[type_id].register_id] |= type_users[type_id]
    registers = {t.register_id: t.register for t in types.values()}
    ranked_types = sorted(per_type.items(), key=lambda r: (-r[1], r[0]))[:limit]
    ranked_registers = sorted(per_register.items(), key=lambda r: (-r[1], r[0]))[:limit]
    return TopUsage(
        first_month=first_month,
        last_month=last_month,
        registers=[
            Ranked(registers[r].code, registers[r].name, registers[r].owner, total, len(register_users[r]))
            for r, total in ranked_registers
        ],
        query_types=[
            Ranked(types[t].short_name, types[t].name, types[t].register.code, total, len(type_users[t]))
            for t, total in ranked_types
        ],
    )


# --- Discrepancies ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Discrepancy:
    """A municipality whose declared stage and observed use of a service disagree, with the figures."""

    row: MunicipalityRow
    service: str
    service_name: str
    kind: str  # declared_only / observed_only
    stage: str
    since: date | None
    first_use: date | None
    last_use: date | None  # the last day of use up to the day shown
    usage_in_window: int  # queries or documents in the calendar months of the window


@dataclass(frozen=True)
class Discrepancies:
    as_of: date
    window: Window
    declared_only: list[Discrepancy]
    observed_only: list[Discrepancy]


def discrepancies(as_of: date) -> Discrepancies:
    """Declared-but-not-observed and observed-but-not-declared, per reported service."""
    table = municipality_table(as_of)
    names = {s.code: s.name for s in table.services}
    flagged = [(row, code) for row in table.rows for code in USAGE_ROLLUPS if row.cells[code].mismatch]
    last_use = _last_use_before(as_of, flagged)
    first_use: dict[tuple[int, str], date] = {
        # django-stubs types the service column (a key with to_field="code") as an id; it holds the code.
        (m, s): d  # type: ignore[misc]
        for m, s, d in ObservedAdoption.objects.filter(first_day__lte=as_of).values_list(
            "municipality_id", "service", "first_day"
        )
    }
    found: dict[str, list[Discrepancy]] = {"declared_only": [], "observed_only": []}
    for row, code in flagged:
        cell = row.cells[code]
        found[cell.agreement].append(
            Discrepancy(
                row=row,
                service=code,
                service_name=names[code],
                kind=cell.agreement,
                stage=cell.stage.name if cell.stage else "",
                since=cell.since,
                first_use=first_use.get((row.id, code)),
                last_use=last_use.get((row.id, code)),
                usage_in_window=row.regix_requests if code == ServiceCode.REGIX else row.seos_documents,
            )
        )
    return Discrepancies(as_of=as_of, window=table.window, **found)


def _last_use_before(as_of: date, flagged: list[tuple[MunicipalityRow, str]]) -> dict[tuple[int, str], date]:
    """The last active day on or before `as_of`, per municipality, from the rollups (one query per service).

    For the running month the rollup's last day may lie after `as_of`; then the month's first day
    stands in (a day of use inside the window, which only observed municipalities have anyway).
    """
    result: dict[tuple[int, str], date] = {}
    for code in sorted({code for _, code in flagged}):
        ids = [row.id for row, flagged_code in flagged if flagged_code == code]
        rows = (
            USAGE_ROLLUPS[code]
            .objects.filter(municipality_id__in=ids, first_day__lte=as_of)
            .values("municipality_id")
            .annotate(last=Max("last_day"))
            .values_list("municipality_id", "last")
        )
        for municipality_id, last in rows:
            result[(municipality_id, code)] = min(last, as_of) if last else last
    return result
