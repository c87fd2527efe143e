"""Queryset tables are written by PostgreSQL (COPY), with the Python writer's bytes; and no
download counts its rows first: inline or background is the planner's estimate (EXPLAIN)."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from adoption.choices import Verification
from adoption.models import Adoption, Stage
from exports import registry
from exports.models import ExportJob
from tests.adoption_helpers import history
from tests.reports_support import query_types, regix

ADOPTION_URL = reverse("adoption:list")
COUNT = re.compile(r"\bcount\s*\(", re.IGNORECASE)


@pytest.fixture
def declarations(db):
    """Declarations with every kind of cell: a formula, an empty text, a quote, a verified one."""
    counted = Stage.objects.filter(service__code="seos", counts_as_adopted=True).order_by("order")[0]
    first = history("VAR06", "seos", [(date(2024, 1, 10), counted.code)])
    first.evidence, first.comment = '=HYPERLINK("http://evil.example")', ""
    first.verification = Verification.VERIFIED
    first.save()
    second = history("VAR01", "seos", [(date(2023, 5, 2), counted.code)])
    second.comment = 'Община "Аврен"; ред 1\nред 2'
    second.save()
    history("SOF46", "seos", [(date(2022, 12, 31), counted.code)])
    return Adoption.objects.all()


def download(client, url: str, **params) -> bytes:
    response = client.get(url, params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def python_writer(monkeypatch) -> None:
    """Every table on the Python writer, as before tables had SQL columns."""
    monkeypatch.setattr("exports.sources.sql_columns", lambda *args: None)


@pytest.mark.parametrize("language", ["bg", "en"])
@pytest.mark.parametrize("flavour", ["excel", "csv"])
def test_the_adoption_lists_csv_from_copy_is_the_python_writers_byte_for_byte(
    client, analyst, declarations, monkeypatch, flavour, language
):
    client.force_login(analyst)
    client.cookies["django_language"] = language
    source = registry.for_page("adoption:list")(analyst, {})
    with translation.override(language):
        assert source.sql is not None  # every column is SQL: PostgreSQL writes the file
    by_copy = download(client, ADOPTION_URL, _export=flavour)
    python_writer(monkeypatch)
    assert download(client, ADOPTION_URL, _export=flavour) == by_copy
    assert by_copy.count(b"'=HYPERLINK") == 1


def test_the_adoption_lists_xlsx_from_sql_rows_has_the_python_writers_cells(client, analyst, declarations, monkeypatch):
    client.force_login(analyst)

    def cells() -> list[list]:
        workbook = openpyxl.load_workbook(io.BytesIO(download(client, ADOPTION_URL, _export="xlsx")))
        return [[(cell.value, cell.data_type) for cell in row] for row in workbook.active.iter_rows()]

    by_sql = cells()
    python_writer(monkeypatch)
    assert cells() == by_sql
    assert len(by_sql) == 4


def test_a_table_with_a_python_only_column_stays_on_the_python_writer(analyst, declarations):
    from municipalities.exports import MunicipalityListExport

    assert MunicipalityListExport(analyst, {}).sql is None  # value_ methods with no SQL twin


def queries_of(client, url: str, **params) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        download(client, url, **params)
    return [query["sql"] for query in captured.captured_queries]


@pytest.fixture
def usage(db):
    a1, _a2, b1 = query_types()
    regix("VAR06", a1, date(2026, 1, 1), 100, 3)
    regix("SOF46", b1, date(2025, 12, 1), 1000)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/reports/usage/", {"service": "regix", "by": "query_type"}),
        (ADOPTION_URL, {}),
        (reverse("municipalities:list"), {"province": "VAR"}),
    ],
)
def test_a_download_asks_the_planner_and_never_counts_its_rows(client, analyst, declarations, usage, url, params):
    client.force_login(analyst)
    statements = queries_of(client, url, _export="csv", **params)
    assert any(sql.startswith("EXPLAIN") for sql in statements)
    assert [sql for sql in statements if COUNT.search(sql)] == []


@pytest.mark.django_db
def test_the_planners_estimate_above_the_threshold_sends_the_adoption_list_to_the_background(
    client, analyst, declarations, settings, tmp_path
):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE adoption_adoption")
    settings.EXPORT_ASYNC_THRESHOLD_ROWS = 2
    settings.EXPORT_STORAGE_DIR = tmp_path / "exports"
    client.force_login(analyst)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(ADOPTION_URL, {"_export": "csv"})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert (job.source, job.status, job.row_count) == ("adoption:list", "done", 3)
    assert not [query for query in captured.captured_queries if COUNT.search(query["sql"])]
