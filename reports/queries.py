"""The two reports' figures, computed in the database from what their FilterSets narrowed.

The FilterSets (reports/filters.py) narrow the facts of `reports.models`; these functions turn
the narrowed facts into the report's rows. `usage_rows` is one GROUP BY over both services'
monthly rollups: the report page paginates it, the exports COPY it out, the API pages through
it. `matrix_rows` assembles one row per municipality × service from four queries whatever the
number of rows: the cells with their declarations and recent usage, the services with their
stages, and observed adoption, joined in memory by key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import BigIntegerField, Case, F, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.expressions import OrderBy
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone

from adoption.models import Service
from adoption.services import services_with_stages
from municipalities.models import Municipality
from usage.models import ObservedAdoption, RegixMonthlyUsage, SeosMonthlyUsage

from .choices import NOT_DECLARED, UsageBreakdown, UsageService
from .models import MatrixCell, UsageMonth

# The columns of a usage row, in the order of the SQL (and so of the COPY export).
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
USAGE_ORDER = ("month", "municipality_code", "service", "item_code")
USAGE_WINDOW_DAYS = 90

# What a RegiX fact is counted per: (code, Bulgarian name) of its register or of its query type.
ITEMS = {
    UsageBreakdown.REGISTER: ("query_type__register__code", "query_type__register__name_bg"),
    UsageBreakdown.QUERY_TYPE: ("query_type__operation", "query_type__name_bg"),
}


def _total(name: str):
    # PostgreSQL sums bigints as numeric: back to bigint, as the serializers and files expect.
    return Cast(Sum(name), BigIntegerField())


def usage_items(facts: QuerySet[UsageMonth], by: str) -> QuerySet[UsageMonth]:
    """The facts with the item each RegiX row is per (`by`); SEOS rows have none.

    A query type without a Bulgarian name is shown by its operation, on screen and in the files.
    """
    code, name = ITEMS[UsageBreakdown(by)]
    return facts.annotate(item_code=F(code), item_name=Coalesce(NullIf(F(name), Value("")), F(code)))


def usage_facts(places: QuerySet[Municipality]) -> QuerySet[UsageMonth]:
    """The monthly rollups of both services for `places`, per register (the default breakdown)."""
    return usage_items(UsageMonth.objects.filter(municipality__in=places), UsageBreakdown.REGISTER)


def usage_rows(facts: QuerySet[UsageMonth]) -> QuerySet:
    """Usage per month × municipality × item, summed from the (narrowed) monthly rollups.

    One GROUP BY month, municipality, service and item (RegiX: register or query type, as
    `usage_items` set it; SEOS: none), ordered by month, municipality, service, item. The result
    is a values() queryset of dicts with the keys of USAGE_COLUMNS, in that order.
    """
    return (
        facts.annotate(
            province=F("municipality__province__code"),
            municipality_code=F("municipality__code"),
            municipality_name=F("municipality__name_bg"),
        )
        .values(*USAGE_COLUMNS[:7])
        .annotate(
            requests=_total("requests"),
            errors=_total("errors"),
            sent=_total("sent"),
            received=_total("received"),
        )
        .order_by(*USAGE_ORDER)
    )


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


# The matrix's sort keys: `ordering=` names one, a leading minus reverses every key of it.
MATRIX_DEFAULT_ORDER = ("municipality__name_bg", "municipality__code", "service__order", "service__code")
MATRIX_ORDERING: dict[str, tuple[str, ...]] = {
    "municipality": ("municipality__name_bg", "municipality__code", "service__code"),
    "municipality_code": ("municipality__code", "service__code"),
    "province": ("municipality__province__code", "municipality__name_bg", "service__code"),
    "service": ("service__code", "municipality__name_bg"),
    "stage": ("service__code", "stage_order", "municipality__name_bg"),
    "since": ("adoption__since", "municipality__name_bg", "service__code"),
    "usage_90_days": ("usage_90_days", "municipality__name_bg", "service__code"),
}


def usage_window_start(today: date | None = None) -> date:
    """The first month counted as "the last 90 days": rollups are monthly, so whole months.

    It is the month holding the day 89 days before today, so the window covers at least 90 days
    (at most about 120) and always includes the current month.
    """
    today = today or timezone.localdate()
    return (today - timedelta(days=USAGE_WINDOW_DAYS - 1)).replace(day=1)


def _usage_since(model, since: date, total):
    rows = model.objects.filter(municipality=OuterRef("municipality"), month__gte=since)
    return Coalesce(Subquery(rows.order_by().values("municipality").annotate(total=total).values("total")), 0)


def recent_usage(since: date) -> Case:
    """A cell's usage since a month: RegiX requests, SEOS documents sent + received, None for the
    services without usage files."""
    return Case(
        When(service__code=UsageService.REGIX, then=_usage_since(RegixMonthlyUsage, since, _total("requests"))),
        When(
            service__code=UsageService.SEOS,
            then=_usage_since(SeosMonthlyUsage, since, Cast(Sum(F("sent") + F("received")), BigIntegerField())),
        ),
        default=Value(None),
        output_field=BigIntegerField(),
    )


def stage_order(services: Sequence[Service]) -> Coalesce:
    """A cell's stage order: the declared stage's, else its service's first stage's."""
    firsts = [When(service=s.pk, then=Value(s.first_stage().order)) for s in services if s.first_stage()]
    return Coalesce(F("adoption__stage__order"), Case(*firsts, default=Value(0)))


def first_stage_services(services: Sequence[Service], codes: Sequence[str]) -> list[int]:
    """The services whose first stage (where an undeclared cell is) is one of `codes`."""
    return [s.pk for s in services if s.first_stage() and s.first_stage().code in codes]


def matrix_cells(places: QuerySet[Municipality]) -> QuerySet[MatrixCell]:
    """Every municipality of `places` × every service, in municipality then service order."""
    return MatrixCell.objects.filter(municipality__in=places).order_by(*MATRIX_DEFAULT_ORDER)


def matrix_order(cells: QuerySet[MatrixCell], ordering: str, today: date | None = None) -> QuerySet[MatrixCell]:
    """The cells sorted by a MATRIX_ORDERING key; empty values first, last with a leading minus."""
    descending = ordering.startswith("-")
    keys = MATRIX_ORDERING[ordering.lstrip("-")]
    expressions = {
        "stage_order": stage_order(services_with_stages()) if "stage_order" in keys else None,
        "usage_90_days": recent_usage(usage_window_start(today)),
    }
    order: list[OrderBy] = []
    for key in keys:
        expression = expressions.get(key) or F(key)
        order.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_first=True))
    return cells.order_by(*order)


def matrix_rows(cells: QuerySet[MatrixCell], today: date | None = None) -> list[MatrixRow]:
    """One row per (narrowed, sorted) cell, in the cells' order.

    1. The cells with their municipality, declaration and usage since `usage_window_start`: 1 query.
    2. The services with their stages, and observed adoption of the cells' municipalities: 3 queries.
    3. Join by key; a cell with no declaration is at its service's first stage, "not declared".
    """
    places = list(
        cells.select_related("municipality__province", "adoption__stage")
        .defer("municipality__boundary", "municipality__province__boundary")
        .annotate(usage_90_days=recent_usage(usage_window_start(today)))
    )
    services = {s.pk: s for s in services_with_stages()}
    ids = {cell.municipality_id for cell in places}
    codes = [service.code for service in services.values()]
    observed = {
        (o.municipality_id, o.service_id): o
        for o in ObservedAdoption.objects.filter(municipality_id__in=ids, service__in=codes)
    }
    return [_matrix_row(cell, services[cell.service_id], observed) for cell in places]


def _matrix_row(cell: MatrixCell, service: Service, observed) -> MatrixRow:
    place, adoption = cell.municipality, cell.adoption
    stage = adoption.stage if adoption else service.first_stage()
    seen = observed.get((place.pk, service.code))
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
        usage_90_days=cell.usage_90_days,  # type: ignore[attr-defined]  # annotated above
    )
