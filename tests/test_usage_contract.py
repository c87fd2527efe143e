"""Every rule of the usage files contract (../shared/specs/usage-files.md), through the import service."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest
from django.utils import timezone

from catalog.models import QueryType, Register
from municipalities.models import Municipality
from tests.usage_support import MARRIAGE, PERSON, import_file, import_text, usage_storage, write  # noqa: F401
from usage import ingest, processing, services
from usage.choices import Kind, Status
from usage.models import (
    ObservedAdoption,
    RegixDailyUsage,
    RegixMonthlyUsage,
    SeosDailyUsage,
    SeosMonthlyUsage,
)
from usage.reader import UsageFileReader

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["postgres-parse", "python-parse"])
def parser(request, monkeypatch):
    """Every rule holds on both paths: PostgreSQL parsing a plain CSV, and the Python reader."""
    if request.param == "python-parse":
        monkeypatch.setattr(UsageFileReader, "raw_copy_options", lambda self: None)
    return request.param


def regix_figures() -> dict[tuple[str, str, str], tuple[int, int]]:
    return {
        (str(row.date), row.municipality.code, row.query_type.operation): (row.requests, row.errors)
        for row in RegixDailyUsage.objects.select_related("municipality", "query_type")
    }


def reasons(batch) -> list[str]:
    return [row.reason for row in batch.rejected_rows.order_by("line")]


# -- containers, encodings, delimiters -------------------------------------------------------------


def test_a_plain_utf8_csv_is_imported_with_its_rollups_and_adoption(tmp_path):
    batch = import_text(
        tmp_path,
        f"date,municipality,operation,requests,errors\n2024-03-04,VAR06,{PERSON},10,1\n2024-03-05,VAR06,{PERSON},5,0\n",
    )
    assert (batch.status, batch.kind, batch.rows_read, batch.rows_accepted, batch.rows_rejected) == (
        Status.SUCCEEDED,
        Kind.REGIX,
        2,
        2,
        0,
    )
    assert regix_figures() == {("2024-03-04", "VAR06", PERSON): (10, 1), ("2024-03-05", "VAR06", PERSON): (5, 0)}
    monthly = RegixMonthlyUsage.objects.get()
    assert (monthly.month, monthly.requests, monthly.errors, monthly.active_days) == (dt.date(2024, 3, 1), 15, 1, 2)
    assert (monthly.first_day, monthly.last_day) == (dt.date(2024, 3, 4), dt.date(2024, 3, 5))
    adoption = ObservedAdoption.objects.get()
    assert (adoption.municipality.code, adoption.service.code) == ("VAR06", "regix")
    assert (adoption.first_day, adoption.last_day) == (dt.date(2024, 3, 4), dt.date(2024, 3, 5))
    assert batch.sha256
    assert batch.size > 0
    assert batch.file.storage.exists(batch.file.name)


@pytest.mark.parametrize(
    ("name", "encoding", "prefix"),
    [
        ("utf8.csv", "utf-8", ""),
        ("bom.csv", "utf-8", "\ufeff"),
        ("windows.csv", "cp1251", ""),
    ],
)
def test_utf8_with_or_without_bom_and_windows_1251_are_read(tmp_path, name, encoding, prefix):
    text = f"{prefix}Date;Municipality;Operation;Requests;Администрация\r\n04.03.2024;VAR06;{PERSON};7;Община Варна\r\n"
    batch = import_text(tmp_path, text, name=name, encoding=encoding)
    assert batch.status == Status.SUCCEEDED, batch.error
    assert regix_figures() == {("2024-03-04", "VAR06", PERSON): (7, 0)}
    assert batch.warnings == ["Непознатите колони бяха пренебрегнати: администрация."]


def test_the_delimiter_is_detected_semicolon_or_comma(tmp_path):
    import_text(tmp_path, f"date;municipality;operation;requests\n2024-03-04;VAR06;{PERSON};3\n", name="a.csv")
    import_text(tmp_path, f"date,municipality,operation,requests\n2024-03-05,VAR06,{PERSON},4\n", name="b.csv")
    assert regix_figures() == {("2024-03-04", "VAR06", PERSON): (3, 0), ("2024-03-05", "VAR06", PERSON): (4, 0)}


def test_field_names_are_case_insensitive_with_spaces_ignored_and_quoted_fields_read(tmp_path):
    text = f' DATE , Municipality ,"OPERATION", requests ,Errors\n"2024-03-04","var06","{PERSON}","12","2"\n'
    batch = import_text(tmp_path, text)
    assert batch.status == Status.SUCCEEDED
    assert regix_figures() == {("2024-03-04", "VAR06", PERSON): (12, 2)}


def test_json_lines_are_read_with_numbers_or_digit_strings(tmp_path):
    text = (
        f'{{"date": "2024-03-04", "municipality": "VAR06", "operation": "{PERSON}", "requests": 9, "errors": 1}}\n'
        "\n"
        f'{{"Date": "05.03.2024", "MUNICIPALITY": "VAR06", "operation": "{PERSON}", "requests": "4"}}\n'
        f'{{"date": "2024-03-06", "municipality": "VAR06", "operation": "{PERSON}", "requests": 2.5}}\n'
        "not json\n"
    )
    batch = import_text(tmp_path, text, name="usage.jsonl")
    assert (batch.rows_read, batch.rows_accepted, batch.rows_rejected) == (4, 2, 2)
    assert regix_figures() == {("2024-03-04", "VAR06", PERSON): (9, 1), ("2024-03-05", "VAR06", PERSON): (4, 0)}
    rejected = list(batch.rejected_rows.order_by("line").values_list("line", "reason"))
    assert rejected[0][0] == 4
    assert "requests" in rejected[0][1]
    assert rejected[1][0] == 5
    assert "JSON" in rejected[1][1]


def test_a_gzip_file_is_read_transparently(tmp_path):
    text = f"date,municipality,operation,requests\n2024-03-04,VAR06,{PERSON},3\n"
    batch = import_text(tmp_path, text, name="usage.csv.gz", compress=True)
    assert batch.status == Status.SUCCEEDED
    assert regix_figures() == {("2024-03-04", "VAR06", PERSON): (3, 0)}


# -- row rules -------------------------------------------------------------------------------------


def test_dates_in_either_format_are_accepted_and_bad_future_or_old_ones_rejected(tmp_path):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    text = "\n".join(
        [
            "date,municipality,operation,requests",
            f"2024-03-04,VAR06,{PERSON},1",
            f"05.03.2024,VAR06,{PERSON},1",
            f"2024/03/06,VAR06,{PERSON},1",
            f"{tomorrow.isoformat()},VAR06,{PERSON},1",
            f"2009-12-31,VAR06,{PERSON},1",
            f"2010-01-01,VAR06,{PERSON},1",
            f"2023-02-30,VAR06,{PERSON},1",
            "",
        ]
    )
    batch = import_text(tmp_path, text)
    assert set(regix_figures()) == {
        ("2024-03-04", "VAR06", PERSON),
        ("2024-03-05", "VAR06", PERSON),
        ("2010-01-01", "VAR06", PERSON),
    }
    assert [row.line for row in batch.rejected_rows.order_by("line")] == [4, 5, 6, 8]
    found = reasons(batch)
    assert "ГГГГ-ММ-ДД или ДД.ММ.ГГГГ" in found[0]
    assert "в бъдещето" in found[1]
    assert "преди 2010-01-01" in found[2]
    assert "не съществува" in found[3]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Бяла", ["имената не са уникални", "RSE04", "VAR05"]),
        ("Варна", ["имената не са уникални", "VAR06"]),
        ("72624", ["ЕКАТТЕ", "DOB15", "DOB28"]),
        ("XYZ99", ["Непознат код на община"]),
    ],
)
def test_a_municipality_given_by_name_or_ekatte_is_a_row_error_that_says_why(tmp_path, value, expected):
    text = f"date,municipality,operation,requests\n2024-03-04,{value},{PERSON},1\n2024-03-04,var05,{PERSON},2\n"
    batch = import_text(tmp_path, text)
    assert (batch.rows_accepted, batch.rows_rejected) == (1, 1)
    assert regix_figures() == {("2024-03-04", "VAR05", PERSON): (2, 0)}
    rejected = batch.rejected_rows.get()
    assert rejected.line == 2
    assert rejected.raw == f"2024-03-04,{value},{PERSON},1"
    for fragment in expected:
        assert fragment in rejected.reason


def test_an_unknown_operation_is_kept_and_imported_after_the_catalogue_is_fixed(tmp_path, administrator):
    new_operation = "TechnoLogica.RegiX.NewAdapter.APIService.INewAPI.NewSearch"
    text = f"date,municipality,operation,requests\n2024-03-04,VAR06,{new_operation},4\n2024-03-04,VAR06,{PERSON},1\n"
    batch = import_text(tmp_path, text)
    assert batch.status == Status.SUCCEEDED
    assert batch.rows_rejected == 1
    assert "Непозната операция" in reasons(batch)[0]
    assert new_operation in reasons(batch)[0]

    register = Register.objects.get(code="GRAO/NBD")
    QueryType.objects.create(operation=new_operation, register=register)
    assert services.reprocess(batch)
    processing.process(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.rows_accepted, batch.rows_rejected, batch.attempts) == (Status.SUCCEEDED, 2, 0, 2)
    assert not batch.rejected_rows.exists()
    assert regix_figures()[("2024-03-04", "VAR06", new_operation)] == (4, 0)


@pytest.mark.parametrize(
    ("requests", "errors", "fragment"),
    [
        ("3", "5", "надвишават"),
        ("-1", "0", "цяло неотрицателно число"),
        ("1.5", "0", "цяло неотрицателно число"),
        ("12a", "0", "цяло неотрицателно число"),
        ("٣", "0", "цяло неотрицателно число"),
        ("", "0", "липсва"),
        ("5", "-2", "цяло неотрицателно число"),
        ("1" * 20, "0", "твърде голямо"),
        ("9223372036854775808", "0", "твърде голямо"),
    ],
)
def test_counts_must_be_digits_and_errors_must_not_exceed_requests(tmp_path, requests, errors, fragment):
    text = f"date,municipality,operation,requests,errors\n2024-03-04,VAR06,{PERSON},{requests},{errors}\n"
    batch = import_text(tmp_path, text)
    assert (batch.status, batch.rows_accepted, batch.rows_rejected) == (Status.SUCCEEDED, 0, 1)
    assert fragment in reasons(batch)[0]
    assert not RegixDailyUsage.objects.exists()


def test_a_missing_errors_column_or_empty_errors_cell_means_zero(tmp_path):
    import_text(tmp_path, f"date,municipality,operation,requests,errors\n2024-03-04,VAR06,{PERSON},4,\n")
    assert regix_figures() == {("2024-03-04", "VAR06", PERSON): (4, 0)}


def test_a_row_with_the_wrong_number_of_fields_is_rejected_with_its_raw_text(tmp_path):
    text = f"date,municipality,operation,requests\n2024-03-04,VAR06,{PERSON}\n2024-03-04,VAR06,{PERSON},1,2\n"
    batch = import_text(tmp_path, text)
    assert batch.rows_rejected == 2
    assert [row.raw for row in batch.rejected_rows.order_by("line")] == [
        f"2024-03-04,VAR06,{PERSON}",
        f"2024-03-04,VAR06,{PERSON},1,2",
    ]


def test_several_problems_of_one_row_are_all_reported(tmp_path):
    batch = import_text(tmp_path, "date,municipality,operation,requests\nsoon,Бяла,Nope,x\n")
    reason = reasons(batch)[0]
    assert "дата" in reason
    assert "Бяла" in reason
    assert "Nope" in reason
    assert "requests" in reason


# -- what an import does -------------------------------------------------------------------------


def test_rows_with_the_same_key_within_a_file_are_added_up(tmp_path):
    text = (
        "date,municipality,operation,requests,errors\n"
        f"2024-03-04,VAR06,{PERSON},10,1\n"
        f"04.03.2024,var06,{PERSON},5,2\n"
        f"2024-03-04,VAR06,{MARRIAGE},1,0\n"
    )
    batch = import_text(tmp_path, text)
    assert (batch.rows_read, batch.rows_accepted) == (3, 3)
    assert regix_figures() == {("2024-03-04", "VAR06", PERSON): (15, 3), ("2024-03-04", "VAR06", MARRIAGE): (1, 0)}


def test_a_file_replaces_the_figures_of_its_keys_and_leaves_the_others_alone(tmp_path):
    header = "date,municipality,operation,requests\n"
    import_text(
        tmp_path,
        header + f"2024-03-04,VAR06,{PERSON},10\n2024-03-05,VAR06,{PERSON},20\n2024-04-01,VAR01,{PERSON},3\n",
        name="first.csv",
    )
    import_text(tmp_path, header + f"2024-03-05,VAR06,{PERSON},2\n", name="corrected.csv")
    assert regix_figures() == {
        ("2024-03-04", "VAR06", PERSON): (10, 0),
        ("2024-03-05", "VAR06", PERSON): (2, 0),
        ("2024-04-01", "VAR01", PERSON): (3, 0),
    }
    march = RegixMonthlyUsage.objects.get(municipality__code="VAR06", month=dt.date(2024, 3, 1))
    assert (march.requests, march.active_days) == (12, 2)
    april = RegixMonthlyUsage.objects.get(municipality__code="VAR01")
    assert april.requests == 3


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    text = (
        "date,municipality,operation,requests,errors\n"
        f"2024-03-04,VAR06,{PERSON},10,1\n2024-03-05,VAR01,{MARRIAGE},3,0\n2024-03-05,VAR01,{MARRIAGE},3,0\n"
    )
    path = write(tmp_path, "usage.csv", text)
    import_file(path)

    def snapshot():
        return (
            regix_figures(),
            sorted(RegixMonthlyUsage.objects.values_list("municipality_id", "query_type_id", "month", "requests")),
            sorted(ObservedAdoption.objects.values_list("municipality_id", "service", "first_day", "last_day")),
        )

    before = snapshot()
    batch = services.receive_path(path, door="cli", queue=False)
    result = processing.process(batch.pk)
    assert snapshot() == before
    assert result.keys_written == 0
    assert "вече е внесен" in result.warnings[0]
    assert regix_figures()[("2024-03-05", "VAR01", MARRIAGE)] == (6, 0)


def test_observed_adoption_follows_the_facts_after_a_correction(tmp_path):
    header = "date,municipality,operation,requests\n"
    import_text(tmp_path, header + f"2024-01-10,VAR06,{PERSON},5\n2024-03-04,VAR06,{PERSON},1\n", name="a.csv")
    adoption = ObservedAdoption.objects.get(municipality__code="VAR06", service="regix")
    assert (adoption.first_day, adoption.last_day) == (dt.date(2024, 1, 10), dt.date(2024, 3, 4))

    import_text(tmp_path, header + f"2024-01-10,VAR06,{PERSON},0\n", name="b.csv")
    adoption.refresh_from_db()
    assert (adoption.first_day, adoption.last_day) == (dt.date(2024, 3, 4), dt.date(2024, 3, 4))
    january = RegixMonthlyUsage.objects.get(month=dt.date(2024, 1, 1))
    assert (january.requests, january.active_days, january.first_day) == (0, 0, None)

    import_text(tmp_path, header + f"2024-03-04,VAR06,{PERSON},0\n", name="c.csv")
    assert not ObservedAdoption.objects.filter(municipality__code="VAR06").exists()


def test_a_seos_file_fills_its_own_facts_rollups_and_adoption(tmp_path):
    text = "date,municipality,sent,received\n2024-03-04,VAR06,5,7\n2024-03-04,VAR06,1,0\n2024-03-09,VAR06,0,0\n"
    batch = import_text(tmp_path, text, name="seos.csv")
    assert (batch.kind, batch.rows_accepted) == (Kind.SEOS, 3)
    assert sorted(SeosDailyUsage.objects.values_list("date", "sent", "received")) == [
        (dt.date(2024, 3, 4), 6, 7),
        (dt.date(2024, 3, 9), 0, 0),
    ]
    monthly = SeosMonthlyUsage.objects.get()
    assert (monthly.sent, monthly.received, monthly.active_days, monthly.last_day) == (6, 7, 1, dt.date(2024, 3, 4))
    adoption = ObservedAdoption.objects.get(service="seos")
    assert (adoption.municipality.code, adoption.first_day) == ("VAR06", dt.date(2024, 3, 4))


# -- files that cannot be read ---------------------------------------------------------------------


UNREADABLE = [
    ("empty.csv", b"", "", "празен"),
    ("blank.csv", b"\n\n  \n", "", "празен"),
    ("noheader.csv", f"2024-03-04,VAR06,{PERSON},1\n".encode(), "", "заглавен ред"),
    ("missing.csv", b"date,municipality,operation\n2024-03-04,VAR06,x\n", "regix", "requests"),
    ("unknown.csv", b"date,municipality,operation\n2024-03-04,VAR06,x\n", "", "вида"),
    ("bytes.csv", b"date,municipality,sent,received\n2024-03-04,VAR06,1,1 \x98\xff\n", "", "Неразчетими байтове"),
    ("badbom.csv", b"\xef\xbb\xbfdate,municipality,sent,received\n2024-03-04,\xe0,1,1\n", "", "UTF-8"),
    ("seos.csv", b"date,municipality,sent,received\n2024-03-04,VAR06,1,1\n", "regix", "Грешен вид"),
    (
        "broken.csv.gz",
        gzip.compress(b"date,municipality,sent,received\n2024-03-04,VAR06,1,1\n")[:-12],
        "",
        "разархивиран",
    ),
    ("binary.bin", b"\x00\x01\x02date", "", "NUL"),
    ("twice.csv", b"date,date,municipality,sent,received\n", "", "два пъти"),
    ("badjson.jsonl", b'{"date": \n', "", "JSON"),
]


@pytest.mark.parametrize(("name", "content", "kind", "fragment"), UNREADABLE, ids=[case[0] for case in UNREADABLE])
def test_a_file_that_cannot_be_read_imports_nothing_and_its_batch_says_why(tmp_path, name, content, kind, fragment):
    import_text(tmp_path, "date,municipality,sent,received\n2024-03-04,VAR06,5,5\n", name="before.csv")
    path = tmp_path / name
    path.write_bytes(content)
    batch = import_file(path, kind=kind)
    assert batch.status == Status.FAILED
    assert fragment in batch.error, batch.error
    assert (batch.rows_read, batch.rows_accepted, batch.rows_rejected) == (0, 0, 0)
    assert not batch.rejected_rows.exists()
    assert list(SeosDailyUsage.objects.values_list("sent", flat=True)) == [5]
    assert not RegixDailyUsage.objects.exists()
    assert batch.file.storage.exists(batch.file.name), "the original file is kept"


def test_a_header_only_file_succeeds_with_no_rows(tmp_path):
    batch = import_text(tmp_path, "date,municipality,sent,received\n")
    assert (batch.status, batch.kind, batch.rows_read) == (Status.SUCCEEDED, Kind.SEOS, 0)


def test_every_municipality_code_resolves(tmp_path):
    codes = list(Municipality.objects.values_list("code", flat=True))
    text = "date,municipality,sent,received\n" + "".join(f"2024-03-04,{code},1,1\n" for code in codes)
    batch = import_text(tmp_path, text)
    assert batch.rows_accepted == 265
    assert ObservedAdoption.objects.filter(service="seos").count() == 265


def test_a_plain_csv_is_parsed_by_postgresql_and_a_quoted_one_by_python(tmp_path, monkeypatch, parser):
    paths = []
    real = ingest._parse_by_postgres

    def spy(cursor, reader):
        paths.append((reader.path.name.split("-", 1)[1], real(cursor, reader)))
        return paths[-1][1]

    monkeypatch.setattr(ingest, "_parse_by_postgres", spy)
    header = "date,municipality,operation,requests\n"
    import_text(tmp_path, header + f"2024-03-04,VAR06,{PERSON},1\n2024-03-05,Бяла,{PERSON},1\n", name="plain.csv")
    import_text(tmp_path, header + f'2024-03-04,VAR06,"{PERSON}",1\n', name="quoted.csv")
    import_text(tmp_path, header + f"2024-03-04,VAR06,{PERSON},1\n\n2024-03-06,VAR06,{PERSON},1\n", name="gap.csv")
    if parser == "python-parse":
        assert paths == []
    else:
        assert paths == [("plain.csv", True), ("gap.csv", False)]
    assert regix_figures()[("2024-03-06", "VAR06", PERSON)] == (1, 0)
