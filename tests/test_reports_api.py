"""The reports' API: token access, the report pages' filters and scoping, query counts, and the schema."""

from __future__ import annotations

from datetime import date

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.choices import Role
from municipalities.models import Municipality
from tests.adoption_helpers import history
from tests.reports_support import query_types, regix, seos

USAGE = "/api/reports/usage/"
MATRIX = "/api/reports/adoption-matrix/"
JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)


@pytest.fixture
def operator(db, django_user_model):
    return django_user_model.objects.create_user(username="operator", password="secret-pass-123", role=Role.OPERATOR)


def token_client(user) -> APIClient:
    api = APIClient()
    if user is not None:
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


@pytest.fixture
def usage(db):
    a1, a2, b1 = query_types()
    regix("VAR06", a1, JAN, 100, 3)
    regix("VAR06", a2, JAN, 20, 1)
    regix("VAR06", b1, FEB, 7)
    regix("VAR01", a1, JAN, 9)
    seos("VAR06", JAN, 11, 12)
    return {"a1": a1, "b1": b1}


@pytest.mark.django_db
def test_an_analyst_with_a_token_gets_the_aggregates(analyst, usage):
    body = token_client(analyst).get(USAGE, {"municipality": "VAR06", "service": "regix"}).json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first == {
        "month": "2026-01-01",
        "province": "VAR",
        "municipality_code": "VAR06",
        "municipality_name": "Варна",
        "service": "regix",
        "item_code": usage["a1"].register.code,
        "item_name": usage["a1"].register.name_bg,
        "requests": 120,
        "errors": 4,
        "sent": None,
        "received": None,
    }


@pytest.mark.django_db
def test_the_api_takes_the_report_filters_and_orders(analyst, usage):
    api = token_client(analyst)
    by_query_type = api.get(USAGE, {"by": "query_type", "service": "regix", "month_to": "2026-01"}).json()
    assert {(r["municipality_code"], r["item_code"], r["requests"]) for r in by_query_type["results"]} == {
        ("VAR06", usage["a1"].operation, 100),
        ("VAR06", query_types()[1].operation, 20),
        ("VAR01", usage["a1"].operation, 9),
    }
    ordered = api.get(USAGE, {"service": "regix", "ordering": "-requests"}).json()["results"]
    assert [r["requests"] for r in ordered] == [120, 9, 7]
    seos_only = api.get(USAGE, {"service": "seos"}).json()["results"]
    assert [(r["sent"], r["received"], r["item_code"]) for r in seos_only] == [(11, 12, None)]
    paged = api.get(USAGE, {"page_size": 1, "page": 2}).json()
    assert paged["count"] == 4
    assert len(paged["results"]) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [{"month_from": "2026-13"}, {"month_to": "yesterday"}, {"service": "ssev"}, {"province": "XXX"}, {"by": "day"}],
)
def test_bad_filters_are_a_400_naming_the_field(analyst, params):
    response = token_client(analyst).get(USAGE, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("analyst", 200),
        ("ministry_user", 200),
        ("administrator", 200),
        ("officer_varna", 200),
        ("officer_other", 200),
        ("operator", 403),
        ("anonymous", 403),  # session authentication comes first: DRF answers 403, not 401
    ],
)
def test_who_may_use_the_report_endpoints(request, persona, status):
    api = token_client(request.getfixturevalue(persona))
    assert api.get(USAGE).status_code == status
    assert api.get(MATRIX, {"q": "VAR06"}).status_code == status


@pytest.mark.django_db
def test_an_officer_gets_only_their_own_municipality(officer_varna, officer_other, usage):
    api = token_client(officer_varna)
    assert {r["municipality_code"] for r in api.get(USAGE).json()["results"]} == {"VAR06"}
    assert api.get(USAGE, {"municipality": "VAR01"}).json()["count"] == 0
    assert {r["municipality_code"] for r in api.get(MATRIX).json()["results"]} == {"VAR06"}
    other = token_client(officer_other)
    assert {r["municipality_code"] for r in other.get(USAGE).json()["results"]} == {"VAR01"}


@pytest.mark.django_db
def test_the_matrix_endpoint_filters_and_orders(analyst, usage):
    history("VAR06", "regix", [(date(2024, 6, 1), "production")])
    api = token_client(analyst)
    body = api.get(MATRIX, {"service": "regix", "stage": "production"}).json()
    assert [(r["municipality_code"], r["stage_code"], r["since"], r["verification"]) for r in body["results"]] == [
        ("VAR06", "production", "2024-06-01", "unverified")
    ]
    varna = api.get(MATRIX, {"province": "VAR", "service": "regix", "ordering": "-municipality_code"}).json()
    codes = [r["municipality_code"] for r in varna["results"]]
    assert codes == sorted(codes, reverse=True)
    assert varna["count"] == Municipality.objects.filter(province__code="VAR").count()
    assert api.get(MATRIX, {"ordering": "population"}).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("months", [1, 50])
