"""The two reports' figures, computed in the database from the monthly rollups.

`usage_aggregates` is one GROUP BY query per service (a UNION ALL of them when both are asked
for): the report page paginates it, the exports COPY it out, the API pages through it.
`adoption_matrix` assembles one row per municipality × service from seven queries whatever the
number of rows: the declarations, observed adoption and the last 90 days of usage are each read
once and joined in memory by key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import BigIntegerField, CharField, F, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone

from adoption.models import Adoption
from adoption.services import services_with_stages
from municipalities.models import Municipality
from usage.models import ObservedAdoption, RegixMonthlyUsage, SeosMonthlyUsage

from .choices import NOT_DECLARED, UsageBreakdown, UsageService

# The columns of a usage aggregate row, in the order of the SQL (and so of the COPY export).
USAGE_COLUMNS = (
    "month",
    "province",
    "municipality_code",
    "municipality_name",
    "service",
    "item_code",
    "item_name",
    "requests",
    "errors",
    "sent",
    "received",
)
USAGE_WINDOW_DAYS = 90


@dataclass(frozen=True)
class UsageParams:
    """What the usage report is asked for; empty sequences mean "all"."""

    month_from: date | None = None
    month_to: date | None = None
    services: Sequence[str] = ()
    registers: Sequence[str] = ()
    query_types: Sequence[str] = ()
    by: str = UsageBreakdown.REGISTER


def _total(name: str):
    # PostgreSQL sums bigints as numeric: back to bigint, so both halves of the UNION agree.
    return Cast(Sum(name), BigIntegerField())


def _none():
    return Value(None, output_field=BigIntegerField())


def _scoped(queryset: QuerySet, municipalities: QuerySet[Municipality], params: UsageParams) -> QuerySet:
    queryset = queryset.filter(municipality__in=municipalities)
    if params.month_from:
        queryset = queryset.filter(month__gte=params.month_from)
    if params.month_to:
        queryset = queryset.filter(month__lte=params.month_to)
    return queryset


def _regix(municipalities: QuerySet[Municipality], params: UsageParams) -> QuerySet:
    queryset = _scoped(RegixMonthlyUsage.objects.all(), municipalities, params)
    if params.registers:
        queryset = queryset.filter(query_type__register__code__in=params.registers)
    if params.query_types:
        queryset = queryset.filter(query_type__operation__in=params.query_types)
    if params.by == UsageBreakdown.QUERY_TYPE:
        code, name = "query_type__operation", "query_type__name_bg"
    else:
        code, name = "query_type__register__code", "query_type__register__name_bg"
    # A query type without a Bulgarian name is shown by its operation, on screen and in the files.
    item_code, item_name = F(code), Coalesce(NullIf(F(name), Value("")), F(code))
    return queryset.values(
        "month",
        province=F("municipality__province__code"),
        municipality_code=F("municipality__code"),
        municipality_name=F("municipality__name_bg"),
        service=Value(UsageService.REGIX.value, output_field=CharField()),
        item_code=item_code,
        item_name=item_name,
    ).annotate(requests=_total("requests"), errors=_total("errors"), sent=_none(), received=_none())


def _seos(municipalities: QuerySet[Municipality], params: UsageParams) -> QuerySet:
    queryset = _scoped(SeosMonthlyUsage.objects.all(), municipalities, params)
    return queryset.values(
        "month",
        province=F("municipality__province__code"),
        municipality_code=F("municipality__code"),
        municipality_name=F("municipality__name_bg"),
        service=Value(UsageService.SEOS.value, output_field=CharField()),
        item_code=Value(None, output_field=CharField()),
        item_name=Value(None, output_field=CharField()),
    ).annotate(requests=_none(), errors=_none(), sent=_total("sent"), received=_total("received"))


def usage_aggregates(municipalities: QuerySet[Municipality], params: UsageParams) -> QuerySet:
    """Usage per month × municipality × register (or query type), summed from the monthly rollups.

    1. Scope each service's rollup to `municipalities` (the user's) and the filters.
    2. GROUP BY month, municipality and the breakdown (RegiX: register or query type; SEOS: none).
    3. UNION ALL the services asked for (all when none), ordered by month, municipality, service, item.
    The result is a values() queryset of dicts with the keys of USAGE_COLUMNS, in that order.
    """
    services = list(params.services) or [UsageService.REGIX, UsageService.SEOS]
    parts = []
    if UsageService.REGIX in services:
        parts.append(_regix(municipalities, params))
    # SEOS has no registers: asking for some means RegiX only.
    if UsageService.SEOS in services and not (params.registers or params.query_types):
        parts.append(_seos(municipalities, params))
    if not parts:
        return _regix(municipalities, params).none()
    queryset = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True)
    return queryset.order_by("month", "municipality_code", "service", "item_code")


# ---- the adoption matrix ----------------------------------------------------------------------


@dataclass
class MatrixRow:
    """One municipality × service of the adoption matrix."""

    municipality_code: str
    municipality_name: str
    province: str
    service: str
    service_name: str
    stage_code: str
    stage: str
    stage_order: int
    counts_as_adopted: bool
    since: date | None
    verification: str
    first_use: date | None
    last_use: date | None
    usage_90_days: int | None
    municipality_name_en: str = field(default="", repr=False)


@dataclass(frozen=True)
class MatrixParams:
    """Filters of the matrix; empty sequences mean "all"."""

    services: Sequence[str] = ()
    stages: Sequence[str] = ()
    verifications: Sequence[str] = ()


def usage_window_start(today: date | None = None) -> date:
    """The first month counted as "the last 90 days": rollups are monthly, so whole months.

    It is the month holding the day 89 days before today, so the window covers at least 90 days
    (at most about 120) and always includes the current month.
    """
    today = today or timezone.localdate()
    return (today - timedelta(days=USAGE_WINDOW_DAYS - 1)).replace(day=1)


def recent_usage(municipality_ids: Iterable[int], since: date) -> dict[tuple[int, str], int]:
    """Usage since a month per (municipality id, service code): RegiX requests, SEOS documents."""
    ids = list(municipality_ids)
    regix = (
        RegixMonthlyUsage.objects.filter(municipality_id__in=ids, month__gte=since)
        .values("municipality_id")
        .annotate(total=_total("requests"))
    )
    seos = (
        SeosMonthlyUsage.objects.filter(municipality_id__in=ids, month__gte=since)
        .values("municipality_id")
        .annotate(total=Cast(Sum(F("sent") + F("received")), BigIntegerField()))
    )
    result = {(row["municipality_id"], UsageService.REGIX.value): row["total"] for row in regix}
    result.update({(row["municipality_id"], UsageService.SEOS.value): row["total"] for row in seos})
    return result


def adoption_matrix(
    municipalities: QuerySet[Municipality], params: MatrixParams, today: date | None = None
) -> list[MatrixRow]:
    """One row per municipality × service, in municipality then service order.

    1. The municipalities (the user's, filtered) and the services with their stages: 3 queries.
    2. Their declarations, observed adoption and usage since `usage_window_start`: 4 queries.
    3. Join by key; a pair with no declaration is at its service's first stage, "not declared".
    """
    places = list(municipalities.select_related("province").defer("boundary", "province__boundary"))
    services = [s for s in services_with_stages() if not params.services or s.code in params.services]
    ids = [m.pk for m in places]
    codes = [s.code for s in services]
    declared = {
        (a.municipality_id, a.service_id): a
        for a in Adoption.objects.filter(municipality_id__in=ids, service__code__in=codes).select_related("stage")
    }
    observed = {
        (o.municipality_id, o.service_id): o
        for o in ObservedAdoption.objects.filter(municipality_id__in=ids, service__in=codes)
    }
    usage = recent_usage(ids, usage_window_start(today))
    rows = []
    for place in places:
        for service in services:
            row = _matrix_row(place, service, declared, observed, usage)
            if _matches(row, params):
                rows.append(row)
    return rows


def _matrix_row(place, service, declared, observed, usage) -> MatrixRow:
    adoption = declared.get((place.pk, service.pk))
    stage = adoption.stage if adoption else service.first_stage()
    seen = observed.get((place.pk, service.code))
    has_usage_data = service.code in UsageService.values
    return MatrixRow(
        municipality_code=place.code,
        municipality_name=place.name_bg,
        municipality_name_en=place.name_en,
        province=place.province.code,
        service=service.code,
        service_name=service.name,
        stage_code=stage.code if stage else "",
        stage=stage.name if stage else "",
        stage_order=stage.order if stage else 0,
        counts_as_adopted=bool(stage and stage.counts_as_adopted),
        since=adoption.since if adoption else None,
        verification=adoption.verification if adoption else NOT_DECLARED,
        first_use=seen.first_day if seen else None,
        last_use=seen.last_day if seen else None,
        usage_90_days=usage.get((place.pk, service.code), 0) if has_usage_data else None,
    )


def _matches(row: MatrixRow, params: MatrixParams) -> bool:
    if params.stages and row.stage_code not in params.stages:
        return False
    return not (params.verifications and row.verification not in params.verifications)
