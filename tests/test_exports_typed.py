"""Exports typed for their reader (issue 12): XLSX with real numbers, dates and percent cells, a
frozen header, an autofilter and fitting widths; plain CSV for scripts; CSV for Excel that a
spreadsheet (LibreOffice Calc, headless, Bulgarian) opens with numbers as numbers."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from adoption.models import Stage
from core.numbers import round_half_up
from tests.adoption_helpers import history

SOFFICE = shutil.which("soffice")


@pytest.fixture
def declarations(db):
    """Three of Varna's twelve municipalities declare SEOS at its first stage that counts as adopted."""
    second = Stage.objects.filter(service__code="seos", counts_as_adopted=True).order_by("order")[0]
    for code in ("VAR06", "VAR01", "VAR05"):
        history(code, "seos", [(date(2024, 1, 10), second.code)])
    return second


def workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def column(sheet, header: str) -> int:
    return [cell.value for cell in sheet[1]].index(header) + 1


@pytest.mark.django_db
def test_half_up_rounding_of_shares():
    assert round_half_up(262 / 265, 3) == Decimal("0.989")  # 98,9 %, not the truncated 98,8 %
    assert round_half_up(90 / 265, 3) == Decimal("0.340")  # 34,0 %, not 33,9 %
    assert round_half_up(0.0625, 3) == Decimal("0.063")  # half up, not half to even


def test_the_provinces_xlsx_has_numbers_percent_cells_a_frozen_filtered_header_and_widths(
    client, ministry_user, declarations
):
    client.force_login(ministry_user)
    sheet = workbook(client.get(reverse("dashboards:provinces"), {"_export": "xlsx"})).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(sheet.max_column)}{sheet.max_row}"
    assert sheet.max_row == 29  # 28 provinces below the header
    varna = next(row for row in range(2, 30) if sheet.cell(row, column(sheet, "Код")).value == "VAR")
    municipalities = sheet.cell(varna, column(sheet, "Общини"))
    assert (municipalities.value, municipalities.data_type) == (12, "n")
    share = sheet.cell(varna, column(sheet, "СЕОС: дял"))
    assert share.data_type == "n"
    assert share.value == pytest.approx(0.25)  # 3 of 12
    assert share.number_format == "0.0%"
    service_columns = [n + 1 for n, cell in enumerate(sheet[1]) if ":" in cell.value]  # "СЕОС: дял", ...
    assert all(isinstance(sheet.cell(varna, n).value, int | float) for n in service_columns)
    widths = {letter: sheet.column_dimensions[letter].width for letter in ("A", "B")}
    assert widths["A"] >= len("Благоевград")  # the province's name fits
    assert all(width <= 60 for width in widths.values())


def test_the_municipalities_tables_xlsx_has_numbers_where_the_page_groups_digits(client, ministry_user, declarations):
    client.force_login(ministry_user)
    sheet = workbook(client.get(reverse("dashboards:municipalities"), {"_export": "xlsx"})).active
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, column(sheet, "Код")).value == "VAR06")
    population = sheet.cell(row, column(sheet, "Население"))
    assert population.data_type == "n"
    assert population.value > 300_000  # 8 681-style grouped text on screen, a number here
    used = sheet.cell(row, column(sheet, "СЕОС: използвана в периода"))
    assert (used.data_type, used.value) == ("n", 0)  # a flag a spreadsheet can sum


def test_the_adoption_lists_xlsx_has_real_dates_and_codes_next_to_labels(client, analyst, declarations):
    client.force_login(analyst)
    sheet = workbook(client.get(reverse("adoption:list"), {"_export": "xlsx"})).active
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, column(sheet, "Код")).value == "VAR06")
    since = sheet.cell(row, column(sheet, "От дата"))
    assert since.is_date
    assert since.value == datetime(2024, 1, 10)  # noqa: DTZ001 - a workbook's dates are naive
    assert since.number_format == "yyyy-mm-dd"
    assert sheet.cell(row, column(sheet, "Код на услугата")).value == "seos"
    assert sheet.cell(row, column(sheet, "Код на етапа")).value == declarations.code
    assert sheet.cell(row, column(sheet, "Етап")).value == declarations.name_bg  # the label beside the code


def test_the_plain_csv_is_machine_readable(client, ministry_user, analyst, declarations):
    client.force_login(ministry_user)
    response = client.get(reverse("dashboards:provinces"), {"_export": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8"))))
    varna = next(row for row in rows if row["Код"] == "VAR")
    assert varna["СЕОС: дял"] == "0.250"  # a decimal point, no percent sign
    sofia = next(row for row in rows if row["Код"] == "SOF")
    assert sofia["Население"].isdigit()  # no grouping, no non-breaking space
    client.force_login(analyst)
    response = client.get(reverse("adoption:list"), {"_export": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8"))))
    varna = next(row for row in rows if row["Код"] == "VAR06")
    assert varna["От дата"] == "2024-01-10"  # ISO dates
    assert (varna["Код на услугата"], varna["Код на етапа"]) == ("seos", declarations.code)


def test_csv_for_excel_writes_decimals_with_the_languages_comma(client, ministry_user, declarations):
    client.force_login(ministry_user)
    response = client.get(reverse("dashboards:provinces"), {"_export": "excel"})
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert next(row for row in rows if row["Код"] == "VAR")["СЕОС: дял"] == "0,250"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is missing: `make libreoffice` installs it")
def test_libreoffice_opens_csv_for_excel_with_numbers_as_numbers(client, ministry_user, declarations, tmp_path):
    """Calc reads the file as a Bulgarian Excel user's would: `;`, UTF-8, Bulgarian locale (1026)."""
    client.force_login(ministry_user)
    response = client.get(reverse("dashboards:provinces"), {"_export": "excel"})
    source = tmp_path / "provinces.csv"
    source.write_bytes(response.getvalue())
    subprocess.run(  # noqa: S603 - a fixed command on a file this test wrote
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--infilter=CSV:59,34,76,1,,1026",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    sheet = openpyxl.load_workbook(tmp_path / "provinces.xlsx").active
    assert sheet.cell(1, 1).value == "Област"  # the BOM did not become part of the first header
    varna = next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row, column(sheet, "Код")).value == "VAR")
    municipalities = sheet.cell(varna, column(sheet, "Общини"))
    share = sheet.cell(varna, column(sheet, "СЕОС: дял"))
    assert (municipalities.data_type, municipalities.value) == ("n", 12)
    assert share.data_type == "n"
    assert share.value == pytest.approx(0.25)
    assert sheet.cell(varna, column(sheet, "Област")).value == "Варна"  # Bulgarian names intact
