"""Aggregations for the dashboards, as typed functions returning dataclasses; views only render them.

Every function takes the day of the situation shown (`as_of`): stages come from the adoption
history, usage from the monthly rollups the import maintains (see `snapshots.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, F, Max, Sum
from django.db.models.expressions import Combinable
from django.utils import timezone

from adoption.choices import ServiceCode
from adoption.models import Service, Stage
from municipalities.choices import POPULATION_BAND_BOUNDS, PopulationBand
from municipalities.models import Municipality, Province, localized_name, uses_english
from usage.choices import Kind, Status
from usage.models import ImportBatch, RegixMonthlyUsage, SeosMonthlyUsage

from .snapshots import USAGE_ROLLUPS, Declared, Window, all_services, declared_on, observed_sets

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class NationalFigures:
    provinces: int
    municipalities: int
    population: int


def national_figures() -> NationalFigures:
    """The country at a glance, from two aggregate queries."""
    totals = Municipality.objects.aggregate(count=Count("id"), population=Sum("population"))
    return NationalFigures(
        provinces=Province.objects.count(),
        municipalities=totals["count"],
        population=totals["population"] or 0,
    )


# --- The overview -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """A count on the day shown, 30 days before and a year before."""

    now: int
    month_ago: int
    year_ago: int

    @property
    def change_month(self) -> int:
        return self.now - self.month_ago

    @property
    def change_year(self) -> int:
        return self.now - self.year_ago


@dataclass(frozen=True)
class ServiceAdoption:
    code: str
    name: str
    short_name: str  # "RegiX" for "RegiX (register queries)"
    declared: Trend
    observed: Trend | None  # None: no usage reports exist for this service


@dataclass(frozen=True)
class Freshness:
    """The last successful import of one kind of usage file."""

    kind: str
    label: str | StrPromise  # the kind's label, translated when shown
    finished_at: datetime | None
    stale: bool


@dataclass(frozen=True)
class AdoptionSummary:
    as_of: date
    month_ago: date
    year_ago: date
    window_days: int
    municipalities: int
    services: list[ServiceAdoption]
    both_declared: Trend  # RegiX and SEOS both at an adopted stage
    both_observed: Trend
    neither_declared: Trend
    neither_observed: Trend
    freshness: list[Freshness]


def comparison_days(as_of: date) -> list[date]:
    return [as_of, as_of - timedelta(days=30), as_of - timedelta(days=365)]


def adoption_summary(as_of: date) -> AdoptionSummary:
    """Declared and observed adoption of every service on `as_of`, 30 days and a year before.

    1. declared: one history query per day; 2. observed: one rollup query per reported service;
    3. RegiX-and-SEOS and neither from the same sets; 4. the freshness of each kind of import.
    """
    days = comparison_days(as_of)
    services = all_services()
    ids = list(Municipality.objects.values_list("id", flat=True))
    declared = [declared_on(day, services, ids) for day in days]
    observed = {code: observed_sets(code, days) for code in USAGE_ROLLUPS}
    rows = []
    for service in services:
        seen = observed.get(service.code)
        rows.append(
            ServiceAdoption(
                code=service.code,
                name=service.name,
                short_name=service.name.split(" (")[0],
                declared=Trend(*(len(d.adopted[service.code]) for d in declared)),
                observed=Trend(*(len(s) for s in seen)) if seen else None,
            )
        )
    all_ids = set(ids)

    def combined(sets_regix: list[set[int]], sets_seos: list[set[int]], both: bool) -> Trend:
        if both:
            return Trend(*(len(r & s) for r, s in zip(sets_regix, sets_seos, strict=True)))
        return Trend(*(len(all_ids - r - s) for r, s in zip(sets_regix, sets_seos, strict=True)))

    declared_regix = [d.adopted.get(ServiceCode.REGIX, set()) for d in declared]
    declared_seos = [d.adopted.get(ServiceCode.SEOS, set()) for d in declared]
    return AdoptionSummary(
        as_of=days[0],
        month_ago=days[1],
        year_ago=days[2],
        window_days=settings.DASHBOARD_OBSERVED_WINDOW_DAYS,
        municipalities=len(ids),
        services=rows,
        both_declared=combined(declared_regix, declared_seos, both=True),
        both_observed=combined(observed[ServiceCode.REGIX], observed[ServiceCode.SEOS], both=True),
        neither_declared=combined(declared_regix, declared_seos, both=False),
        neither_observed=combined(observed[ServiceCode.REGIX], observed[ServiceCode.SEOS], both=False),
        freshness=import_freshness(),
    )


def import_freshness(now: datetime | None = None) -> list[Freshness]:
    """The last successful import per kind, stale when older than DASHBOARD_IMPORT_MAX_AGE_DAYS."""
    now = now or timezone.now()
    latest = dict(
        ImportBatch.objects.filter(status=Status.SUCCEEDED)
        .values("kind")
        .annotate(last=Max("finished_at"))
        .values_list("kind", "last")
    )
    limit = timedelta(days=settings.DASHBOARD_IMPORT_MAX_AGE_DAYS)
    return [
        Freshness(
            kind=kind.value,
            label=kind.label,
            finished_at=latest.get(kind.value),
            stale=latest.get(kind.value) is None or now - latest[kind.value] > limit,
        )
        for kind in Kind
    ]


# --- Per municipality ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceCell:
    """One municipality's position for one service on the day shown."""

    service: str
    stage: Stage | None
    since: date | None
    adopted: bool
    observed: bool | None  # None: the service has no usage reports

    @property
    def agreement(self) -> str:
        """both / declared_only / observed_only / neither, or "unmeasured" when nothing is reported."""
        if self.observed is None:
            return "unmeasured"
        if self.adopted and self.observed:
            return "both"
        if self.adopted:
            return "declared_only"
        if self.observed:
            return "observed_only"
        return "neither"

    @property
    def mismatch(self) -> bool:
        return self.agreement in {"declared_only", "observed_only"}


