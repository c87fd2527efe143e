"""The daily facts partitioned by month: rows land in their month, the beat job makes the months ahead."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import Sum

from tests.usage_support import PERSON, import_file, usage_storage, write  # noqa: F401
from usage.models import RegixDailyUsage, RegixMonthlyUsage
from usage.partitions import DAILY_TABLES, ensure_partitions, partition_name
from usage.tasks import create_partitions


def partitions(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [table],
        )
        return {row[0] for row in cursor.fetchall()}


def rows_in(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


def test_both_daily_tables_are_partitioned_by_month_with_a_default(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT partrelid::regclass::text, partstrat FROM pg_partitioned_table ORDER BY 1")
        assert cursor.fetchall() == [("usage_regixdailyusage", "r"), ("usage_seosdailyusage", "r")]
    for table in DAILY_TABLES:
        assert f"{table}_default" in partitions(table)


def test_an_old_month_waits_in_the_default_partition_until_the_job_gives_it_its_own(db, tmp_path):
    text = "date,municipality,operation,requests\n" + "".join(
        f"2017-02-{day:02d},VAR06,{PERSON},{day}\n" for day in range(1, 29)
    )
    assert import_file(write(tmp_path, "feb-2017.csv", text)).status == "succeeded"
    assert rows_in("usage_regixdailyusage_default") == 28
    created = create_partitions()
    assert partition_name("usage_regixdailyusage", date(2017, 2, 1)) in created
    assert rows_in("usage_regixdailyusage_default") == 0
    assert rows_in(partition_name("usage_regixdailyusage", date(2017, 2, 1))) == 28
    # Readers see one table, unchanged.
    assert RegixDailyUsage.objects.aggregate(total=Sum("requests"))["total"] == sum(range(1, 29))
    assert RegixMonthlyUsage.objects.get(month=date(2017, 2, 1)).requests == sum(range(1, 29))
    # A corrected file replaces the month's facts inside the partition.
    fixed = text.replace(f"2017-02-05,VAR06,{PERSON},5", f"2017-02-05,VAR06,{PERSON},500")
    assert import_file(write(tmp_path, "feb-2017-fixed.csv", fixed)).status == "succeeded"
    assert RegixDailyUsage.objects.aggregate(total=Sum("requests"))["total"] == sum(range(1, 29)) + 495
    assert rows_in("usage_regixdailyusage_default") == 0


def test_the_job_makes_the_months_ahead_once(db):
    first = ensure_partitions(date(2031, 5, 20), months_ahead=2)
    for table in DAILY_TABLES:
        assert {partition_name(table, date(2031, m, 1)) for m in (5, 6, 7)} <= set(first)
    assert ensure_partitions(date(2031, 5, 20), months_ahead=2) == []


def test_a_correction_across_partitions_replaces_each_changed_row_in_its_own(db, tmp_path):
    """The changed keys' stored rows are deleted by their places, partition by partition (two months
    of their own and one still in the DEFAULT partition); the rest stay as they were."""

    def lines(month: int, days: int, bump: set[int] = frozenset()) -> str:
        return "".join(
            f"2017-{month:02d}-{day:02d},VAR06,{PERSON},{day + (100 if day in bump else 0)}\n"
            for day in range(1, days + 1)
        )

    header = "date,municipality,operation,requests\n"
    assert import_file(write(tmp_path, "feb-mar.csv", header + lines(2, 28) + lines(3, 31))).status == "succeeded"
    create_partitions()  # February to months ahead; January, older, will wait in the DEFAULT partition
    assert import_file(write(tmp_path, "jan.csv", header + lines(1, 31))).status == "succeeded"
    assert rows_in("usage_regixdailyusage_default") == 31
    fixed = header + lines(1, 31, {3}) + lines(2, 28, {4, 5}) + lines(3, 31, {6})
    assert import_file(write(tmp_path, "fixed.csv", fixed)).status == "succeeded"
    stored = dict(RegixDailyUsage.objects.values_list("date", "requests"))
    assert len(stored) == 31 + 28 + 31 == RegixDailyUsage.objects.count()  # one row per key
    bumped = {date(2017, 1, 3), date(2017, 2, 4), date(2017, 2, 5), date(2017, 3, 6)}
    assert stored == {day: day.day + (100 if day in bumped else 0) for day in stored}
    assert rows_in(partition_name("usage_regixdailyusage", date(2017, 2, 1))) == 28
    assert rows_in("usage_regixdailyusage_default") == 31
    assert dict(RegixMonthlyUsage.objects.values_list("month", "requests")) == {
        date(2017, 1, 1): sum(range(1, 32)) + 100,
        date(2017, 2, 1): sum(range(1, 29)) + 200,
        date(2017, 3, 1): sum(range(1, 32)) + 100,
    }
