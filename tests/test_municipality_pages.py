"""The municipalities list (filters, sorting, pages, CSV export) and a municipality's page."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

LIST_URL = reverse("municipalities:list")


@pytest.mark.django_db
def test_the_list_shows_265_municipalities_in_bulgarian(client):
    response = client.get(LIST_URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="bg">' in body
    assert "265 общини" in body
    assert response.context["table"].paginator.count == 265
    assert len(response.context["table"].page.object_list) == 50


@pytest.mark.django_db
def test_it_filters_by_province(client):
    response = client.get(LIST_URL, {"province": "VAR"})
    codes = {row.record.code for row in response.context["table"].page.object_list}
    assert response.context["table"].paginator.count == 12
    assert all(code.startswith("VAR") for code in codes)
    assert {"VAR01", "VAR05", "VAR06"} <= codes


@pytest.mark.django_db
def test_it_searches_by_name_in_either_script(client):
    response = client.get(LIST_URL, {"q": "бяла"})
    assert {row.record.code for row in response.context["table"].page.object_list} == {"RSE04", "VAR05", "VRC08"}
    response = client.get(LIST_URL, {"q": "Byala"})
    assert response.context["table"].paginator.count == 3


@pytest.mark.django_db
def test_it_combines_province_and_name(client):
    response = client.get(LIST_URL, {"province": "VAR", "q": "бяла"})
    assert [row.record.code for row in response.context["table"].page.object_list] == ["VAR05"]


@pytest.mark.django_db
def test_an_unknown_province_is_a_clear_form_error(client):
    response = client.get(LIST_URL, {"province": "XXX"})
    assert response.status_code == 200
    assert "province" in response.context["filter"].form.errors


@pytest.mark.django_db
def test_it_sorts_by_population(client):
    response = client.get(LIST_URL, {"sort": "-population"})
    first = response.context["table"].page.object_list[0].record
    assert first.code == "SOF46"


@pytest.mark.django_db
def test_the_csv_export_is_the_filtered_table_with_hidden_columns(client):
    response = client.get(LIST_URL, {"province": "VAR", "_export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    header, data = rows[0], rows[1:]
    assert header == [
        "Код",
        "Име",
        "Име (латиница)",
        "Област",
        "Код на областта",
        "ЕКАТТЕ на центъра",
        "Категория по НСИ",
        "Население",
    ]
    assert len(data) == 12
    varna = next(row for row in data if row[0] == "VAR06")
    assert varna[1] == "Варна"
    assert varna[2] == "Varna"
    assert varna[-1].isdigit()


@pytest.mark.django_db
def test_the_list_does_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get(LIST_URL, {"per_page": 1})
    with django_assert_max_num_queries(6):
        client.get(LIST_URL, {"per_page": 50})


@pytest.mark.django_db
def test_a_municipality_page_shows_its_facts_and_map(client):
    response = client.get(reverse("municipalities:detail", kwargs={"code": "VAR06"}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Община Варна" in body
    assert "VAR06" in body
    assert "10135" in body
    assert body.count('class="shape current"') == 1
    assert body.count('class="shape"') == 11  # the other municipalities of Varna province, as links
    assert 'href="/municipalities/VAR01/"' in body


@pytest.mark.django_db
def test_an_unknown_municipality_is_404(client):
    assert client.get(reverse("municipalities:detail", kwargs={"code": "XXX99"})).status_code == 404


@pytest.mark.django_db
def test_the_language_switch_turns_the_pages_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": LIST_URL}, follow=True)
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "265 municipalities" in body
    assert ">Aytos</a>" in body  # the names, too, are in Latin script
    assert ">Айтос</a>" not in body


@pytest.mark.django_db
def test_the_home_page_shows_national_figures(client):
    body = client.get(reverse("home")).content.decode()
    assert "265" in body
    assert "7\xa0253\xa0828" in body


@pytest.mark.django_db
def test_an_english_browser_still_gets_bulgarian_until_the_user_switches(client):
    body = client.get(LIST_URL, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="bg">' in body
    client.post(reverse("set_language"), {"language": "en", "next": LIST_URL})
    body = client.get(LIST_URL, HTTP_ACCEPT_LANGUAGE="bg").content.decode()
    assert '<html lang="en">' in body


@pytest.mark.django_db
def test_the_table_address_maker_gives_each_municipalitys_own_address():
    """Municipality.absolute_urls() (reverse() once for a table of 265) against get_absolute_url."""
    from municipalities.models import Municipality

    href = Municipality.absolute_urls()
    municipalities = list(Municipality.objects.all())
    assert len(municipalities) == 265
    for municipality in municipalities:
        assert href(municipality.code) == municipality.get_absolute_url()
    assert href("A B") == reverse("municipalities:detail", kwargs={"code": "A B"})  # quoted as reverse() does
