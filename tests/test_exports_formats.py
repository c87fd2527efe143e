"""The bytes of each export flavour, XLSX read back, file names and the Content-Disposition header."""

from __future__ import annotations

import io
import zoneinfo
from datetime import date, datetime

import django_tables2 as tables
import openpyxl
import pytest
from django.utils import translation

from exports.choices import XLSX_MAX_DATA_ROWS, Flavour
from exports.formats import (
    ExportFilename,
    ExportStats,
    TooManyRowsError,
    crlf_line_ends,
    csv_chunks,
    export_filename,
    write_xlsx,
)
from exports.sources import TableExport

SOFIA = zoneinfo.ZoneInfo("Europe/Sofia")


class SampleTable(tables.Table):
    day = tables.DateColumn(verbose_name="Ден")
    when = tables.DateTimeColumn(verbose_name="Кога")
    requests = tables.Column(verbose_name="Заявки")
    ok = tables.BooleanColumn(verbose_name="Работи")
    name = tables.Column(verbose_name="Име")
    buttons = tables.Column(verbose_name="Бутони", exclude_from_export=True, empty_values=())
    note = tables.Column(verbose_name="Бележка", visible=False)

    def render_requests(self, value):
        return f"{value:,}".replace(",", " ")  # grouped digits on screen ...

    def value_requests(self, value):
        return value  # ... a plain integer in the export


ROWS = [
    {
        "day": date(2026, 11, 24),
        "when": datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("UTC")),
        "requests": 1234567,
        "ok": True,
        "name": 'Община "Бяла"; стара',
        "note": "ред 1\nред 2",
    },
    {"day": date(2026, 1, 2), "when": None, "requests": 0, "ok": False, "name": "Варна", "note": None},
]


class SampleExport(TableExport):
    table_class = SampleTable
    login_required = False

    def get_queryset(self):
        return ROWS


def sample_source() -> SampleExport:
    return SampleExport(None, {})


def sample_csv(flavour: str) -> bytes:
    return b"".join(sample_source().csv_chunks(flavour))


def test_csv_for_excel_is_utf8_with_bom_semicolons_and_crlf():
    with translation.override("bg"):
        data = sample_csv(Flavour.EXCEL)
    expected = (
        "\ufeffДен;Кога;Заявки;Работи;Име;Бележка\r\n"
        '2026-11-24;2026-11-24 11:30:00;1234567;да;"Община ""Бяла""; стара";"ред 1\nред 2"\r\n'
        "2026-01-02;;0;не;Варна;\r\n"
    ).encode()
    assert data == expected
    assert data.startswith(b"\xef\xbb\xbf")


def test_plain_csv_is_utf8_with_commas_and_lf_and_no_bom():
    with translation.override("bg"):
        data = sample_csv(Flavour.CSV)
    assert (
        data
        == (
            "Ден,Кога,Заявки,Работи,Име,Бележка\n"
            '2026-11-24,2026-11-24 11:30:00,1234567,да,"Община ""Бяла""; стара","ред 1\nред 2"\n'
            "2026-01-02,,0,не,Варна,\n"
        ).encode()
    )


def test_the_cyrillic_survives_a_round_trip():
    import csv

    for flavour, encoding, delimiter in [(Flavour.EXCEL, "utf-8-sig", ";"), (Flavour.CSV, "utf-8", ",")]:
        with translation.override("bg"):
            text = sample_csv(flavour).decode(encoding)
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        assert rows[0] == ["Ден", "Кога", "Заявки", "Работи", "Име", "Бележка"]
        assert rows[1][4] == 'Община "Бяла"; стара'
        assert rows[1][5] == "ред 1\nред 2"
        assert rows[2][4] == "Варна"


def test_booleans_are_words_in_the_users_language():
    with translation.override("en"):
        data = sample_csv(Flavour.CSV).decode()
    assert ",yes," in data
    assert ",no," in data