def test_the_usage_endpoint_runs_a_fixed_number_of_queries(analyst, django_assert_max_num_queries, months):
    a1 = query_types()[0]
    for index in range(months):
        regix("VAR06", a1, date(2020 + index // 12, index % 12 + 1, 1), index + 1)
    api = token_client(analyst)
    with django_assert_max_num_queries(8):
        body = api.get(USAGE, {"service": "regix"}).json()
    assert len(body["results"]) == months


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "rows"), [({"q": "VAR06", "service": "regix"}, 1), ({"province": "PDV"}, 50)])
def test_the_matrix_endpoint_runs_a_fixed_number_of_queries(analyst, django_assert_max_num_queries, params, rows):
    api = token_client(analyst)
    with django_assert_max_num_queries(14):
        body = api.get(MATRIX, params).json()
    assert len(body["results"]) == rows


@pytest.mark.django_db
def test_municipalities_carry_their_declared_stages_without_n_plus_1(client, analyst, django_assert_max_num_queries):
    history("VAR06", "regix", [(date(2024, 6, 1), "production")])
    history("VAR06", "seos", [(date(2025, 1, 15), "applied")])
    api = token_client(analyst)
    with django_assert_max_num_queries(6):
        body = api.get("/api/municipalities/", {"province": "VAR"}).json()
    varna = next(m for m in body["results"] if m["code"] == "VAR06")
    assert [(s["service"], s["stage"], s["since"]) for s in varna["stages"]] == [
        ("seos", "applied", "2025-01-15"),
        ("regix", "production", "2024-06-01"),
    ]
    assert api.get("/api/municipalities/VAR06/").json()["stages"][1]["counts_as_adopted"] is True
    # Anonymous visitors read the municipalities but not the declarations.
    anonymous = client.get("/api/municipalities/", {"q": "VAR06"}).json()["results"][0]
    assert anonymous["stages"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "rows"), [({"q": "VAR06"}, 1), ({}, 50)])
def test_the_municipality_list_with_stages_runs_a_fixed_number_of_queries(
    analyst, django_assert_max_num_queries, params, rows
):
    for code in Municipality.objects.order_by("name_bg").values_list("code", flat=True)[:60]:
        history(code, "regix", [(date(2024, 6, 1), "production")])
    api = token_client(analyst)
    with django_assert_max_num_queries(6):
        body = api.get("/api/municipalities/", params).json()
    assert len(body["results"]) == rows
    assert all(len(m["stages"]) >= 1 for m in body["results"])


@pytest.mark.django_db
def test_an_officer_sees_stages_of_their_own_municipality_only(officer_varna):
    history("VAR06", "regix", [(date(2024, 6, 1), "production")])
    history("VAR01", "regix", [(date(2024, 6, 1), "production")])
    results = token_client(officer_varna).get("/api/municipalities/", {"province": "VAR"}).json()["results"]
    assert {m["code"]: len(m["stages"]) for m in results if m["code"] in {"VAR06", "VAR01"}} == {"VAR06": 1, "VAR01": 0}


# ---- the schema ---------------------------------------------------------------------------------

REQUIRED_OPERATIONS = [
    "/api/provinces/",
    "/api/provinces/{code}/",
    "/api/municipalities/",
    "/api/municipalities/{code}/",
    "/api/services/",
    "/api/services/{code}/",
    "/api/registers/",
    "/api/registers/{code}/",
    "/api/query-types/",
    "/api/adoption/",
    "/api/adoption/{code}/",
    "/api/reports/usage/",
    "/api/reports/adoption-matrix/",
    "/api/usage-files/",
    "/api/usage-files/{id}/",
    "/api/usage-files/{id}/rejected-rows/",
]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.django_db
def test_the_schema_builds_and_validates(schema):
    validate_schema(schema)


@pytest.mark.django_db
@pytest.mark.parametrize("path", REQUIRED_OPERATIONS)
def test_every_endpoint_is_in_the_schema_with_a_description(schema, path):
    operation = schema["paths"][path]["get"]
    assert operation.get("description", "").strip(), path


# Every property of every component (these reports' included) is checked for a description by
# tests/test_api_schema_descriptions.py, which walks the whole schema.


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/reports/usage/", "/api/reports/adoption-matrix/"])
def test_the_report_endpoints_document_their_filters(schema, path):
    parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
    assert {"province", "service", "page", "page_size", "ordering"} <= set(parameters)
    assert all(p.get("description") for p in parameters.values()), path
