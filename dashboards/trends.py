"""Trends and discrepancies: adoption month by month since 2016, RegiX and SEOS volumes, and the
municipalities whose declared stage and observed use disagree. Typed functions, dataclasses out.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Max, Min, Sum

from adoption.choices import ChangeKind
from adoption.models import AdoptionChange
from catalog.models import QueryType, Register
from usage.models import ObservedAdoption, RegixMonthlyUsage, SeosMonthlyUsage

from .forms import EARLIEST_AS_OF
from .queries import MunicipalityRow, municipality_table
from .snapshots import USAGE_ROLLUPS, Window, add_months, all_services, month_start, window_days


def month_points(as_of: date, start: date = EARLIEST_AS_OF) -> tuple[list[date], list[date]]:
    """The months from `start` to `as_of`'s month, and the day each is measured on (its last day,
    or `as_of` for the running month)."""
    months, days = [], []
    month = month_start(start)
    while month <= as_of:
        months.append(month)
        days.append(min(add_months(month, 1) - timedelta(days=1), as_of))
        month = add_months(month, 1)
    return months, days


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
    firsts = {s.code: any(stage.counts_as_adopted for stage in list(s.stages.all())[:1]) for s in services}
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
        observed = _observed_by_month(service.code, months, days) if service.code in USAGE_ROLLUPS else None
        result.append(ServiceTrend(code=service.code, name=service.name, declared=declared, observed=observed))
    return AdoptionTrend(months=months, services=result)


def _observed_by_month(code: str, months: list[date], days: list[date]) -> list[int]:
    if connection.vendor == "postgresql":
        return _observed_by_month_sql(code, days)
    return _observed_by_month_python(code, months, days)


OBSERVED_BY_MONTH_SQL = (
    "WITH active AS ("
    "  SELECT municipality_id, month, min(first_day) AS first, max(last_day) AS last FROM __rollup__"
    "   WHERE first_day IS NOT NULL AND month <= %(last)s GROUP BY municipality_id, month"
    "), points AS (SELECT unnest(%(days)s::date[]) AS day) "
    "SELECT p.day, count(DISTINCT a.municipality_id) FROM points p JOIN active a"
    "  ON a.month >= date_trunc('month', p.day - %(span)s)::date AND a.month <= p.day"
    "  AND a.last >= p.day - %(span)s AND a.first <= p.day "
    "GROUP BY p.day"
)


def _observed_by_month_sql(code: str, days: list[date]) -> list[int]:
    """The same count as the Python version, in one statement: 130 numbers travel instead of 16,000 rows.

    A municipality counts for a day when one of its active months, taken as the span from its
    first to its last active day, meets the window ending that day (see snapshots.Window).
    """
    # The table name is the rollup model's own, quoted; everything else is a parameter.
    sql = OBSERVED_BY_MONTH_SQL.replace("__rollup__", connection.ops.quote_name(USAGE_ROLLUPS[code]._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"last": days[-1], "days": days, "span": window_days() - 1})
        counts = dict(cursor.fetchall())
    return [counts.get(day, 0) for day in days]


def _observed_by_month_python(code: str, months: list[date], days: list[date]) -> list[int]:
    rollup = USAGE_ROLLUPS[code]
    active: dict[date, dict[int, tuple[date, date]]] = defaultdict(dict)
    rows = (
        rollup.objects.filter(first_day__isnull=False, month__lte=days[-1])
        .values("municipality_id", "month")
        .annotate(first=Min("first_day"), last=Max("last_day"))
        .values_list("municipality_id", "month", "first", "last")
    )
    for municipality_id, month, first, last in rows:
        active[month][municipality_id] = (first, last)
    counts = []
    for day in days:
        window = Window.ending(day)
        seen: set[int] = set()
        month = window.first_month
        while month <= window.last_month:
            for municipality_id, (first, last) in active.get(month, {}).items():
                if window.start <= last and first <= window.end:
                    seen.add(municipality_id)
            month = add_months(month, 1)
        counts.append(len(seen))
    return counts


@dataclass(frozen=True)
class MonthlyVolumes:
    """RegiX queries per month by register (the largest registers, the rest together), SEOS documents."""

    months: list[date]
    registers: list[tuple[str, str, list[int]]]  # (code, name, requests per month)
    others: list[int]
    seos_sent: list[int]
    seos_received: list[int]


def monthly_volumes(as_of: date, top: int = 6) -> MonthlyVolumes:
    """Monthly totals since 2016 from the rollups: two queries plus the register names."""
    months, _ = month_points(as_of)
    position = {m: i for i, m in enumerate(months)}
    per_register: dict[int, list[int]] = defaultdict(lambda: [0] * len(months))
    rows = (
        RegixMonthlyUsage.objects.filter(month__gte=months[0], month__lte=months[-1])
        .values("month", "query_type__register_id")
        .annotate(total=Sum("requests"))
        .values_list("month", "query_type__register_id", "total")
    )
    for month, register_id, total in rows:
        per_register[register_id][position[month]] += total
    ranked = sorted(per_register, key=lambda r: -sum(per_register[r]))
    names = {r.id: r for r in Register.objects.filter(id__in=ranked[:top])}
    others = [0] * len(months)
    for register_id in ranked[top:]:
        others = [a + b for a, b in zip(others, per_register[register_id], strict=True)]
    sent, received = [0] * len(months), [0] * len(months)
    for month, s, r in (
        SeosMonthlyUsage.objects.filter(month__gte=months[0], month__lte=months[-1])
        .values("month")
        .annotate(s=Sum("sent"), r=Sum("received"))
        .values_list("month", "s", "r")
    ):
        sent[position[month]], received[position[month]] = s, r
    return MonthlyVolumes(
        months=months,
        registers=[(names[r].code, names[r].name, per_register[r]) for r in ranked[:top]],
        others=others,
        seos_sent=sent,
        seos_received=received,
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
    """The registers and query types with the most RegiX queries in the months [first, last]."""
    rows = list(
        RegixMonthlyUsage.objects.filter(month__gte=first_month, month__lte=last_month)
        .values("query_type_id")
        .annotate(total=Sum("requests"))
        .values_list("query_type_id", "total")
    )
    types = {q.id: q for q in QueryType.objects.select_related("register").filter(id__in=[r[0] for r in rows])}
    by_register: dict[int, int] = defaultdict(int)
    for type_id, total in rows:
        by_register[types[type_id].register_id] += total
    users = _users_per_query_type(first_month, last_month)
    register_users = _users_per_register(first_month, last_month)
    ranked_types = sorted(rows, key=lambda r: -r[1])[:limit]
    ranked_registers = sorted(by_register.items(), key=lambda r: -r[1])[:limit]
    registers = {t.register_id: t.register for t in types.values()}
    return TopUsage(
        first_month=first_month,
        last_month=last_month,
        registers=[
            Ranked(registers[r].code, registers[r].name, registers[r].owner, total, register_users.get(r, 0))
            for r, total in ranked_registers
        ],
        query_types=[
            Ranked(types[t].short_name, types[t].name, types[t].register.code, total, users.get(t, 0))
            for t, total in ranked_types
        ],
    )


def _users_per_query_type(first_month: date, last_month: date) -> dict[int, int]:
    return dict(
        RegixMonthlyUsage.objects.filter(month__gte=first_month, month__lte=last_month, requests__gt=0)
        .values("query_type_id")
        .annotate(n=Count("municipality_id", distinct=True))
        .values_list("query_type_id", "n")
    )


def _users_per_register(first_month: date, last_month: date) -> dict[int, int]:
    return dict(
        RegixMonthlyUsage.objects.filter(month__gte=first_month, month__lte=last_month, requests__gt=0)
        .values("query_type__register_id")
        .annotate(n=Count("municipality_id", distinct=True))
        .values_list("query_type__register_id", "n")
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
    first_use = {
        (m, s): d
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
                usage_in_window=row.regix_requests if code == "regix" else row.seos_documents,
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
