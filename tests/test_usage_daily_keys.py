"""The daily facts have no unique index in PostgreSQL (docs/ingestion.md): the import itself keeps
exactly one row per key, on both parsing paths, through new files, re-imports and corrections."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from tests.usage_support import MARRIAGE, PERSON, import_text, usage_storage  # noqa: F401
from usage import ingest
from usage.models import ObservedAdoption, RegixDailyUsage, RegixMonthlyUsage, SeosDailyUsage, SeosMonthlyUsage
from usage.partitions import summarise_sql
from usage.reader import UsageFileReader

pytestmark = pytest.mark.django_db

HEADER = "date,municipality,operation,requests,errors\n"


@pytest.fixture(autouse=True, params=["postgres-parse", "python-parse"])
def parser(request, monkeypatch):
    if request.param == "python-parse":
        monkeypatch.setattr(UsageFileReader, "raw_copy_options", lambda self: None)
    return request.param


def keys_stored_twice(table: str, key: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key}, count(*) FROM {table} GROUP BY {key} HAVING count(*) > 1")  # noqa: S608
        return cursor.fetchall()


def regix_figures() -> dict[tuple[str, str, str], tuple[int, int]]:
    return {
        (str(row.date), row.municipality.code, row.query_type.operation): (row.requests, row.errors)
        for row in RegixDailyUsage.objects.select_related("municipality", "query_type")
    }


def rollups_from(facts) -> dict[tuple, tuple]:
    """Rollups recomputed the slow way from (key, count a, count b, active, day) per daily fact:
    sums, active days, first and last active day."""
    expected: dict[tuple, list] = {}
    for key, a, b, active, day in facts:
        totals = expected.setdefault(key, [0, 0, 0, None, None])
        totals[0] += a
        totals[1] += b
        if active:
            totals[2] += 1
            totals[3] = min(filter(None, [totals[3], day]))
            totals[4] = max(filter(None, [totals[4], day]))
    return {key: tuple(value) for key, value in expected.items()}


def regix_rollups_from_facts() -> dict[tuple, tuple]:
    """The monthly rollups as they must be: recomputed here from the daily facts."""
    return rollups_from(
        (
            (row.date.replace(day=1), row.municipality_id, row.query_type_id),
            row.requests,
            row.errors,
            row.requests > 0,
            row.date,
        )
        for row in RegixDailyUsage.objects.all()
    )


def regix_rollups() -> dict[tuple, tuple]:
    return {
        (row.month, row.municipality_id, row.query_type_id): (
            row.requests,
            row.errors,
            row.active_days,
            row.first_day,
            row.last_day,
        )
        for row in RegixMonthlyUsage.objects.all()
    }


def seos_rollups_from_facts() -> dict[tuple, tuple]:
    return rollups_from(
        ((row.date.replace(day=1), row.municipality_id), row.sent, row.received, row.sent + row.received > 0, row.date)
        for row in SeosDailyUsage.objects.all()
    )


def seos_rollups() -> dict[tuple, tuple]:
    return {
        (row.month, row.municipality_id): (row.sent, row.received, row.active_days, row.first_day, row.last_day)
        for row in SeosMonthlyUsage.objects.all()
    }


def adoption_from_rollups(rollups: dict[tuple, tuple]) -> dict[int, tuple]:
    """Each municipality's first and last active day, recomputed from the rollups' figures."""
    days: dict[int, list] = {}
    for (_month, municipality, *_rest), (*_counts, first, last) in rollups.items():
        if first is not None:
            span = days.setdefault(municipality, [first, last])
            span[0], span[1] = min(span[0], first), max(span[1], last)
    return {municipality: tuple(span) for municipality, span in days.items()}


def adoption(service: str) -> dict[int, tuple]:
    rows = ObservedAdoption.objects.filter(service_id=service)
    return {row.municipality_id: (row.first_day, row.last_day) for row in rows}


def assert_one_row_per_key_and_rollups_match() -> None:
    assert keys_stored_twice("usage_regixdailyusage", "date, municipality_id, query_type_id") == []
    assert regix_rollups() == regix_rollups_from_facts()
    assert adoption("regix") == adoption_from_rollups(regix_rollups())


def test_new_files_reimports_and_corrections_leave_exactly_one_row_per_key(tmp_path):
    first = (
        HEADER + f"2024-03-04,VAR06,{PERSON},10,1\n"
        f"04.03.2024,VAR06,{PERSON},5,2\n"  # the same key again: added up
        f"2024-03-05,VAR06,{MARRIAGE},3,0\n"
        f"2024-04-01,VAR01,{PERSON},7,0\n"
    )
    import_text(tmp_path, first, name="first.csv")
    assert_one_row_per_key_and_rollups_match()
    assert regix_figures()[("2024-03-04", "VAR06", PERSON)] == (15, 3)

    import_text(tmp_path, first, name="first-again.csv")
    assert_one_row_per_key_and_rollups_match()
    assert len(regix_figures()) == 3

    correction = (
        HEADER + f"2024-03-04,VAR06,{PERSON},1,0\n"  # replaces 15/3
        f"2024-03-06,VAR06,{PERSON},4,0\n"  # a new key in a month that has facts
        f"2024-05-02,VAR06,{PERSON},2,0\n"  # a new month
    )
    import_text(tmp_path, correction, name="correction.csv")
    assert_one_row_per_key_and_rollups_match()
    assert regix_figures() == {
        ("2024-03-04", "VAR06", PERSON): (1, 0),
        ("2024-03-05", "VAR06", MARRIAGE): (3, 0),
        ("2024-03-06", "VAR06", PERSON): (4, 0),
        ("2024-04-01", "VAR01", PERSON): (7, 0),
        ("2024-05-02", "VAR06", PERSON): (2, 0),
    }
    march = RegixMonthlyUsage.objects.get(municipality__code="VAR06", query_type__operation=PERSON, month="2024-03-01")
    assert (march.requests, march.active_days) == (5, 2)


def test_a_correction_with_a_bad_row_and_a_repeated_key_still_keeps_one_row_per_key(tmp_path):
    import_text(tmp_path, HEADER + f"2024-03-04,VAR06,{PERSON},10,1\n", name="first.csv")
    correction = (
        HEADER + f"2024-03-04,VAR06,{PERSON},2,0\n2024-03-04,var06,{PERSON},3,0\n2024-03-04,Nowhere,{PERSON},3,0\n"
    )
    batch = import_text(tmp_path, correction, name="correction.csv")
    assert (batch.rows_accepted, batch.rows_rejected) == (2, 1)
    assert_one_row_per_key_and_rollups_match()
    assert regix_figures() == {("2024-03-04", "VAR06", PERSON): (5, 0)}


def test_seos_keys_stay_unique_through_reimports_and_corrections(tmp_path):
    header = "date,municipality,sent,received\n"
    text = header + "2024-03-04,VAR06,5,7\n2024-03-04,VAR06,1,0\n2024-03-05,VAR01,2,2\n"
    import_text(tmp_path, text, name="a.csv")
    import_text(tmp_path, text, name="a-again.csv")
    import_text(tmp_path, header + "2024-03-05,VAR01,9,9\n2024-03-06,VAR01,1,1\n", name="b.csv")
    assert keys_stored_twice("usage_seosdailyusage", "date, municipality_id") == []
    assert sorted(SeosDailyUsage.objects.values_list("date", "municipality__code", "sent", "received")) == [
        (dt.date(2024, 3, 4), "VAR06", 6, 7),
        (dt.date(2024, 3, 5), "VAR01", 9, 9),
        (dt.date(2024, 3, 6), "VAR01", 1, 1),
    ]
    var01 = SeosMonthlyUsage.objects.get(municipality__code="VAR01")
    assert (var01.sent, var01.received, var01.active_days) == (10, 10, 2)


def test_only_a_clean_plain_file_of_new_days_takes_the_one_statement_shortcut(tmp_path, monkeypatch, parser):
    taken = []
    real = ingest._insert_fresh

    def spy(cursor, reader, sql, rows):
        result = real(cursor, reader, sql, rows)
        taken.append((reader.path.name.split("-", 1)[1], result))
        return result

    monkeypatch.setattr(ingest, "_insert_fresh", spy)
    import_text(tmp_path, HEADER + f"2024-03-04,VAR06,{PERSON},10,1\n2024-03-05,VAR06,{PERSON},1,0\n", name="new.csv")
    import_text(tmp_path, HEADER + f"2024-03-04,VAR06,{PERSON},9,1\n", name="again.csv")
    import_text(tmp_path, HEADER + f"2024-06-04,VAR06,{PERSON},1,0\n2024-06-04,VAR06,{PERSON},1,0\n", name="twice.csv")
    import_text(tmp_path, HEADER + f"2024-07-04,VAR06,{PERSON},1,0\n2024-07-05,Nowhere,{PERSON},1,0\n", name="bad.csv")
    # The first row's day is new, a later row's is not: the shortcut finds out and steps back.
    import_text(tmp_path, HEADER + f"2024-08-01,VAR06,{PERSON},1,0\n2024-03-04,VAR06,{PERSON},8,1\n", name="mixed.csv")
    # A day's new file into a month that holds figures: straight in, its totals added to the rollups.
    import_text(tmp_path, HEADER + f"2024-03-07,VAR06,{PERSON},5,2\n2024-03-07,VAR01,{PERSON},0,0\n", name="day.csv")
    if parser == "python-parse":
        assert taken == []
    else:
        assert taken == [  # again.csv's first day holds figures: staged, the shortcut not tried
            ("new.csv", (2, False)),
            ("twice.csv", None),
            ("bad.csv", None),
            ("mixed.csv", None),
            ("day.csv", (2, True)),
        ]
    assert regix_figures()[("2024-03-04", "VAR06", PERSON)] == (8, 1)
    assert regix_figures()[("2024-06-04", "VAR06", PERSON)] == (2, 0)
    assert regix_figures()[("2024-03-07", "VAR06", PERSON)] == (5, 2)
    march = RegixMonthlyUsage.objects.get(month="2024-03-01", municipality__code="VAR06", query_type__operation=PERSON)
    assert (march.requests, march.errors, march.active_days, march.first_day, march.last_day) == (
        8 + 1 + 5,
        1 + 0 + 2,
        3,
        dt.date(2024, 3, 4),
        dt.date(2024, 3, 7),
    )
    assert_one_row_per_key_and_rollups_match()


def test_the_daily_facts_keep_a_brin_index_on_the_date_and_no_unique_index_on_the_key():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes "
            "WHERE tablename IN ('usage_regixdailyusage', 'usage_seosdailyusage') ORDER BY tablename"
        )
        indexes = cursor.fetchall()
    assert [table for table, _definition in indexes] == ["usage_regixdailyusage", "usage_seosdailyusage"]
    assert all("USING brin (date)" in definition for _table, definition in indexes)


def test_every_import_leaves_the_date_index_summarised(tmp_path):
    """The replacement of a month's facts finds them through the BRIN index: it must cover new rows
    at once, not only once autovacuum (off on some servers) summarises them. 40,000 rows fill more
    than one block range of 128 pages, so there is a complete range to summarise."""
    from catalog.models import QueryType
    from municipalities.models import Municipality

    codes = list(Municipality.objects.values_list("code", flat=True))
    operations = list(QueryType.objects.values_list("operation", flat=True)[:5])
    lines = [
        f"2024-03-{day:02d},{code},{operation},1,0"
        for day in range(1, 31)
        for code in codes
        for operation in operations
    ]
    batch = import_text(tmp_path, HEADER + "\n".join(lines) + "\n", name="regix-big.csv")
    assert batch.rows_accepted == len(lines)
    with connection.cursor() as cursor:
        cursor.execute(*summarise_sql("usage_regix_daily_date_brin"))  # each monthly partition's index
        assert cursor.fetchone()[0] == 0, "the import left block ranges of the date index unsummarised"


class StatementLog:
    """The SQL statements run while it is installed (connection.execute_wrapper)."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
        return execute(sql, params, many, context)

    def recomputed_a_rollup_from_facts(self) -> bool:
        return any(
            "INSERT INTO usage_" in sql and "monthlyusage" in sql and "dailyusage f JOIN" in sql
            for sql in self.statements
        )


