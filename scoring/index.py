"""The adoption index (0–100) of every municipality and province on any date: pure, typed, one home.

    service score = stage worth × observed factor      (both from the method, 0…1)
    index         = 100 × Σ weight × service score / Σ weight

The stage is the *verified* declared stage on the date (see `VerifiedHistory`); the observed factor
is 1 when the usage files show the service in the observation window ending that date, else the
method's "factor without observed use"; a service without usage reports, or a window that no report
covers (nobody at all shows use, as before the operators started reporting), is not penalised. A province's
(and the country's) index is the plain mean of its municipalities' indices: every municipality counts
once, as every one of them must adopt.

Inputs come from the history and the monthly rollups in a fixed number of queries, whatever the
number of municipalities or dates (`index_series`): the method (3), services and stages (2), the
verified history (2), the municipalities (1) and one rollup query per reported service.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.urls import reverse
from django.utils.translation import gettext as _

from adoption.choices import ServiceCode
from adoption.models import Service, Stage
from adoption.verified import counting_stage_entries
from dashboards.snapshots import USAGE_ROLLUPS, all_services, observed_sets
from municipalities.choices import POPULATION_BAND_BOUNDS, PopulationBand
from municipalities.models import LocalizedNameMixin, Municipality, localized_name, uses_english

from .choices import band_of
from .models import IndexMethod

ONE = Decimal(1)
TENTH = Decimal("0.1")


def tenth(value: Decimal) -> Decimal:
    """Index figures carry one decimal, rounded half up."""
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


class NoIndexMethod(Exception):
    """No index method exists yet (or not the version asked for)."""


@dataclass(frozen=True)
class Weights:
    """One method version, read into plain dicts."""

    version: int
    services: dict[str, tuple[Decimal, Decimal]]  # service code -> (weight, factor without observed use)
    stages: dict[int, Decimal]  # stage id -> worth

    @property
    def total_weight(self) -> Decimal:
        return sum((w for w, _f in self.services.values()), Decimal(0))


def load_method(version: int | None = None) -> Weights:
    """The method's weights (three queries); the newest version unless one is named."""
    methods = IndexMethod.objects.all()
    method = methods.filter(version=version).first() if version is not None else methods.current()
    if method is None:
        raise NoIndexMethod(_("There is no index method version %(version)s.") % {"version": version or ""})
    services = {
        code: (weight, factor)
        for code, weight, factor in method.service_weights.values_list("service__code", "weight", "unobserved_factor")
    }
    stages = dict(method.stage_weights.values_list("stage_id", "score"))
    return Weights(version=method.version, services=services, stages=stages)


def population_band(population: int) -> str:
    for band, (low, high) in POPULATION_BAND_BOUNDS.items():
        if population >= low and (high is None or population < high):
            return band
    return PopulationBand.UNDER_5K


class VerifiedHistory:
    """The verified declared stage of every municipality × service on any date, from one read.

    Which stage entries count is the rule of `adoption/verified.py`, shared with the open site.
    """

    def __init__(self, services: list[Service], day: date | None = None) -> None:
        """Read the counting stage entries; with `day`, only the one in force on it per pair."""
        self.services = services
        self.firsts = {s.code: next(iter(s.stages.all()), None) for s in services}
        self.stages = {stage.id: stage for s in services for stage in s.stages.all()}
        codes = {s.id: s.code for s in services}
        rows = counting_stage_entries(day).values_list(
            "municipality_id", "service_id", "effective_date", "id", "to_stage_id"
        )
        self.entries: dict[tuple[int, str | None], list[tuple[date, int, int]]] = defaultdict(list)
        for municipality_id, service_id, effective, entry_id, stage_id in rows:
            self.entries[(municipality_id, codes.get(service_id))].append((effective, entry_id, stage_id))
        for entries in self.entries.values():
            entries.sort()

    def entry_on(self, municipality_id: int, code: str, day: date) -> tuple[date, Stage] | None:
        """The counting stage entry in force on `day` (its effective date and stage); None before any."""
        entries = self.entries.get((municipality_id, code))
        if entries:
            position = bisect_right(entries, (day, float("inf"), 0))
            if position:
                effective, _entry_id, stage_id = entries[position - 1]
                stage = self.stages.get(stage_id)
                if stage is not None:
                    return effective, stage
        return None

    def stage_on(self, municipality_id: int, code: str, day: date) -> Stage | None:
        """The stage in force on `day`: the counting entry's, or the service's first stage before any."""
        found = self.entry_on(municipality_id, code, day)
        return found[1] if found else self.firsts.get(code)


