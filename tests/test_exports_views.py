"""Exports of the municipalities list over HTTP: the three flavours, the XLSX limit and streaming."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

LIST_URL = reverse("municipalities:list")
HEADER_BG = [
    "Код",
    "Име",
    "Име (латиница)",
    "Област",
    "Код на областта",
    "ЕКАТТЕ на центъра",
    "Категория по НСИ",
    "Население",
]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_csv_for_excel_is_the_filtered_table_with_bom_semicolons_and_crlf(client):
    response = client.get(LIST_URL, {"province": "VAR", "_export": "excel"})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = body(response)
    assert data.startswith(b"\xef\xbb\xbf" + ";".join(HEADER_BG).encode() + b"\r\n")
    assert data.count(b"\r\n") == 13
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == HEADER_BG
    varna = next(row for row in rows[1:] if row[0] == "VAR06")
    assert varna[:6] == ["VAR06", "Варна", "Varna", "Варна", "VAR", "10135"]
    assert varna[-1].isdigit()  # no thousands separator
    assert int(varna[-1]) > 300_000


@pytest.mark.django_db
def test_the_cyrillic_file_name_goes_in_filename_star_by_djangos_own_header(client):
    response = client.get(LIST_URL, {"province": "VAR", "_export": "excel"})
    day = timezone.localdate().isoformat()
    cyrillic = f"общини-област-варна-{day}.csv"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(cyrillic)}"


@pytest.mark.django_db
def test_plain_csv_has_commas_lf_and_no_bom(client):
    data = body(client.get(LIST_URL, {"province": "VAR", "_export": "csv"}))
    assert data.startswith(",".join(HEADER_BG).encode() + b"\n")
    assert b"\r" not in data
    assert data.count(b"\n") == 13


@pytest.mark.django_db
def test_the_header_and_file_name_follow_the_users_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(LIST_URL, {"province": "VAR", "_export": "csv"})
    assert body(response).decode().splitlines()[0] == (
        "Code,Name,Name (Latin),Province,Province code,Seat EKATTE,NSI category,Population"
    )
    assert 'filename="municipalities-province-varna-' in response["Content-Disposition"]


@pytest.mark.django_db
def test_the_export_keeps_the_pages_sort_order_and_every_row(client):
    data = body(client.get(LIST_URL, {"sort": "-population", "_export": "csv", "page": "3"}))
    rows = list(csv.reader(io.StringIO(data.decode())))
    assert len(rows) == 266  # all of them, not the third page
    assert rows[1][0] == "SOF46"


@pytest.mark.django_db
def test_the_xlsx_reads_back_with_integers(client):
    response = client.get(LIST_URL, {"province": "VAR", "_export": "xlsx"})
    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["X-Row-Count"] == "12"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''%D0%BE%D0%B1")
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADER_BG
    assert len(values) == 13
    varna = next(row for row in values[1:] if row[0] == "VAR06")
    assert varna[1] == "Варна"
    assert isinstance(varna[-1], int)
    assert sheet.title == "общини"


@pytest.mark.django_db
def test_an_xlsx_above_a_sheet_is_refused_not_cut(client, monkeypatch):
    monkeypatch.setattr("exports.formats.XLSX_MAX_DATA_ROWS", 11)  # a sheet of 11 rows; VAR has 12
    response = client.get(LIST_URL, {"province": "VAR", "_export": "xlsx"})
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    text = response.content.decode()
    assert "province=VAR&amp;_export=excel" in text  # the way out: CSV has no limit
    # CSV of the same table is not refused, and a table of exactly a full sheet is allowed
    assert client.get(LIST_URL, {"province": "VAR", "_export": "excel"}).status_code == 200
    monkeypatch.setattr("exports.formats.XLSX_MAX_DATA_ROWS", 12)
    assert client.get(LIST_URL, {"province": "VAR", "_export": "xlsx"}).status_code == 200


@pytest.mark.django_db
def test_an_unknown_format_is_a_clear_400(client):
    response = client.get(LIST_URL, {"_export": "pdf"})
    assert response.status_code == 400
    assert "excel, csv, xlsx" in response.content.decode()


@pytest.mark.django_db
@override_settings(EXPORT_CHUNK_SIZE=20)
def test_a_csv_export_streams_from_a_server_side_cursor_in_chunks(client, monkeypatch):
    import psycopg

    monkeypatch.setattr("exports.formats.ROWS_PER_CHUNK", 10)
    monkeypatch.setattr("exports.downloads.BUFFER_BYTES", 0)  # stream after the first chunk
    fetches: list[int] = []
    cursors = []
    chunked_cursor = connection.chunked_cursor

    def spying_chunked_cursor():
        cursor = chunked_cursor()
        cursors.append(cursor.cursor)
        fetchmany = cursor.fetchmany

        def spying_fetchmany(size=None):
            rows = fetchmany(size)
            fetches.append(len(rows))
            return rows

        cursor.fetchmany = spying_fetchmany
        return cursor

    monkeypatch.setattr(connection, "chunked_cursor", spying_chunked_cursor)
    response = client.get(LIST_URL, {"_export": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    # The first chunk is written before the response starts (a failing query fails the status),
    # and only it: one fetch of the server-side cursor so far, not the whole table.
    assert fetches == [20]
    stream = iter(response.streaming_content)
    first = next(stream)
    assert first.count(b"\n") == 11  # header + the first ROWS_PER_CHUNK rows
    assert fetches == [20]
    rest = b"".join(stream)
    assert (first + rest).count(b"\n") == 266
    assert len(cursors) == 1
    assert isinstance(cursors[0], psycopg.ServerCursor)
    assert sum(fetches) == 265
    assert fetches[:14] == [20] * 13 + [5]  # 13 full fetches, then the 5 rows left


@pytest.mark.django_db
def test_an_export_does_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    # the province lookup, the planner's estimate (no COUNT), a savepoint, the cursor's SELECT, the release
    with django_assert_max_num_queries(5):
        body(client.get(LIST_URL, {"province": "VAR", "_export": "csv"}))
    with django_assert_max_num_queries(4):
        body(client.get(LIST_URL, {"_export": "csv"}))


@pytest.mark.django_db
def test_the_list_offers_three_downloads_with_advice_keeping_the_filters(client):
    text = client.get(LIST_URL, {"province": "VAR", "page": "1"}).content.decode()
    assert 'aria-labelledby="export-links-heading"' in text
    assert "Изтегляне на таблицата" in text
    for flavour in ("excel", "csv", "xlsx"):
        assert f'href="?province=VAR&amp;_export={flavour}"' in text
        assert f'aria-describedby="export-help-{flavour}"' in text
    assert "CSV за Excel" in text
    assert "всички 12 реда" in text


@pytest.mark.django_db
def test_a_table_that_grows_past_a_sheet_while_written_is_refused_too(client, monkeypatch):
    monkeypatch.setattr("exports.formats.XLSX_MAX_DATA_ROWS", 11)  # the writer's limit, not the count's
    response = client.get(LIST_URL, {"province": "VAR", "_export": "xlsx"})
    assert response.status_code == 400
    assert "Content-Disposition" not in response
