"""The RegiX catalogue pages and API: registers with query type counts, search, a register's page."""

from __future__ import annotations

import csv
import io

import pytest

from catalog.models import QueryType, Register

LIST_URL = "/catalog/"


@pytest.mark.django_db
def test_the_list_shows_every_register_with_its_query_type_count(client):
    response = client.get(LIST_URL)
    assert response.status_code == 200
    table = response.context["table"]
    assert table.paginator.count == Register.objects.count() == 86
    grao = Register.objects.get(code="GRAO/NBD")
    row = next(r.record for r in table.rows if r.record.code == "GRAO/NBD")
    assert row.query_type_count == grao.query_types.count() > 0
    body = response.content.decode()
    assert "86 регистъра" in body
    assert 'href="/catalog/GRAO/NBD/"' in body


@pytest.mark.django_db
def test_retired_query_types_are_counted_apart(client):
    grao = Register.objects.get(code="GRAO/NBD")
    total = grao.query_types.count()
    grao.query_types.filter(pk=grao.query_types.first().pk).update(is_active=False)
    response = client.get(LIST_URL, {"q": "GRAO/NBD"})
    (row,) = [r.record for r in response.context["table"].page.object_list]
    assert (row.query_type_count, row.active_query_type_count) == (total, total - 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected_code"),
    [
        ("GRAO/NBD", "GRAO/NBD"),  # code
        ("PersonDataSearch", "GRAO/NBD"),  # the name of one of its operations
        ("приемните семейства", "ASP/FosterParents"),  # Bulgarian name
        ("Foster Families", "ASP/FosterParents"),  # English name
    ],
)
def test_it_searches_codes_names_and_operations(client, query, expected_code):
    response = client.get(LIST_URL, {"q": query})
    codes = {row.record.code for row in response.context["table"].page.object_list}
    assert expected_code in codes
    assert len(codes) < 86


@pytest.mark.django_db
def test_it_filters_by_owner(client):
    response = client.get(LIST_URL, {"owner": "АСП"})
    codes = {row.record.code for row in response.context["table"].page.object_list}
    assert codes >= {"ASP/FosterParents", "ASP/Social"}
    assert all(row.record.owner.find("АСП") >= 0 for row in response.context["table"].page.object_list)


@pytest.mark.django_db
def test_the_csv_export_is_the_filtered_table(client):
    response = client.get(LIST_URL, {"q": "ASP/", "_export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8"))))
    assert rows[0][:4] == ["Код", "Име", "Наименование (на английски)", "Администрация – собственик"]
    assert {r[0] for r in rows[1:]} == {"ASP/FosterParents", "ASP/Social"}


@pytest.mark.django_db
def test_a_register_page_lists_its_query_types(client):
    grao = Register.objects.get(code="GRAO/NBD")
    response = client.get(grao.get_absolute_url())
    assert response.status_code == 200
    shown = {row.record.operation for row in response.context["table"].page.object_list}
    assert shown == set(grao.query_types.values_list("operation", flat=True))
    body = response.content.decode()
    assert grao.name_bg in body
    assert "PersonDataSearch" in body


@pytest.mark.django_db
def test_a_register_page_searches_and_filters_its_query_types(client):
    grao = Register.objects.get(code="GRAO/NBD")
    response = client.get(grao.get_absolute_url(), {"q": "PersonDataSearch"})
    assert all("PersonDataSearch" in row.record.operation for row in response.context["table"].page.object_list)
    QueryType.objects.filter(register=grao).update(is_active=False)
    response = client.get(grao.get_absolute_url(), {"is_active": "true"})
    assert response.context["table"].paginator.count == 0
    response = client.get(grao.get_absolute_url(), {"is_active": "false"})
    assert response.context["table"].paginator.count == grao.query_types.count()
    assert client.get("/api/query-types/", {"register": "GRAO/NBD", "is_active": "true"}).json()["count"] == 0


@pytest.mark.django_db
def test_an_unknown_register_is_404(client):
    assert client.get("/catalog/NO/SUCH/").status_code == 404
    assert client.get("/api/registers/NO/SUCH/").status_code == 404


@pytest.mark.django_db
def test_the_pages_do_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get(LIST_URL, {"q": "GRAO/NBD"})
    with django_assert_max_num_queries(6):
        client.get(LIST_URL)
    with django_assert_max_num_queries(6):
        client.get("/catalog/GRAO/NBD/")


@pytest.mark.django_db
def test_the_api_lists_registers_and_query_types(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        data = client.get("/api/registers/").json()
    assert data["count"] == 86
    assert set(data["results"][0]) == {
        "code",
        "name_bg",
        "name_en",
        "owner",
        "query_type_count",
        "active_query_type_count",
    }
    with django_assert_max_num_queries(4):
        detail = client.get("/api/registers/GRAO/NBD/").json()
    assert detail["query_types"]
    operation = detail["query_types"][0]["operation"]
    with django_assert_max_num_queries(4):
        assert client.get("/api/query-types/", {"register": "GRAO/NBD"}).json()["count"] == len(detail["query_types"])
    assert client.get(f"/api/query-types/{operation}/").json()["register"] == "GRAO/NBD"
    assert client.get("/api/registers/", {"q": "GRAO/NBD"}).json()["count"] == 1


@pytest.mark.django_db
def test_the_api_is_read_only(client, analyst, ministry_user):
    for user in (analyst, ministry_user):
        client.force_login(user)
        assert client.post("/api/registers/", {"code": "X"}, content_type="application/json").status_code == 405
        assert client.delete("/api/registers/GRAO/NBD/").status_code == 405
    assert Register.objects.filter(code="GRAO/NBD").exists()