def import_logged(tmp_path, text: str, name: str) -> StatementLog:
    log = StatementLog()
    with connection.execute_wrapper(log):
        import_text(tmp_path, text, name=name)
    return log


def test_a_days_file_and_corrections_change_the_rollups_by_deltas_exactly(tmp_path):
    """Into a month that holds data, a day's file changes the rollups by its deltas (no rollup
    recomputed from the facts); a correction that zeroes a month's first or last active day, or a
    municipality's only days, recomputes just those rollups; rollups and adoption always equal a
    recomputation."""
    import_text(
        tmp_path,
        HEADER + f"2024-03-02,VAR06,{PERSON},4,1\n2024-03-05,VAR06,{PERSON},6,0\n2024-03-09,VAR06,{PERSON},2,0\n"
        f"2024-03-05,VAR01,{MARRIAGE},3,0\n2024-04-01,VAR01,{PERSON},7,0\n",
        name="march.csv",
    )
    assert_one_row_per_key_and_rollups_match()

    day = (
        HEADER + f"2024-03-12,VAR06,{PERSON},5,2\n"  # a new day of a stored rollup: widens its last day
        f"2024-03-12,VAR01,{MARRIAGE},0,0\n"  # a new inactive day: counts, no active day
        f"2024-03-12,VAR01,{PERSON},8,1\n"  # a rollup not there yet
        f"2024-03-12,SOF46,{PERSON},1,0\n"  # a municipality not seen before
    )
    log = import_logged(tmp_path, day, "day.csv")
    assert not log.recomputed_a_rollup_from_facts()
    assert_one_row_per_key_and_rollups_match()
    march = RegixMonthlyUsage.objects.get(municipality__code="VAR06", query_type__operation=PERSON, month="2024-03-01")
    assert (march.requests, march.errors, march.active_days, march.last_day) == (17, 3, 4, dt.date(2024, 3, 12))

    raised = HEADER + f"2024-03-05,VAR06,{PERSON},60,5\n2024-03-01,VAR06,{PERSON},1,0\n"  # first day moves earlier
    log = import_logged(tmp_path, raised, "raised.csv")
    assert not log.recomputed_a_rollup_from_facts()
    assert_one_row_per_key_and_rollups_match()

    zeroed = (
        HEADER + f"2024-03-01,VAR06,{PERSON},0,0\n"  # the first active day stops being active
        f"2024-03-12,VAR06,{PERSON},0,0\n"  # and the last one
        f"2024-03-12,SOF46,{PERSON},0,0\n"  # SOF46's only day: it has not adopted after all
        f"2024-03-05,VAR01,{MARRIAGE},9,0\n"  # an unaffected change in the same file
    )
    log = import_logged(tmp_path, zeroed, "zeroed.csv")
    assert log.recomputed_a_rollup_from_facts()
    assert_one_row_per_key_and_rollups_match()
    march.refresh_from_db()
    assert (march.active_days, march.first_day, march.last_day) == (3, dt.date(2024, 3, 2), dt.date(2024, 3, 9))
    assert "SOF46" not in ObservedAdoption.objects.values_list("municipality__code", flat=True)

    log = import_logged(tmp_path, zeroed, "zeroed-again.csv")  # a re-import changes nothing
    assert not any(sql.startswith("DELETE FROM usage_regixdailyusage") for sql in log.statements)
    assert_one_row_per_key_and_rollups_match()


def test_seos_days_files_and_corrections_keep_rollups_and_adoption_exact(tmp_path):
    header = "date,municipality,sent,received\n"
    import_text(tmp_path, header + "2024-03-04,VAR06,5,7\n2024-03-08,VAR06,1,0\n2024-03-05,VAR01,2,2\n", name="a.csv")
    log = import_logged(tmp_path, header + "2024-03-10,VAR06,0,3\n2024-03-10,VAR01,0,0\n", "day.csv")
    assert not log.recomputed_a_rollup_from_facts()
    assert seos_rollups() == seos_rollups_from_facts()
    assert adoption("seos") == adoption_from_rollups(seos_rollups())
    import_logged(tmp_path, header + "2024-03-04,VAR06,0,0\n2024-03-05,VAR01,0,0\n", "zeroed.csv")
    assert seos_rollups() == seos_rollups_from_facts()
    assert adoption("seos") == adoption_from_rollups(seos_rollups())
    adopters = ObservedAdoption.objects.filter(service_id="seos").values_list("municipality__code", flat=True)
    assert "VAR01" not in adopters
