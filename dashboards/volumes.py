"""The national monthly volumes of the trends page: RegiX queries per query type, SEOS documents.

`by_month(code, months)` answers from the kept months (MonthlyVolume) and counts the others from the
rollups (the running month, any month not kept); `keep_missing(code)` counts and keeps the past
months not kept, in the import's transaction, after the rollups' triggers have deleted the months
its writes touched (dashboards migration 0001). Ten years of RegiX rollups are ~90,000 rows to add
up per uncached page; the kept months are 130 rows.
"""

from __future__ import annotations

from datetime import date

from django.db import connections, router

from adoption.choices import ServiceCode
from usage.models import RegixMonthlyUsage, SeosMonthlyUsage

from .models import MonthlyVolume
from .trendpoints import past_months

# (month, key, total) rows of the given months: the keys are RegiX query types' ids and SEOS's
# "sent" and "received", as text (the kept totals are JSON objects).
COUNT_SQL: dict[str, str] = {
    ServiceCode.REGIX: (
        f"SELECT month, query_type_id::text, sum(requests) FROM {RegixMonthlyUsage._meta.db_table} "  # noqa: S608 - the model's table
        "WHERE month = ANY(%s) GROUP BY 1, 2"
    ),
    ServiceCode.SEOS: (
        f"SELECT month, k, sum(v) FROM {SeosMonthlyUsage._meta.db_table}, "  # noqa: S608 - the model's table
        "LATERAL (VALUES ('sent', sent), ('received', received)) AS t(k, v) WHERE month = ANY(%s) GROUP BY 1, 2"
    ),
}


def by_month(code: str, months: list[date]) -> dict[date, dict[str, int]]:
    """Each month's totals by key (a month without use: an empty dict)."""
    found: dict[date, dict[str, int]] = dict(
        MonthlyVolume.objects.using(router.db_for_read(MonthlyVolume))
        .filter(service=code, month__gte=months[0], month__lte=months[-1])
        .values_list("month", "totals")
    )
    missing = [month for month in months if month not in found]
    found.update(count(code, missing))
    return found


def count(code: str, months: list[date], using: str | None = None) -> dict[date, dict[str, int]]:
    """The months' totals added up from the rollups."""
    totals: dict[date, dict[str, int]] = {month: {} for month in months}
    if not months:
        return totals
    rollup = RegixMonthlyUsage if code == ServiceCode.REGIX else SeosMonthlyUsage
    with connections[using or router.db_for_read(rollup)].cursor() as cursor:
        cursor.execute(COUNT_SQL[code], [months])
        for month, key, total in cursor.fetchall():
            totals[month][key] = int(total)  # sum() of bigints is a numeric: no overflow, no Decimal kept
    return totals


def keep_missing(code: str, today: date | None = None) -> int:
    """Count and keep the past months (before `today`'s) not kept; returns how many. Run where the
    rollups cannot change meanwhile (the import's transaction)."""
    kept = set(MonthlyVolume.objects.using("default").filter(service=code).values_list("month", flat=True))
    missing = [month for month in past_months(today) if month not in kept]
    if not missing:
        return 0
    MonthlyVolume.objects.bulk_create(
        [
            MonthlyVolume(service=code, month=month, totals=totals)
            for month, totals in count(code, missing, using="default").items()
        ],
        ignore_conflicts=True,
    )
    return len(missing)