@dataclass(frozen=True)
class ServiceScore:
    """One service's part of a municipality's index."""

    code: str
    stage: Stage | None
    observed: bool | None  # None: the service has no usage reports
    worth: Decimal  # the stage's worth under the method, 0…1
    factor: Decimal  # 1, or the factor without observed use
    weight: Decimal

    # Cached: cells are shared between municipalities (see `_service_score`); cached_property writes
    # the instance's __dict__ directly, which a frozen dataclass allows.
    @cached_property
    def points(self) -> Decimal:
        return self.weight * self.worth * self.factor

    @cached_property
    def score(self) -> Decimal:
        """This service alone on the 0–100 scale (used for peers per service)."""
        return tenth(100 * self.worth * self.factor)

    @property
    def adopted(self) -> bool:
        return bool(self.stage and self.stage.counts_as_adopted)


@dataclass(frozen=True)
class IndexRow:
    id: int
    code: str
    name: str
    name_bg: str
    province_code: str
    province: str
    population: int
    population_band: str
    href: str
    index: Decimal
    services: dict[str, ServiceScore]

    @property
    def band(self) -> str:
        return band_of(self.index)

    @property
    def adopted_count(self) -> int:
        return sum(s.adopted for s in self.services.values())


@dataclass(frozen=True)
class AreaIndex:
    """A province's (or the country's) index: the mean of its municipalities'."""

    code: str
    name: str
    municipalities: int
    index: Decimal

    @property
    def band(self) -> str:
        return band_of(self.index)


@dataclass(frozen=True)
class IndexTable:
    as_of: date
    method_version: int
    services: list[Service]
    rows: list[IndexRow]
    provinces: list[AreaIndex]
    national: AreaIndex
    unweighted: list[str] = field(default_factory=list)  # services the method does not weigh

    def row(self, code: str) -> IndexRow | None:
        return next((r for r in self.rows if r.code == code), None)


def mean(values: list[Decimal]) -> Decimal:
    return tenth(sum(values, Decimal(0)) / len(values)) if values else Decimal(0)


@dataclass(frozen=True)
class Area(LocalizedNameMixin):
    """A province as the index reads it."""

    code: str
    name_bg: str
    name_en: str


@dataclass(frozen=True)
class Place(LocalizedNameMixin):
    """A municipality as the index and the targets read it: plain values from one query, no model
    instances (building 265 of them, with their provinces, cost more than the rest of the formula)."""

    id: int
    code: str
    name_bg: str
    name_en: str
    population: int
    province: Area

    def get_absolute_url(self) -> str:
        return reverse("municipalities:detail", kwargs={"code": self.code})


def places() -> list[Place]:
    """Every municipality in the index's order (by Bulgarian name), with its province: one query."""
    rows = Municipality.objects.order_by("name_bg", "code").values_list(
        "id", "code", "name_bg", "name_en", "population", "province__code", "province__name_bg", "province__name_en"
    )
    provinces: dict[str, Area] = {}
    result = []
    for pk, code, name_bg, name_en, population, province_code, province_bg, province_en in rows:
        province = provinces.get(province_code)
        if province is None:
            province = provinces[province_code] = Area(province_code, province_bg, province_en)
        result.append(Place(pk, code, name_bg, name_en, population, province))
    return result


@dataclass
class IndexInputs:
    """Everything the index needs for a set of dates, read once."""

    weights: Weights | None  # None: facts only (targets need no weights)
    services: list[Service]
    history: VerifiedHistory
    municipalities: list[Place]
    observed: dict[str, dict[date, set[int] | None]]  # None: no usage reports cover that window


def load_inputs(days: list[date], method: int | Weights | None = None) -> IndexInputs:
    """The method's weights and the facts for `days`."""
    weights = method if isinstance(method, Weights) else load_method(method)
    inputs = load_facts(days)
    inputs.weights = weights
    return inputs


def load_facts(days: list[date]) -> IndexInputs:
    """Services, the verified history, the municipalities and observed use on each of `days`."""
    services = all_services()
    municipalities = places()
    unique_days = sorted(set(days))
    observed = {
        code: {day: seen or None for day, seen in zip(unique_days, observed_sets(code, unique_days), strict=True)}
        for code in USAGE_ROLLUPS
    }
    history = VerifiedHistory(services, unique_days[0] if len(unique_days) == 1 else None)
    return IndexInputs(None, services, history, municipalities, observed)


def _service_score(
    inputs: IndexInputs, municipality_id: int, service: Service, seen: set[int] | None, day: date, cache: dict
) -> ServiceScore:
    """One cell; cells are immutable and few distinct (service, stage, observed), so they are shared.

    `seen`: who used the service in the window ending `day`; None when no usage report covers it."""
    stage = inputs.history.stage_on(municipality_id, service.code, day)
    observed = None if seen is None else municipality_id in seen
    key = (service.code, stage.id if stage else None, observed)
    score = cache.get(key)
    if score is None:
        weights = _weights(inputs)
        weight, unobserved = weights.services[service.code]
        worth = weights.stages.get(stage.id, Decimal(0)) if stage else Decimal(0)
        factor = unobserved if observed is False else ONE
        score = cache[key] = ServiceScore(service.code, stage, observed, worth, factor, weight)
    return score