@dataclass(frozen=True)
class MunicipalityRow:
    id: int
    code: str
    name: str
    name_bg: str
    province_code: str
    province: str
    population: int
    href: str
    cells: dict[str, ServiceCell]
    regix_requests: int  # in the calendar months of the observed window
    seos_documents: int

    @property
    def population_band(self) -> str:
        for band, (low, high) in POPULATION_BAND_BOUNDS.items():
            if self.population >= low and (high is None or self.population < high):
                return band
        return PopulationBand.UNDER_5K

    @property
    def regix_per_1000(self) -> float | None:
        return self.regix_requests * 1000 / self.population if self.population else None


@dataclass(frozen=True)
class MunicipalityTable:
    as_of: date
    window: Window
    services: list[Service]
    rows: list[MunicipalityRow]


def _usage_in_months(
    rollup: type[RegixMonthlyUsage] | type[SeosMonthlyUsage], window: Window, value: str | Combinable
) -> dict[int, int]:
    return dict(
        rollup.objects.filter(month__gte=window.first_month, month__lte=window.last_month)
        .values("municipality_id")
        .annotate(total=Sum(value))
        .values_list("municipality_id", "total")
    )


def municipality_table(as_of: date, services: list[Service] | None = None) -> MunicipalityTable:
    """Every municipality with its stage and observed use of each service on `as_of` (six queries)."""
    services = services if services is not None else all_services()
    municipalities = list(
        Municipality.objects.select_related("province")
        .only("code", "name_bg", "name_en", "population", "province__code", "province__name_bg", "province__name_en")
        .order_by("name_bg", "code")
    )
    ids = [m.id for m in municipalities]
    declared = declared_on(as_of, services, ids)
    observed = {code: observed_sets(code, [as_of])[0] for code in USAGE_ROLLUPS}
    window = Window.ending(as_of)
    regix = _usage_in_months(RegixMonthlyUsage, window, "requests")
    seos = _usage_in_months(SeosMonthlyUsage, window, F("sent") + F("received"))
    english, href = uses_english(), Municipality.absolute_urls()  # once, not per row
    rows = [
        MunicipalityRow(
            id=m.id,
            code=m.code,
            name=localized_name(m.name_bg, m.name_en, english),
            name_bg=m.name_bg,
            province_code=m.province.code,
            province=localized_name(m.province.name_bg, m.province.name_en, english),
            population=m.population,
            href=href(m.code),
            cells={s.code: _cell(declared, observed, m.id, s) for s in services},
            regix_requests=regix.get(m.id) or 0,
            seos_documents=seos.get(m.id) or 0,
        )
        for m in municipalities
    ]
    return MunicipalityTable(as_of=as_of, window=window, services=services, rows=rows)


