"""The public figures of one day, built from the dashboards' typed queries and verified declarations.

`build(as_of)` returns the payloads an edition stores: one for the country, one per province and one
per municipality, each an instance of the allow-list in `schema.py`. Everything public is read from
these, never from the live tables.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from adoption.choices import ServiceCode
from dashboards.forms import EARLIEST_AS_OF
from dashboards.queries import municipality_table
from dashboards.snapshots import USAGE_ROLLUPS, all_services, window_days
from dashboards.trendpoints import month_points
from dashboards.trends import adoption_trend
from municipalities.choices import PopulationBand
from municipalities.models import Municipality, Province
from scoring.index import VerifiedHistory

from . import schema
from .standing import Standing, standing_on


@dataclass(frozen=True)
class Built:
    national: schema.NationalFigures
    provinces: list[schema.ProvinceFigures]
    municipalities: list[schema.MunicipalityFigures]


def build(as_of: date, previous: list[dict] | None = None, previous_slug: str | None = None) -> Built:
    """The figures on `as_of`; `previous` (the last edition's municipality payloads) gives the changes.

    1. services with their stages; 2. every municipality's observed use and usage from the
    dashboards' municipality table; 3. its stage from verified declarations only; 4. provinces,
    population bands and the country summed from the municipalities; 5. the trend since 2016;
    6. the adoption index and peer ranks from the `scoring` app, with the method version.
    """
    services = all_services()
    table = municipality_table(as_of, services)
    english = {
        code: (name_en, province_en)
        for code, name_en, province_en in Municipality.objects.values_list("code", "name_en", "province__name_en")
    }
    province_bg = dict(Province.objects.values_list("code", "name_bg"))
    history = VerifiedHistory(services)  # the index's own rule and reading: the same stages as its figures
    standing = standing_on(as_of)
    municipalities = []
    for row in table.rows:
        cells = []
        for service in services:
            found = history.entry_on(row.id, service.code, as_of)
            stage = found[1] if found else next(iter(service.stages.all()))
            observed = row.cells[service.code].observed
            cells.append(
                schema.ServiceCell(
                    service=service.code,
                    stage=stage.code,
                    adopted=stage.counts_as_adopted,
                    since=found[0].isoformat() if found else None,
                    observed=observed,
                    usage=_usage(row, service.code),
                )
            )
        name_en, province_en = english[row.code]
        index, ranks = standing.municipalities.get(row.code, (None, []))
        municipalities.append(
            schema.MunicipalityFigures(
                code=row.code,
                name_bg=row.name_bg,
                name_en=name_en,
                province_code=row.province_code,
                province_name_bg=province_bg[row.province_code],
                province_name_en=province_en,
                population=row.population,
                population_band=row.population_band,
                services=cells,
                index=index,
                index_method=standing.method if index is not None else None,
                peer_ranks=ranks,
            )
        )
    provinces = _provinces(municipalities, services, standing)
    national = schema.NationalFigures(
        as_of=as_of.isoformat(),
        window_days=window_days(),
        municipalities=len(municipalities),
        population=sum(m.population for m in municipalities),
        services=_service_totals(municipalities, services),
        both_declared=_both(municipalities, "adopted"),
        both_observed=_both(municipalities, "observed"),
        bands=_bands(municipalities, services),
        trend=_trend(as_of, services, history, [m.id for m in table.rows]),
        previous_edition=previous_slug,
        changes=changes_between(previous, municipalities) if previous is not None else [],
        index=standing.national,
        index_method=standing.method,
    )
    return Built(national=national, provinces=provinces, municipalities=municipalities)


def _usage(row, code: str) -> int | None:
    if code == ServiceCode.REGIX:
        return row.regix_requests
    if code == ServiceCode.SEOS:
        return row.seos_documents
    return None


def _counts(rows: list[schema.MunicipalityFigures], services) -> list[schema.ServiceCount]:
    result = []
    for index, service in enumerate(services):
        cells = [m.services[index] for m in rows]
        observed = sum(bool(c.observed) for c in cells) if service.code in USAGE_ROLLUPS else None
        result.append(
            schema.ServiceCount(service=service.code, declared=sum(c.adopted for c in cells), observed=observed)
        )
    return result


def _provinces(municipalities, services, standing: Standing) -> list[schema.ProvinceFigures]:
    grouped: dict[str, list[schema.MunicipalityFigures]] = defaultdict(list)
    for m in municipalities:
        grouped[m.province_code].append(m)
    result = []
    for province in Province.objects.order_by("name_bg", "code"):
        rows = grouped.get(province.code, [])
        result.append(
            schema.ProvinceFigures(
                code=province.code,
                name_bg=province.name_bg,
                name_en=province.name_en,
                municipalities=len(rows),
                population=sum(m.population for m in rows),
                services=_counts(rows, services),
                index=standing.provinces.get(province.code),
                index_method=standing.method if province.code in standing.provinces else None,
            )
        )
    return result


def _service_totals(municipalities, services) -> list[schema.ServiceTotals]:
    counts = _counts(municipalities, services)
    result = []
    for index, service in enumerate(services):
        at_stage: dict[str, int] = {stage.code: 0 for stage in service.stages.all()}
        for m in municipalities:
            at_stage[m.services[index].stage] += 1
        result.append(
            schema.ServiceTotals(
                code=service.code,
                name_bg=service.name_bg,
                name_en=service.name_en,
                stages=[
                    schema.StageLabel(s.code, s.name_bg, s.name_en, s.counts_as_adopted) for s in service.stages.all()
                ],
                declared=counts[index].declared,
                observed=counts[index].observed,
                at_stage=at_stage,
            )
        )
    return result


def _both(municipalities, attribute: str) -> int:
    def has(m, code):
        return any(c.service == code and getattr(c, attribute) for c in m.services)

    return sum(has(m, ServiceCode.REGIX) and has(m, ServiceCode.SEOS) for m in municipalities)


def _bands(municipalities, services) -> list[schema.BandFigures]:
    result = []
    for band in PopulationBand:
        rows = [m for m in municipalities if m.population_band == band.value]
        result.append(schema.BandFigures(band=band.value, municipalities=len(rows), services=_counts(rows, services)))
    return result


def _trend(as_of: date, services, history: VerifiedHistory, ids: list[int]) -> schema.Trend:
    """Month ends since 2016: verified declared adoption, and observed use from the dashboards' trend."""
    months, days = month_points(as_of, EARLIEST_AS_OF)
    observed = {s.code: s.observed for s in adoption_trend(as_of).services}
    series = []
    for service in services:
        first_adopted = next(iter(service.stages.all())).counts_as_adopted
        declared = []
        for day in days:
            count = 0
            for municipality_id in ids:
                found = history.entry_on(municipality_id, service.code, day)
                count += found[1].counts_as_adopted if found else first_adopted
            declared.append(count)
        series.append(schema.TrendSeries(service=service.code, declared=declared, observed=observed.get(service.code)))
    return schema.Trend(months=[m.isoformat() for m in months], series=series)


def changes_between(previous: list[dict], current: list[schema.MunicipalityFigures]) -> list[schema.Change]:
    """Municipalities that moved stage, entered or left observed use, since the previous edition."""
    before = {(m["code"], c["service"]): c for m in previous for c in m["services"]}
    changes = []
    for m in current:
        for cell in m.services:
            old = before.get((m.code, cell.service))
            if old is None:
                continue
            common = {
                "municipality": m.code,
                "municipality_name_bg": m.name_bg,
                "municipality_name_en": m.name_en,
                "service": cell.service,
            }
            if old["stage"] != cell.stage:
                changes.append(schema.Change(kind="stage", from_stage=old["stage"], to_stage=cell.stage, **common))
            if bool(old["observed"]) != bool(cell.observed):
                kind = "entered_use" if cell.observed else "left_use"
                changes.append(schema.Change(kind=kind, from_stage=None, to_stage=None, **common))
    return changes
