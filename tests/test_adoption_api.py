"""The adoption API: services, declarations with history, and changes with the UI's rules."""

from __future__ import annotations

from datetime import date

import pytest

from adoption.models import Adoption, AdoptionChange
from municipalities.models import Municipality
from tests.adoption_helpers import history


@pytest.mark.django_db
def test_services_list_their_ordered_stages(client):
    data = client.get("/api/services/").json()
    assert [s["code"] for s in data] == ["seos", "regix", "edelivery", "eauth", "epayment", "backup"]
    regix = data[1]
    assert [s["code"] for s in regix["stages"]] == [
        "not_requested",
        "access_requested",
        "access_granted",
        "production",
        "suspended",
    ]
    assert set(regix["stages"][0]) == {"code", "order", "name_bg", "name_en", "counts_as_adopted"}


@pytest.mark.django_db
def test_a_municipality_shows_each_service_and_its_history(client, analyst):
    history("VAR06", "seos", [(date(2017, 11, 2), "applied"), (date(2018, 1, 20), "real")])
    client.force_login(analyst)
    data = client.get("/api/adoption/VAR06/").json()
    assert data["code"] == "VAR06"
    services = {s["service"]: s for s in data["services"]}
    assert services["seos"]["stage"] == "real"
    assert services["seos"]["declared"] is True
    assert services["seos"]["since"] == "2018-01-20"
    assert services["seos"]["verification"] == "unverified"
    assert services["regix"]["stage"] == "not_requested"
    assert services["regix"]["declared"] is False
    assert [(h["from_stage"], h["to_stage"]) for h in data["history"]] == [
        ("applied", "real"),
        ("not_applied", "applied"),
    ]
    assert data["contact"] is None


@pytest.mark.django_db
def test_the_list_filters_like_the_municipality_list(client, analyst):
    client.force_login(analyst)
    data = client.get("/api/adoption/", {"province": "VAR"}).json()
    assert data["count"] == 12
    assert {m["code"] for m in data["results"]} >= {"VAR01", "VAR06"}


@pytest.mark.django_db
def test_the_list_does_a_fixed_number_of_queries(client, analyst, django_assert_max_num_queries):
    for municipality in Municipality.objects.order_by("name_bg")[:50]:
        history(municipality.code, "regix", [(date(2018, 3, 1), "access_requested")])
    client.force_login(analyst)
    with django_assert_max_num_queries(10):
        assert client.get("/api/adoption/", {"q": "VAR06"}).json()["count"] == 1
    with django_assert_max_num_queries(10):
        data = client.get("/api/adoption/").json()
    assert len(data["results"]) == 50
    assert all(m["services"][1]["stage"] == "access_requested" for m in data["results"])


@pytest.mark.django_db
def test_the_detail_does_a_fixed_number_of_queries(client, analyst, django_assert_max_num_queries):
    history("VAR06", "seos", [(date(2017, 11, 2), "applied"), (date(2018, 1, 20), "real")])
    history("VAR06", "regix", [(date(2018, 3, 1), "access_requested"), (date(2018, 6, 1), "access_granted")])
    client.force_login(analyst)
    with django_assert_max_num_queries(10):
        assert len(client.get("/api/adoption/VAR06/").json()["history"]) == 4


@pytest.mark.django_db
def test_an_officer_changes_a_stage_through_the_api(client, officer_varna):
    client.force_login(officer_varna)
    response = client.post(
        "/api/adoption/VAR06/changes/",
        {"service": "regix", "stage": "access_requested", "comment": "Заявихме", "evidence": "https://example.bg/1"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["stage"] == "access_requested"
    assert response.json()["verification"] == "unverified"
    entry = AdoptionChange.objects.get()
    assert entry.user == officer_varna
    assert entry.evidence == "https://example.bg/1"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"service": "regix", "stage": "access_requested", "comment": ""}, "comment"),
        ({"service": "regix", "stage": "real", "comment": "x"}, "stage"),
        ({"service": "nosuch", "stage": "real", "comment": "x"}, "service"),
        ({"service": "regix", "stage": "not_requested", "comment": "x"}, "stage"),
        ({"service": "regix", "stage": "access_requested", "comment": "x", "since": "2999-01-01"}, "since"),
    ],
)
def test_invalid_changes_are_400_naming_the_field_and_change_nothing(client, officer_varna, body, field):
    client.force_login(officer_varna)
    response = client.post("/api/adoption/VAR06/changes/", body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not AdoptionChange.objects.exists()
    assert not Adoption.objects.exists()


@pytest.mark.django_db
def test_ministry_staff_verify_through_the_api(client, ministry_user):
    history("VAR06", "regix", [(date(2024, 3, 1), "access_requested")])
    client.force_login(ministry_user)
    response = client.post(
        "/api/adoption/VAR06/verify/",
        {"service": "regix", "approve": False, "comment": "Липсва документ"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["verification"] == "rejected"
    assert Adoption.objects.get().verification_comment == "Липсва документ"


@pytest.mark.django_db
def test_verifying_an_undeclared_service_is_404(client, ministry_user):
    client.force_login(ministry_user)
    response = client.post(
        "/api/adoption/VAR06/verify/",
        {"service": "seos", "approve": True, "comment": "ok"},
        content_type="application/json",
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_schema_builds_and_documents_the_endpoints(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/services/",
        "/api/adoption/",
        "/api/adoption/{code}/",
        "/api/adoption/{code}/changes/",
        "/api/adoption/{code}/verify/",
        "/api/adoption/{code}/confirm/",
        "/api/registers/",
        "/api/registers/{code}/",
        "/api/query-types/",
        "/api/query-types/{operation}/",
    ]:
        assert path in paths, path
    assert "post" in paths["/api/adoption/{code}/changes/"]


def test_the_schema_generator_reports_no_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache, list(GENERATOR_STATS._warn_cache)
    assert not GENERATOR_STATS._error_cache, list(GENERATOR_STATS._error_cache)
