"""Issue 10.4: each filter of the reports' FilterSets narrows the QuerySet it is given, on its own,
and the API's parameters are the FilterSets' fields with their help texts.

`filter_queryset` is called directly: it gives the narrowed facts (reports.models), before the
report's rows are computed from them, so each test sees exactly what one filter did.
"""

from __future__ import annotations

from datetime import date

import pytest
from drf_spectacular.generators import SchemaGenerator

from adoption.choices import Verification
from adoption.models import Adoption, Service
from municipalities.models import Municipality
from reports.filters import AdoptionMatrixFilterSet, UsageReportFilterSet
from reports.models import MatrixCell, UsageMonth
from tests.adoption_helpers import history
from tests.reports_support import query_types, regix, seos

JAN, FEB, DEC = date(2026, 1, 1), date(2026, 2, 1), date(2025, 12, 1)


@pytest.fixture
def usage(db):
    """Eight rollups: RegiX in Varna (3 query types, 2 months), Avren and Sofia; SEOS in Varna and Sofia."""
    a1, a2, b1 = query_types()
    regix("VAR06", a1, JAN, 100)
    regix("VAR06", a2, JAN, 20)
    regix("VAR06", b1, JAN, 7)
    regix("VAR06", a1, FEB, 50)
    regix("VAR01", a1, JAN, 9)
    regix("SOF46", b1, DEC, 1000)
    seos("VAR06", JAN, 11, 12)
    seos("SOF46", JAN, 5, 6)
    return {"a1": a1, "a2": a2, "b1": b1}


def usage_facts(data: dict) -> set[tuple]:
    filterset = UsageReportFilterSet(data, queryset=Municipality.objects.all())
    assert filterset.is_valid(), filterset.errors
    facts = filterset.filter_queryset(Municipality.objects.all())
    assert facts.model is UsageMonth  # the narrowed facts, not yet the report's rows
    return set(facts.values_list("service", "municipality__code", "month", "query_type__operation"))


USAGE_CASES = {
    "month_from": ({"month_from": "2026-01"}, lambda f: f[2] >= JAN),
    "month_to": ({"month_to": "2025-12"}, lambda f: f[2] <= DEC),
    "province": ({"province": ["SOF"]}, lambda f: f[1] == "SOF46"),
    "municipality": ({"municipality": ["VAR01", "SOF46"]}, lambda f: f[1] in {"VAR01", "SOF46"}),
    "service": ({"service": ["seos"]}, lambda f: f[0] == "seos"),
    "register": (None, None),  # needs the fixture's register codes: see the test
    "query_type": (None, None),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name, (data, _) in USAGE_CASES.items() if data])
def test_each_usage_filter_narrows_the_facts_on_its_own(usage, name):
    data, keep = USAGE_CASES[name]
    everything = usage_facts({})
    assert len(everything) == 8
    narrowed = usage_facts(data)
    assert narrowed == {fact for fact in everything if keep(fact)}
    assert 0 < len(narrowed) < len(everything)


@pytest.mark.django_db
def test_the_register_and_query_type_filters_keep_those_regix_facts_only(usage):
    register_b = usage["b1"].register.code
    assert {(f[0], f[1], f[3]) for f in usage_facts({"register": [register_b]})} == {
        ("regix", "VAR06", usage["b1"].operation),
        ("regix", "SOF46", usage["b1"].operation),
    }
    assert usage_facts({"query_type": [usage["a2"].operation]}) == {("regix", "VAR06", JAN, usage["a2"].operation)}


@pytest.mark.django_db
def test_by_sets_what_each_regix_fact_is_per_and_narrows_nothing(usage):
    def items(data: dict) -> set:
        filterset = UsageReportFilterSet(data, queryset=Municipality.objects.all())
        assert filterset.is_valid()
        return set(filterset.filter_queryset(Municipality.objects.all()).values_list("service", "item_code"))

    registers = {("regix", usage[k].register.code) for k in ("a1", "b1")} | {("seos", None)}
    operations = {("regix", usage[k].operation) for k in ("a1", "a2", "b1")} | {("seos", None)}
    assert items({}) == items({"by": "register"}) == registers
    assert items({"by": "query_type"}) == operations


