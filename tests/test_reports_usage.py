"""The usage report page: figures from the monthly rollups, filters, scoping by role, and its exports."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.conf import settings
from django.utils import translation

from accounts.choices import Role
from exports.models import ExportJob
from reports.filters import UsageReportFilterSet
from reports.queries import USAGE_COLUMNS
from tests.reports_support import query_types, regix, seos

URL = "/reports/usage/"
JAN, FEB, DEC = date(2026, 1, 1), date(2026, 2, 1), date(2025, 12, 1)


@pytest.fixture
def operator(db, django_user_model):
    return django_user_model.objects.create_user(username="operator", password="secret-pass-123", role=Role.OPERATOR)


@pytest.fixture
def usage(db):
    """Two query types of register A and one of register B, in Varna (VAR06), Avren (VAR01), Sofia (SOF46)."""
    a1, a2, b1 = query_types()
    regix("VAR06", a1, JAN, 100, 3)
    regix("VAR06", a2, JAN, 20, 1)
    regix("VAR06", b1, JAN, 7)
    regix("VAR06", a1, FEB, 50)
    regix("VAR01", a1, JAN, 9)
    regix("SOF46", b1, DEC, 1000)
    seos("VAR06", JAN, 11, 12)
    seos("SOF46", JAN, 5, 6)
    return {"a1": a1, "a2": a2, "b1": b1}


def rows(response) -> list[dict]:
    return list(response.context["table"].data)


def key(row: dict) -> tuple:
    return (row["month"], row["municipality_code"], row["service"], row["item_code"])


@pytest.mark.django_db
def test_it_sums_the_query_types_of_a_register_per_month_and_municipality(client, analyst, usage):
    client.force_login(analyst)
    response = client.get(URL, {"municipality": "VAR06", "service": "regix"})
    register_a, register_b = usage["a1"].register, usage["b1"].register
    assert [(r["month"], r["item_code"], r["item_name"], r["requests"], r["errors"]) for r in rows(response)] == [
        (JAN, register_a.code, register_a.name_bg, 120, 4),
        (JAN, register_b.code, register_b.name_bg, 7, 0),
        (FEB, register_a.code, register_a.name_bg, 50, 0),
    ]
    assert rows(response)[0]["municipality_name"] == "Варна"
    assert rows(response)[0]["province"] == "VAR"


@pytest.mark.django_db
def test_it_breaks_regix_down_by_query_type_when_asked(client, analyst, usage):
    client.force_login(analyst)
    response = client.get(URL, {"municipality": "VAR06", "service": "regix", "by": "query_type", "month_to": "2026-01"})
    assert [(r["item_code"], r["requests"]) for r in rows(response)] == [
        (usage["a1"].operation, 100),
        (usage["a2"].operation, 20),
        (usage["b1"].operation, 7),
    ]


@pytest.mark.django_db
def test_seos_rows_carry_documents_and_regix_rows_requests(client, analyst, usage):
    client.force_login(analyst)
    response = client.get(URL, {"month_from": "2026-01", "month_to": "2026-01", "municipality": "VAR06"})
    seos_rows = [r for r in rows(response) if r["service"] == "seos"]
    assert [(r["sent"], r["received"], r["requests"], r["item_code"]) for r in seos_rows] == [(11, 12, None, None)]
    assert {r["service"] for r in rows(response)} == {"regix", "seos"}
    assert len(rows(response)) == 3


@pytest.mark.django_db
def test_it_filters_by_months_provinces_and_services(client, analyst, usage):
    client.force_login(analyst)
    by_province = rows(client.get(URL, {"province": "VAR"}))
    assert {r["municipality_code"] for r in by_province} == {"VAR06", "VAR01"}
    sofia = rows(client.get(URL, {"province": "SOF", "service": "seos"}))
    assert [(r["month"], r["sent"]) for r in sofia] == [(JAN, 5)]
    december = rows(client.get(URL, {"month_to": "2025-12"}))
    assert [(r["municipality_code"], r["requests"]) for r in december] == [("SOF46", 1000)]
    several = rows(client.get(URL, {"municipality": ["VAR01", "SOF46"], "service": "regix"}))
    assert {r["municipality_code"] for r in several} == {"VAR01", "SOF46"}


@pytest.mark.django_db
def test_a_register_filter_leaves_seos_out(client, analyst, usage):
    client.force_login(analyst)
    response = client.get(URL, {"register": usage["b1"].register.code})
    assert {(r["municipality_code"], r["service"], r["requests"]) for r in rows(response)} == {
        ("VAR06", "regix", 7),
        ("SOF46", "regix", 1000),
    }


@pytest.mark.django_db
def test_a_bad_month_is_an_error_on_the_form_and_no_rows(client, analyst, usage):
    client.force_login(analyst)
    response = client.get(URL, {"month_from": "2026-13"})
    assert response.status_code == 200
    assert response.context["filter"].errors["month_from"]
    assert rows(response) == []
    export = client.get(URL, {"month_from": "январи", "_export": "csv"})
    assert export.status_code == 200
    assert export["X-Row-Count"] == "0"


@pytest.mark.django_db
def test_the_page_shows_the_row_count_and_the_three_downloads(client, analyst, usage):
    client.force_login(analyst)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(URL, {"province": "VAR"}).content.decode()
    assert 'id="result-count"' in html
    assert "5 rows" in html
    for flavour in ("excel", "csv", "xlsx"):
        assert f"_export={flavour}" in html


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
        ("anonymous", 302),
    ],
)
def test_who_may_open_the_report(client, request, persona, status):
    user = request.getfixturevalue(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(URL)
    assert response.status_code == status
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    export = client.get(URL, {"_export": "csv"})
    assert export.status_code == status


@pytest.mark.django_db
def test_an_officer_sees_and_exports_only_their_own_municipality(client, officer_varna, officer_other, usage):
    client.force_login(officer_varna)
    assert {r["municipality_code"] for r in rows(client.get(URL))} == {"VAR06"}
    # Asking for another municipality by name gives nothing, not its figures.
    assert rows(client.get(URL, {"municipality": "SOF46"})) == []
    body = b"".join(client.get(URL, {"_export": "csv"}).streaming_content).decode()
    assert "VAR06" in body
    assert "SOF46" not in body
    assert "VAR01" not in body
    client.force_login(officer_other)
    assert {r["municipality_code"] for r in rows(client.get(URL))} == {"VAR01"}


@pytest.mark.django_db
@pytest.mark.parametrize("months", [1, 50])
def test_the_page_runs_a_fixed_number_of_queries(client, analyst, django_assert_max_num_queries, months):
    a1 = query_types()[0]
    for index in range(months):
        regix("VAR06", a1, date(2020 + index // 12, index % 12 + 1, 1), index + 1)
    client.force_login(analyst)
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"service": "regix"})
    assert response.context["table"].paginator.count == months


@pytest.mark.django_db
def test_the_filterset_gives_the_columns_in_the_export_order(analyst, usage):
    from municipalities.models import Municipality

    filterset = UsageReportFilterSet({"service": ["regix"]}, queryset=Municipality.objects.visible_to(analyst))
    first = filterset.qs.first()
    assert tuple(first) == USAGE_COLUMNS


def _bytes(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_the_excel_csv_is_exact_bytes_bom_semicolons_crlf_cyrillic(client, analyst, usage):
    client.force_login(analyst)
    with translation.override("bg"):
        response = client.get(URL, {"municipality": "VAR06", "month_to": "2026-01", "_export": "excel"})
    register_a, register_b = usage["a1"].register, usage["b1"].register
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["X-Row-Count"] == "3"
    expected = (
        "\ufeffМесец;Област;Код на общината;Община;Услуга;Код на регистъра;Регистър;"
        "Заявки към RegiX;Грешки в RegiX;Изпратени документи в СЕОС;Получени документи в СЕОС\r\n"
        f"2026-01-01;VAR;VAR06;Варна;regix;{register_a.code};{_field(register_a.name_bg, ';')};120;4;;\r\n"
        f"2026-01-01;VAR;VAR06;Варна;regix;{register_b.code};{_field(register_b.name_bg, ';')};7;0;;\r\n"
        "2026-01-01;VAR;VAR06;Варна;seos;;;;;11;12\r\n"
    ).encode()
    assert _bytes(response) == expected
    assert expected.decode("utf-8-sig").splitlines()[1].split(";")[3] == "Варна"


def _field(value: str, delimiter: str) -> str:
    return f'"{value}"' if any(c in value for c in f'{delimiter}"\n') else value


@pytest.mark.django_db
def test_the_plain_csv_is_utf8_commas_and_lf(client, analyst, usage):
    client.force_login(analyst)
    with translation.override("bg"):
        response = client.get(URL, {"municipality": "VAR06", "service": "seos", "_export": "csv"})
    body = _bytes(response)
    assert not body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8").split("\n")[1] == "2026-01-01,VAR,VAR06,Варна,seos,,,,,11,12"
    assert b"\r\n" not in body
    assert "-var06-seos-" in response["Content-Disposition"]  # the filters name the file


@pytest.mark.django_db
def test_the_xlsx_reads_back_with_real_dates_numbers_and_cyrillic(client, analyst, usage):
    client.force_login(analyst)
    with translation.override("bg"):
        response = client.get(URL, {"municipality": "VAR06", "service": "regix", "_export": "xlsx"})
    assert response["X-Row-Count"] == "3"
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = list(book.active.iter_rows(values_only=True))
    assert values[0][:4] == ("Месец", "Област", "Код на общината", "Община")
    assert len(values) == 4
    month, _province, code, name, service, _item, _name, requests, errors, sent, received = values[1]
    assert month.date() == JAN  # openpyxl reads a date cell back as a naive datetime
    assert (code, name, service, requests, errors, sent, received) == ("VAR06", "Варна", "regix", 120, 4, None, None)


@pytest.mark.django_db
def test_the_export_follows_the_page_sort(client, analyst, usage):
    client.force_login(analyst)
    body = _bytes(client.get(URL, {"service": "regix", "sort": "-requests", "_export": "csv"})).decode()
    requests = [line.split(",")[7] for line in body.splitlines()[1:]]
    assert requests == sorted(requests, key=int, reverse=True)
    assert requests[0] == "1000"


@pytest.mark.django_db
def test_a_big_usage_export_becomes_a_background_job_with_the_same_scoped_rows(
    client, officer_varna, usage, settings, tmp_path
):
    settings.EXPORT_ASYNC_THRESHOLD_ROWS = 2
    settings.EXPORT_STORAGE_DIR = tmp_path / "exports"
    client.force_login(officer_varna)
    response = client.get(URL, {"service": "regix", "_export": "csv"})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert (job.source, job.query_string, job.status) == ("reports:usage", "service=regix", "done")
    assert job.row_count == 3
    lines = job.path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4
    assert {line.split(",")[2] for line in lines[1:]} == {"VAR06"}


@pytest.mark.django_db
def test_the_place_filters_filter_the_municipalities_as_any_filterset_does(analyst):
    """Issue 10.4: province and municipality are real filters, not read aside by filter_queryset."""
    import django_filters

    from municipalities.models import Municipality

    filterset = UsageReportFilterSet({"province": ["VAR"], "municipality": ["VAR06", "SOF46"]})
    assert filterset.is_valid()
    places = django_filters.FilterSet.filter_queryset(filterset, Municipality.objects.visible_to(analyst))
    assert list(places.values_list("code", flat=True)) == ["VAR06"]