def _weights(inputs: IndexInputs) -> Weights:
    """The method's weights, which the index needs (load_inputs reads them, load_facts does not)."""
    if inputs.weights is None:
        raise ValueError("The index needs a method's weights: read the inputs with load_inputs().")
    return inputs.weights


def detail_url_template() -> tuple[str, str]:
    """A municipality page's URL with a placeholder for the code: one reverse() instead of 265."""
    placeholder = "CODE0"
    return reverse("municipalities:detail", kwargs={"code": placeholder}), placeholder


def index_of(scores: list[ServiceScore], total_weight: Decimal) -> Decimal:
    """The formula: 100 × Σ weight × worth × factor / Σ weight, one decimal."""
    points = sum((x.points for x in scores), Decimal(0))
    return tenth(100 * points / total_weight) if total_weight else Decimal(0)


@dataclass(frozen=True)
class WorkedExample:
    scores: list[ServiceScore]
    total_weight: Decimal
    index: Decimal

    @property
    def band(self) -> str:
        return band_of(self.index)


def worked_example(weights: Weights, services: list[Service]) -> WorkedExample:
    """An imagined municipality for the method page: RegiX and SEOS adopted (SEOS seen in use, RegiX
    not), the other services one stage along, computed by the same formula as every figure."""
    scores = []
    for service in services:
        if service.code not in weights.services:
            continue
        weight, unobserved = weights.services[service.code]
        stages = list(service.stages.all())
        adopted = next((s for s in stages if s.counts_as_adopted), stages[-1] if stages else None)
        reported = service.code in USAGE_ROLLUPS
        stage = adopted if reported else (stages[1] if len(stages) > 1 else adopted)
        observed = (service.code != ServiceCode.REGIX) if reported else None
        worth = weights.stages.get(stage.id, Decimal(0)) if stage else Decimal(0)
        factor = unobserved if observed is False else ONE
        scores.append(ServiceScore(service.code, stage, observed, worth, factor, weight))
    total = weights.total_weight
    return WorkedExample(scores, total, index_of(scores, total))


def compute(inputs: IndexInputs, day: date) -> IndexTable:
    """The index table on one day from loaded inputs (no queries).

    Municipalities share cells, and many share the same set of cells (the same stages and use), so
    the formula runs once per distinct set; names are picked in the active language read once.
    """
    weights = _weights(inputs)
    weighted = [s for s in inputs.services if s.code in weights.services]
    total = weights.total_weight
    url, placeholder = detail_url_template()
    english = uses_english()
    cells: dict = {}
    indices: dict[tuple[int, ...], Decimal] = {}
    rows = []
    columns = []  # each weighted service with who used it in the window (None: no report covers it)
    for service in weighted:
        observed = inputs.observed.get(service.code)
        columns.append((service, None if observed is None else observed[day]))
    for m in inputs.municipalities:
        scores = {s.code: _service_score(inputs, m.id, s, seen, day, cells) for s, seen in columns}
        key = tuple(map(id, scores.values()))  # cells are shared: their identity is their content
        index = indices.get(key)
        if index is None:
            index = indices[key] = index_of(list(scores.values()), total)
        province = m.province
        rows.append(
            IndexRow(
                id=m.id,
                code=m.code,
                name=localized_name(m.name_bg, m.name_en, english),
                name_bg=m.name_bg,
                province_code=province.code,
                province=localized_name(province.name_bg, province.name_en, english),
                population=m.population,
                population_band=population_band(m.population),
                href=url.replace(placeholder, m.code),
                index=index,
                services=scores,
            )
        )
    by_province: dict[str, list[IndexRow]] = defaultdict(list)
    for row in rows:
        by_province[row.province_code].append(row)
    provinces = sorted(
        (
            AreaIndex(code, group[0].province, len(group), mean([r.index for r in group]))
            for code, group in by_province.items()
        ),
        key=lambda p: p.name,
    )
    return IndexTable(
        as_of=day,
        method_version=weights.version,
        services=weighted,
        rows=rows,
        provinces=provinces,
        national=AreaIndex("", _("Bulgaria"), len(rows), mean([r.index for r in rows])),
        unweighted=[s.name for s in inputs.services if s.code not in weights.services],
    )


def index_series(days: list[date], method: int | Weights | None = None) -> dict[date, IndexTable]:
    """The index table on each of `days`, from one read of the inputs."""
    inputs = load_inputs(days, method)
    return {day: compute(inputs, day) for day in sorted(set(days))}


def index_on(day: date, method: int | Weights | None = None) -> IndexTable:
    """The index of every municipality and province on `day` (the newest method unless one is named)."""
    return index_series([day], method)[day]