def test_every_usage_filter_has_a_narrowing_test():
    assert set(UsageReportFilterSet.base_filters) == set(USAGE_CASES) | {"by"}


@pytest.fixture
def declarations(db):
    """Varna: RegiX in production (verified), SEOS applied; nobody else declared anything."""
    varna = history("VAR06", "regix", [(date(2024, 6, 1), "production")])
    Adoption.objects.filter(pk=varna.pk).update(verification=Verification.VERIFIED)
    history("VAR06", "seos", [(date(2025, 1, 15), "applied")])


def cells(data: dict) -> list[tuple[str, str]]:
    filterset = AdoptionMatrixFilterSet(data, queryset=Municipality.objects.all())
    assert filterset.is_valid(), filterset.errors
    facts = filterset.filter_queryset(Municipality.objects.all())
    assert facts.model is MatrixCell
    return list(facts.values_list("municipality__code", "service__code"))


def first_stage(code: str) -> str:
    return Service.objects.get(code=code).first_stage().code


MATRIX_CASES = {
    "q": ({"q": "VAR06"}, lambda c: c[0] == "VAR06"),
    "province": ({"province": ["VAR"]}, lambda c: c[0].startswith("VAR")),
    "service": ({"service": ["seos"]}, lambda c: c[1] == "seos"),
    "stage": ({"stage": ["production"]}, lambda c: c == ("VAR06", "regix")),
    "verification": ({"verification": ["verified"]}, lambda c: c == ("VAR06", "regix")),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(MATRIX_CASES))
def test_each_matrix_filter_narrows_the_cells_on_its_own(declarations, name):
    data, keep = MATRIX_CASES[name]
    everything = cells({})
    assert len(everything) == Municipality.objects.count() * Service.objects.count()
    narrowed = cells(data)
    assert set(narrowed) == {cell for cell in everything if keep(cell)}
    assert 0 < len(narrowed) < len(everything)


@pytest.mark.django_db
def test_undeclared_cells_are_at_their_services_first_stage_and_not_declared(declarations):
    at_first = set(cells({"service": ["regix"], "stage": [first_stage("regix")]}))
    assert ("VAR01", "regix") in at_first
    assert ("VAR06", "regix") not in at_first  # declared: in production
    assert len(at_first) == Municipality.objects.count() - 1
    undeclared = set(cells({"q": "VAR06", "verification": ["not_declared"]}))
    assert undeclared == {("VAR06", s) for s in Service.objects.values_list("code", flat=True)} - {
        ("VAR06", "regix"),
        ("VAR06", "seos"),
    }


@pytest.mark.django_db
def test_the_matrix_ordering_sorts_the_cells(declarations):
    default = cells({"province": ["VAR"], "service": ["regix"]})
    by_code = cells({"province": ["VAR"], "service": ["regix"], "ordering": "-municipality_code"})
    assert sorted(default) == sorted(by_code)
    assert [c[0] for c in by_code] == sorted((c[0] for c in default), reverse=True)
    assert by_code != default


def test_every_matrix_filter_has_a_narrowing_test():
    assert set(AdoptionMatrixFilterSet.base_filters) == set(MATRIX_CASES) | {"ordering"}


# ---- the schema: the parameters are the FilterSets' fields -------------------------------------


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "filterset_class"),
    [("/api/reports/usage/", UsageReportFilterSet), ("/api/reports/adoption-matrix/", AdoptionMatrixFilterSet)],
)
def test_the_report_endpoints_list_every_filterset_field_with_its_help_text(schema, path, filterset_class):
    parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
    for name, filter_ in filterset_class.base_filters.items():
        assert name in parameters, f"{path}: {name} is not a parameter"
        assert str(parameters[name]["description"]).startswith(str(filter_.extra["help_text"])), (path, name)
    # Besides the filters only pagination, and DRF's `ordering` where the FilterSet has none.
    extra = set(parameters) - set(filterset_class.base_filters)
    assert extra <= {"page", "page_size", "ordering"}, extra
