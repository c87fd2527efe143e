"""The read API of provinces and municipalities, and the OpenAPI schema."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema


@pytest.mark.django_db
def test_it_lists_municipalities_with_paging(client):
    body = client.get("/api/municipalities/").json()
    assert body["count"] == 265
    assert len(body["results"]) == 50
    assert set(body["results"][0]) == {
        "code",
        "name_bg",
        "name_en",
        "province",
        "seat_ekatte",
        "category",
        "population",
    }


@pytest.mark.django_db
def test_it_filters_like_the_list_page(client):
    body = client.get("/api/municipalities/", {"province": "VAR", "q": "бяла"}).json()
    assert [m["code"] for m in body["results"]] == ["VAR05"]


@pytest.mark.django_db
def test_it_orders_by_population(client):
    body = client.get("/api/municipalities/", {"ordering": "-population"}).json()
    assert body["results"][0]["code"] == "SOF46"


@pytest.mark.django_db
def test_a_municipality_has_its_boundary(client):
    body = client.get("/api/municipalities/PAZ39/").json()
    assert body["name_bg"] == "Сърница"
    assert body["province"] == "PAZ"
    assert body["boundary"]["type"] in {"Polygon", "MultiPolygon"}


@pytest.mark.django_db
def test_provinces(client):
    body = client.get("/api/provinces/").json()
    assert body["count"] == 28
    assert client.get("/api/provinces/VAR/").json()["name_bg"] == "Варна"


@pytest.mark.django_db
def test_the_read_api_refuses_writes(client, ministry_user):
    client.force_login(ministry_user)
    assert client.post("/api/municipalities/", {"code": "NEW01"}).status_code in {403, 405}
    assert client.delete("/api/municipalities/VAR06/").status_code in {403, 405}


@pytest.mark.django_db
def test_the_list_does_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get("/api/municipalities/", {"page_size": 1})
    with django_assert_max_num_queries(3):
        client.get("/api/municipalities/")


@pytest.mark.django_db
def test_the_schema_builds_and_validates(client):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert "/api/municipalities/" in schema["paths"]
    response = client.get("/api/schema/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_swagger_ui_is_served_without_a_cdn(client):
    body = client.get("/api/schema/swagger/").content.decode()
    assert "swagger-ui" in body
    assert "cdn." not in body
    assert "unpkg" not in body


@pytest.mark.django_db
def test_scripts_can_ask_for_bigger_pages(client):
    body = client.get("/api/municipalities/", {"page_size": 300}).json()
    assert len(body["results"]) == 265
    assert body["next"] is None
    assert len(client.get("/api/municipalities/", {"page_size": 5}).json()["results"]) == 5
