"""The fresh path (usage/ingest/fresh.py): a clean plain CSV of new months goes through ONE COPY
straight into the daily facts, and a file it cannot take as it is ends up exactly as the general
path leaves it, however far into the file the problem is."""

from __future__ import annotations

import pytest

from catalog.models import QueryType
from municipalities.models import Municipality
from tests.usage_support import import_text, usage_storage  # noqa: F401
from usage import ingest
from usage.ingest import staging
from usage.models import (
    ImportBatch,
    ObservedAdoption,
    RegixDailyUsage,
    RegixMonthlyUsage,
    SeosDailyUsage,
    SeosMonthlyUsage,
)

pytestmark = pytest.mark.django_db

HEADER = "date,municipality,operation,requests,errors\n"


@pytest.fixture
def paths(monkeypatch):
    """Which way each import went: the fresh path's result, and whether PostgreSQL parsed the file
    into its raw table (the general path's first write)."""
    taken: dict[str, list] = {"fresh": [], "raw table": []}
    real_fresh, real_parse = ingest._insert_fresh, ingest._parse_by_postgres

    def spy_fresh(cursor, reader, sql, rows):
        taken["fresh"].append(real_fresh(cursor, reader, sql, rows))
        return taken["fresh"][-1]

    def spy_parse(cursor, reader):
        taken["raw table"].append(True)
        return real_parse(cursor, reader)

    monkeypatch.setattr(ingest, "_insert_fresh", spy_fresh)
    monkeypatch.setattr(ingest, "_parse_by_postgres", spy_parse)
    return taken


def regix_lines(days: int = 12, operations: int = 5) -> list[str]:
    """Every municipality x a few operations x `days` days of March 2024: 15,900 lines, 1.6 MB at the
    defaults, more than one chunk of the file, so a bad row at the end comes after rows were COPYed."""
    codes = list(Municipality.objects.values_list("code", flat=True))
    names = list(QueryType.objects.values_list("operation", flat=True)[:operations])
    return [
        f"2024-03-{day:02d},{code},{name},{(day * 7 + index) % 50 + 1},{index % 2}"
        for day in range(1, days + 1)
        for index, code in enumerate(codes)
        for name in names
    ]


def figures() -> dict[str, object]:
    """The figures an import leaves behind (facts, rollups, adoption), to compare two paths."""
    return {
        "regix": sorted(
            RegixDailyUsage.objects.values_list("date", "municipality_id", "query_type_id", "requests", "errors")
        ),
        "regix rollups": sorted(
            RegixMonthlyUsage.objects.values_list(
                "month",
                "municipality_id",
                "query_type_id",
                "requests",
                "errors",
                "active_days",
                "first_day",
                "last_day",
            )
        ),
        "seos": sorted(SeosDailyUsage.objects.values_list("date", "municipality_id", "sent", "received")),
        "seos rollups": sorted(
            SeosMonthlyUsage.objects.values_list(
                "month", "municipality_id", "sent", "received", "active_days", "first_day", "last_day"
            )
        ),
        "adoption": sorted(ObservedAdoption.objects.values_list("municipality_id", "service", "first_day", "last_day")),
    }


def everything(batch: ImportBatch | None = None) -> dict[str, object]:
    """The figures and what the (only, or given) batch says: its counts, warnings and rejected rows."""
    batch = batch or ImportBatch.objects.get()
    return {
        **figures(),
        "batch": (batch.status, batch.rows_read, batch.rows_accepted, batch.rows_rejected, batch.warnings),
        "rejected": list(batch.rejected_rows.order_by("line").values_list("line", "raw", "reason")),
    }


def empty_usage() -> None:
    for model in (RegixDailyUsage, RegixMonthlyUsage, SeosDailyUsage, SeosMonthlyUsage, ObservedAdoption, ImportBatch):
        model.objects.all().delete()