def test_the_xlsx_reads_back_with_types():
    out = io.BytesIO()
    stats = ExportStats()
    with translation.override("bg"):
        source = sample_source()
        write_xlsx(out, source.header(), source.rows(), title="Проба", stats=stats)
    assert stats.rows == 2
    out.seek(0)
    sheet = openpyxl.load_workbook(out).active
    assert sheet.title == "Проба"
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Ден", "Кога", "Заявки", "Работи", "Име", "Бележка")
    day, when, requests, ok, name, note = values[1]
    assert isinstance(requests, int)
    assert requests == 1234567
    assert isinstance(day, datetime)  # openpyxl reads every date cell back as a datetime
    assert day.date() == date(2026, 11, 24)
    assert sheet["A2"].number_format == "yyyy-mm-dd"
    assert when == datetime(2026, 11, 24, 11, 30, tzinfo=SOFIA).replace(tzinfo=None)  # Excel has no time zones
    assert ok == "да"
    assert name == 'Община "Бяла"; стара'
    assert note == "ред 1\nред 2"
    assert values[2][1] is None
    assert values[2][3] == "не"


def test_the_xlsx_writer_refuses_to_overflow_a_sheet_instead_of_cutting(monkeypatch):
    monkeypatch.setattr("exports.formats.XLSX_MAX_DATA_ROWS", 2)
    write_xlsx(io.BytesIO(), ["a"], [[1], [2]], title="t")  # exactly full is fine
    with pytest.raises(TooManyRowsError):
        write_xlsx(io.BytesIO(), ["a"], [[1], [2], [3]], title="t")


def test_the_xlsx_limit_is_excels_sheet_less_the_header():
    assert XLSX_MAX_DATA_ROWS + 1 == 1_048_576


def test_crlf_conversion_leaves_line_breaks_inside_quotes_alone_across_chunks():
    copied = b'1,"a\nb"\n2,"x"""\n'
    # split in the worst places: inside quotes, between the two quotes of an escaped quote
    pieces = [copied[:4], copied[4:11], copied[11:14], copied[14:]]
    assert pieces[2].endswith(b'"')
    assert b"".join(crlf_line_ends(pieces)) == b'1,"a\nb"\r\n2,"x"""\r\n'
    assert b"".join(crlf_line_ends([b'3,"q"""\n', b'4,"\n"\n'])) == b'3,"q"""\r\n4,"\n"\r\n'


def test_csv_chunks_count_the_rows_they_write():
    stats = ExportStats()
    chunks = list(csv_chunks(["n"], ([i] for i in range(2500)), Flavour.CSV, stats))
    assert stats.rows == 2500
    assert len(chunks) == 3  # ROWS_PER_CHUNK rows per chunk, the header in the first, the rest last


def test_the_file_name_is_cyrillic_with_a_transliterated_ascii_twin():
    name = export_filename(["общини", "Област Варна"], Flavour.EXCEL, day=date(2026, 11, 24))
    assert name.unicode == "общини-област-варна-2026-11-24.csv"
    assert name.ascii == "obshtini-oblast-varna-2026-11-24.csv"
    assert export_filename(["общини"], Flavour.XLSX, day=date(2026, 1, 2)).unicode == "общини-2026-01-02.xlsx"


def test_the_content_disposition_is_djangos_rfc_6266_header():
    header = ExportFilename("общини-област-варна-2026-11-24.csv").content_disposition()
    assert header == (
        "attachment; filename*=utf-8''%D0%BE%D0%B1%D1%89%D0%B8%D0%BD%D0%B8-%D0%BE%D0%B1%D0%BB%D0%B0%D1%81%D1%82-"
        "%D0%B2%D0%B0%D1%80%D0%BD%D0%B0-2026-11-24.csv"
    )


def test_a_file_name_cannot_smuggle_quotes_or_paths():
    name = export_filename(['a"b/../c;d'], Flavour.CSV, day=date(2026, 1, 1))
    assert name.unicode == "a-b-..-c-d-2026-01-01.csv"
    assert "/" not in name.unicode
    assert '"' not in name.ascii


def test_a_long_filter_gives_a_file_name_short_enough_for_any_disk():
    name = export_filename(["общини", "щ" * 500], Flavour.XLSX, day=date(2026, 1, 1))
    assert name.unicode.endswith("-2026-01-01.xlsx")
    assert len(name.unicode.encode()) < 255
    assert len(name.ascii) < 255