def _cell(declared: Declared, observed: dict[str, set[int]], municipality_id: int, service: Service) -> ServiceCell:
    stage = declared.stage(municipality_id, service)
    seen = observed.get(service.code)
    return ServiceCell(
        service=service.code,
        stage=stage,
        since=declared.since.get((municipality_id, service.code)),
        adopted=municipality_id in declared.adopted.get(service.code, set()),
        observed=None if seen is None else municipality_id in seen,
    )


# --- Provinces ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProvinceRow:
    code: str
    name: str
    municipalities: int
    population: int
    declared: dict[str, int]  # adopters per service code
    observed: dict[str, int]  # for the services with usage reports

    def share(self, code: str) -> float | None:
        return self.declared[code] / self.municipalities if self.municipalities else None


@dataclass(frozen=True)
class ProvinceTable:
    as_of: date
    services: list[Service]
    rows: list[ProvinceRow]
    total: ProvinceRow


def province_table(as_of: date) -> ProvinceTable:
    """28 rows: municipalities, adopters per service (declared and observed) and the share."""
    table = municipality_table(as_of)
    provinces = {p.code: p for p in Province.objects.only("code", "name_bg", "name_en")}
    grouped: dict[str, list[MunicipalityRow]] = {code: [] for code in provinces}
    for row in table.rows:
        grouped.setdefault(row.province_code, []).append(row)

    def summarise(code: str, name: str, rows: list[MunicipalityRow]) -> ProvinceRow:
        return ProvinceRow(
            code=code,
            name=name,
            municipalities=len(rows),
            population=sum(r.population for r in rows),
            declared={s.code: sum(r.cells[s.code].adopted for r in rows) for s in table.services},
            observed={code: sum(bool(r.cells[code].observed) for r in rows) for code in USAGE_ROLLUPS},
        )

    rows = [summarise(code, provinces[code].name, grouped[code]) for code in provinces]
    rows.sort(key=lambda r: r.name)
    return ProvinceTable(as_of=as_of, services=table.services, rows=rows, total=summarise("", "", table.rows))


# --- Filtering the municipality table -----------------------------------------------------------


@dataclass(frozen=True)
class MunicipalityFilter:
    """The municipality table's filters (see forms.MunicipalityFilterForm); empty means any."""

    province: str = ""
    population_band: str = ""
    service: str = ""
    stage: str = ""
    declared: str = ""  # yes / no
    observed: str = ""  # yes / no
    mismatch: str = ""  # any / declared_only / observed_only / agree
    combination: str = ""  # both_declared / both_observed / neither_declared / neither_observed

    def matches(self, row: MunicipalityRow) -> bool:
        if self.province and row.province_code != self.province:
            return False
        if self.population_band and row.population_band != self.population_band:
            return False
        if self.combination and not _combination(row, self.combination):
            return False
        if not self.service:
            return True
        return _service_matches(self, row.cells[self.service])


def _combination(row: MunicipalityRow, combination: str) -> bool:
    regix, seos = row.cells.get(ServiceCode.REGIX), row.cells.get(ServiceCode.SEOS)
    if regix is None or seos is None:
        return False
    pairs = {
        "both_declared": regix.adopted and seos.adopted,
        "both_observed": bool(regix.observed and seos.observed),
        "neither_declared": not regix.adopted and not seos.adopted,
        "neither_observed": not regix.observed and not seos.observed,
    }
    return pairs[combination]


def _service_matches(filters: MunicipalityFilter, cell: ServiceCell) -> bool:
    if filters.stage and (cell.stage is None or cell.stage.code != filters.stage):
        return False
    if filters.declared and cell.adopted != (filters.declared == "yes"):
        return False
    if filters.observed and bool(cell.observed) != (filters.observed == "yes"):
        return False
    if filters.mismatch == "any":
        return cell.mismatch
    if filters.mismatch == "agree":
        return cell.agreement in {"both", "neither"}
    if filters.mismatch:
        return cell.agreement == filters.mismatch
    return True


def filter_rows(rows: list[MunicipalityRow], filters: MunicipalityFilter) -> list[MunicipalityRow]:
    return [row for row in rows if filters.matches(row)]