def through_both_paths(tmp_path, monkeypatch, text: str, **options) -> tuple[dict, dict]:
    """The file imported as it comes, then (from empty tables again) with the fresh path switched off;
    the spies of `paths` see only the first import."""
    import_text(tmp_path, text, name="as-it-comes.csv", **options)
    first = everything()
    monkeypatch.setattr(ingest, "_parse_by_postgres", staging._parse_by_postgres)
    empty_usage()
    monkeypatch.setattr(ingest, "_insert_fresh", lambda cursor, reader, sql, rows: None)
    import_text(tmp_path, text, name="general.csv", **options)
    return first, everything()


SHAPES = {
    "comma, ISO dates": (HEADER, ",", "utf-8", "\n"),
    "semicolon, dotted dates last, Windows-1251, CRLF, no errors, an unknown column": (
        "municipality;бележка;operation;requests;date\r\n",
        ";",
        "cp1251",
        "\r\n",
    ),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_a_clean_fresh_file_goes_once_into_the_daily_facts_with_the_general_paths_result(
    tmp_path, monkeypatch, paths, shape
):
    header, delimiter, encoding, newline = SHAPES[shape]
    lines = regix_lines()
    if delimiter == ";":
        lines = [
            delimiter.join([code, "бел.", name, requests, f"{day[8:10]}.{day[5:7]}.{day[:4]}"])
            for day, code, name, requests, _errors in (line.split(",") for line in lines)
        ]
    text = header + newline.join(lines) + newline
    fresh_result, general_result = through_both_paths(tmp_path, monkeypatch, text, encoding=encoding)
    assert paths["fresh"] == [(len(lines), False)]
    assert paths["raw table"] == [], "the fresh path wrote the rows a second time"
    assert fresh_result == general_result
    assert fresh_result["batch"][1:4] == (len(lines), len(lines), 0)


SEOS_LINES = {
    "CSV": ("date,municipality,sent,received\n", "{day},{code},{sent},{received}\n"),
    "JSON Lines": ("", '{{"date":"{day}","municipality":"{code}","sent":{sent},"received":{received}}}\n'),
}


@pytest.mark.parametrize("form", SEOS_LINES)
def test_a_seos_file_takes_the_fresh_path_with_the_general_paths_result(tmp_path, monkeypatch, paths, form):
    header, line = SEOS_LINES[form]
    codes = Municipality.objects.values_list("code", flat=True)
    text = header + "".join(
        line.format(day=f"2024-03-{day:02d}", code=code, sent=day % 3, received=(day + index) % 4)
        for day in range(1, 29)
        for index, code in enumerate(codes)
    )
    fresh_result, general_result = through_both_paths(tmp_path, monkeypatch, text)
    assert paths["fresh"] == [(28 * len(codes), False)]
    assert fresh_result == general_result


BAD_LAST_ROWS = {
    "unknown municipality": "2024-03-20,Nowhere,{op},1,0",
    "errors above requests (the facts' check constraint)": "2024-03-20,VAR06,{op},1,2",
    "a count beyond a bigint": "2024-03-20,VAR06,{op},9223372036854775808,0",
    "a count with a space": "2024-03-20,VAR06,{op}, 5,0",
    "an empty count": "2024-03-20,VAR06,{op},,0",
    "a date in the future": "2099-03-20,VAR06,{op},1,0",
    "a key seen before": "2024-03-01,VAR06,{op},1,0",
    "a missing field": "2024-03-20,VAR06,{op},1",
    "a blank line before it": "\n2024-03-20,VAR06,{op},1,0",
}


@pytest.mark.parametrize("bad", BAD_LAST_ROWS)
def test_a_file_the_fresh_path_cannot_take_ends_as_the_general_path_leaves_it(tmp_path, monkeypatch, paths, bad):
    lines = regix_lines()
    operation = lines[0].split(",")[2]
    lines.append(BAD_LAST_ROWS[bad].format(op=operation))
    fresh_result, general_result = through_both_paths(tmp_path, monkeypatch, HEADER + "\n".join(lines) + "\n")
    assert paths["fresh"] == [None]
    assert fresh_result == general_result
    assert fresh_result["batch"][2] >= len(lines) - 2  # the other rows are still imported


def test_an_implausible_count_deep_in_a_fresh_file_is_listed_as_on_the_general_path(
    tmp_path, monkeypatch, paths, settings
):
    settings.USAGE_PLAUSIBLE_DAILY_MAX = {"regix": 1_000_000, "seos": 100_000}
    lines = regix_lines()
    for row in (3, 14_000, 15_000):
        day, code, name, _requests, errors = lines[row].split(",")
        lines[row] = ",".join([day, code, name, f"{row}000000", errors])
    fresh_result, general_result = through_both_paths(tmp_path, monkeypatch, HEADER + "\n".join(lines) + "\n")
    assert paths["fresh"] == [(len(lines), False)]
    assert fresh_result == general_result
    [warning] = fresh_result["batch"][4]
    assert "15002 (requests 15 000 000 000)" in warning, warning


# --- JSON Lines ----------------------------------------------------------------------------------

KEYS = ("date", "municipality", "operation", "requests", "errors")


def jsonl(lines: list[str]) -> list[str]:
    """The CSV lines of `regix_lines` as JSON Lines the way json.dumps writes them."""
    import json

    return [
        json.dumps(dict(zip(KEYS, [day, code, name, int(requests), int(errors)], strict=True)))
        for day, code, name, requests, errors in (line.split(",") for line in lines)
    ]


def test_json_lines_in_their_plainest_form_take_the_fresh_path_with_the_general_paths_result(
    tmp_path, monkeypatch, paths
):
    lines = jsonl(regix_lines())
    assert lines[0].startswith('{"date": "2024-03-01", "municipality": ')
    fresh_result, general_result = through_both_paths(tmp_path, monkeypatch, "\n".join(lines) + "\n")
    assert paths["fresh"] == [(len(lines), False)]
    assert fresh_result == general_result
    assert fresh_result["batch"][1:4] == (len(lines), len(lines), 0)


NOT_PLAINEST_LAST_LINES = {
    "keys in another order": '{"municipality": "VAR06", "date": "2024-03-20", "operation": "{op}", "requests": 1, '
    '"errors": 0}',
    "a key in capitals": '{"Date": "2024-03-20", "municipality": "VAR06", "operation": "{op}", "requests": 1, '
    '"errors": 0}',
    "an escaped string": '{"date": "2024-03-20", "municipality": "\\u0056AR06", "operation": "{op}", "requests": 1, '
    '"errors": 0}',
    "a count as text": '{"date": "2024-03-20", "municipality": "VAR06", "operation": "{op}", "requests": "1", '
    '"errors": 0}',
    "a count with a fraction": '{"date": "2024-03-20", "municipality": "VAR06", "operation": "{op}", '
    '"requests": 1.0, "errors": 0}',
    "a count with a leading zero (not JSON)": '{"date": "2024-03-20", "municipality": "VAR06", "operation": "{op}", '
    '"requests": 01, "errors": 0}',
    "no errors": '{"date": "2024-03-20", "municipality": "VAR06", "operation": "{op}", "requests": 1}',
    "an extra key": '{"date": "2024-03-20", "municipality": "VAR06", "operation": "{op}", "requests": 1, '
    '"errors": 0, "note": "x"}',
    "not an object": '["2024-03-20", "VAR06", "{op}", 1, 0]',
    "a blank line before it": '\n{"date": "2024-03-20", "municipality": "VAR06", "operation": "{op}", '
    '"requests": 1, "errors": 0}',
    "errors above requests": '{"date": "2024-03-20", "municipality": "VAR06", "operation": "{op}", "requests": 1, '
    '"errors": 2}',
    "a key seen before": '{"date": "2024-03-01", "municipality": "VAR06", "operation": "{op}", "requests": 1, '
    '"errors": 0}',
}


@pytest.mark.parametrize("last", NOT_PLAINEST_LAST_LINES)
def test_json_lines_not_all_in_the_plainest_form_end_as_the_general_path_leaves_them(
    tmp_path, monkeypatch, paths, last
):
    lines = jsonl(regix_lines())
    operation = regix_lines(days=1)[0].split(",")[2]
    lines.append(NOT_PLAINEST_LAST_LINES[last].replace("{op}", operation))
    fresh_result, general_result = through_both_paths(tmp_path, monkeypatch, "\n".join(lines) + "\n")
    assert paths["fresh"] == [None]
    assert fresh_result == general_result
    assert fresh_result["batch"][2] >= len(lines) - 2  # the other rows are still imported


# --- Plain files into months that hold figures (usage/ingest/plain.py) -----------------------------


def corrected(lines: list[str], bad_last: str = "") -> str:
    """Every 7th row with another count, every 50th with no requests (a day stops being active)."""
    out = []
    for index, line in enumerate(lines):
        day, code, name, requests, errors = line.split(",")
        if index % 50 == 0:
            requests, errors = "0", "0"
        elif index % 7 == 0:
            requests = str(int(requests) + 3)
        out.append(",".join([day, code, name, requests, errors]))
    return HEADER + "\n".join(out + ([bad_last] if bad_last else [])) + "\n"


def after_correction(tmp_path, text: str) -> dict:
    import_text(tmp_path, HEADER + "\n".join(regix_lines()) + "\n", name="first.csv")
    return everything(import_text(tmp_path, text, name="correction.csv"))


@pytest.mark.parametrize("bad", ["", "2024-03-20,VAR06,{op},1,2", "2024-03-20,Nowhere,{op},1,0"])
def test_a_correction_is_staged_once_from_its_plain_rows_with_the_general_paths_result(tmp_path, monkeypatch, bad):
    staged: list[bool] = []
    real = ingest.stage_plain_rows

    def spy(cursor, reader, rows):
        staged.append(real(cursor, reader, rows))
        return staged[-1]

    operation = regix_lines(days=1)[0].split(",")[2]
    text = corrected(regix_lines(), bad.format(op=operation))
    monkeypatch.setattr(ingest, "stage_plain_rows", spy)
    plain = after_correction(tmp_path, text)
    assert staged == [not bad]  # the first import went the fresh path's way (staging not asked)
    empty_usage()
    monkeypatch.setattr(ingest, "stage_plain_rows", lambda cursor, reader, rows: False)
    general = after_correction(tmp_path, text)
    assert plain == general
    assert plain["batch"][3] == (1 if bad else 0)


def test_the_python_and_the_sql_spellings_of_a_date_are_the_same(tmp_path):
    """Three homes of the valid date spellings, kept in step: the reader's rule (`_parse_date`), the
    fresh and plain paths' spellings in Python (`Spellings`), and the general path's after
    PostgreSQL's parse, made in SQL (`staging._DATES`); a file's dates must mean the same on each."""
    from datetime import date, timedelta

    from django.db import connection

    from usage.ingest.columns import Spellings
    from usage.reader import EARLIEST_DATE, Limits, Lookups, UsageFileReader

    path = tmp_path / "one.csv"
    path.write_text(HEADER + regix_lines(days=1)[0] + "\n")
    reader = UsageFileReader(path, "regix", Lookups.load(), date(2026, 11, 30), limits=Limits.from_settings())
    reader.open()
    python = Spellings.judged_by(reader).dates
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE spelled (raw text, day date, month date, bit bigint)")
        cursor.execute(staging._DATES.format(table="spelled"), [EARLIEST_DATE, reader.today])
        cursor.execute("SELECT raw, day FROM spelled")
        sql = {raw: day.isoformat() for raw, day in cursor.fetchall()}
        cursor.execute(
            "SELECT count(*) FROM spelled WHERE month <> date_trunc('month', day)::date "
            "OR bit <> 1::bigint << extract(day FROM day)::integer"
        )
        assert cursor.fetchone()[0] == 0  # the month and the day's bit as the totals want them
    candidates = [
        spelling
        for offset in range(-3, (reader.today - EARLIEST_DATE).days + 4)
        for day in [EARLIEST_DATE + timedelta(days=offset)]
        for spelling in (f"{day:%Y-%m-%d}", f"{day:%d.%m.%Y}")
    ]
    judged = {raw: iso for raw in candidates if (iso := reader._date(raw)[0]) is not None}
    reader.close()
    assert len(python) > 12_000
    assert python == judged  # as the reader's rule judges every candidate, the days around the range too
    assert sql == python
