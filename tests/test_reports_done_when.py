"""Issue 6, "done when": an analyst downloads the adoption matrix and a year of RegiX usage by
register, opens both in a spreadsheet with Cyrillic intact, and fetches the same figures from the
API with a token."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.adoption_helpers import history
from tests.reports_support import query_types, regix, seos

MUNICIPALITIES = ["VAR06", "VAR01", "SOF46", "PDV22", "BLG03"]


@pytest.fixture
def a_year_of_usage(db):
    types = query_types(4)  # three query types of one register, one of another
    for month in range(1, 13):
        for m, code in enumerate(MUNICIPALITIES):
            for t, query_type in enumerate(types):
                regix(code, query_type, date(2025, month, 1), 10 * month + m + t, errors=t)
            seos(code, date(2025, month, 1), month, m)
    regix("VAR06", types[0], date(2026, 1, 1), 5)  # outside the year asked for
    history("VAR06", "regix", [(date(2024, 6, 1), "production")])
    history("SOF46", "seos", [(date(2025, 2, 1), "applied"), (date(2025, 5, 1), "test")])


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM tells Excel the file is UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))


def _sheet_rows(response) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


def _api_rows(api: APIClient, url: str, params: dict) -> list[dict]:
    rows, page = [], 1
    while True:
        body = api.get(url, {**params, "page_size": 100, "page": page}).json()
        rows.extend(body["results"])
        if not body["next"]:
            return rows
        page += 1


@pytest.mark.django_db
def test_an_analyst_downloads_both_reports_and_fetches_the_same_figures_with_a_token(client, analyst, a_year_of_usage):
    client.force_login(analyst)
    year = {"service": "regix", "by": "register", "month_from": "2025-01", "month_to": "2025-12"}
    with translation.override("bg"):
        usage_csv = _csv_rows(client.get("/reports/usage/", {**year, "_export": "excel"}))
        usage_xlsx = _sheet_rows(client.get("/reports/usage/", {**year, "_export": "xlsx"}))
        matrix_csv = _csv_rows(client.get("/reports/adoption-matrix/", {"_export": "excel"}))
        matrix_xlsx = _sheet_rows(client.get("/reports/adoption-matrix/", {"_export": "xlsx"}))

    # A year by register: 12 months × 5 municipalities × 2 registers, Cyrillic intact in both files.
    assert len(usage_csv) - 1 == len(usage_xlsx) - 1 == 12 * 5 * 2
    assert usage_csv[0][:4] == ["Месец", "Област", "Код на общината", "Община"]
    assert usage_xlsx[0][3] == "Община"
    assert {row[3] for row in usage_csv[1:]} >= {"Варна", "Аврен"}
    assert {row[3] for row in usage_xlsx[1:]} == {row[3] for row in usage_csv[1:]}
    # The matrix: every municipality × service, with its declared stages in Bulgarian.
    assert matrix_csv[0][:2] == ["Код на общината", "Община"]
    assert len(matrix_csv) == len(matrix_xlsx)
    varna_regix = next(r for r in matrix_csv if r[0] == "VAR06" and r[3] == "regix")
    assert varna_regix[6] == "В реална употреба"
    assert next(r for r in matrix_xlsx if r[0] == "VAR06" and r[3] == "regix")[6] == "В реална употреба"

    # The same figures from the API, with a token and no session.
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")
    usage_api = _api_rows(api, "/api/reports/usage/", year)
    from_api = [
        (r["month"], r["municipality_code"], r["item_code"], r["item_name"], str(r["requests"]), str(r["errors"]))
        for r in usage_api
    ]
    from_file = [(r[0], r[2], r[5], r[6], r[7], r[8]) for r in usage_csv[1:]]
    assert from_api == from_file
    assert sum(int(r[7]) for r in usage_csv[1:]) == sum(r["requests"] for r in usage_api)

    matrix_api = _api_rows(api, "/api/reports/adoption-matrix/", {})
    assert [(r["municipality_code"], r["service"], r["stage_code"], r["usage_90_days"]) for r in matrix_api] == [
        (r[0], r[3], r[5], int(r[12]) if r[12] else None) for r in matrix_csv[1:]
    ]
