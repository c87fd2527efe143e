"""The daily facts partitioned by month (PostgreSQL declarative partitioning).

Each of `usage_regixdailyusage` and `usage_seosdailyusage` is a table partitioned by range of the date,
one partition per calendar month (`usage_regixdailyusage_y2024m03`), plus a DEFAULT partition that
catches a day no monthly partition covers yet, so an import never fails for want of one. A beat job
(`usage.tasks.create_partitions`) creates the months ahead, and moves any rows the DEFAULT partition
holds into months of their own. Old years can then be detached (`ALTER TABLE ... DETACH PARTITION`)
and archived or moved to another tablespace without touching the rest. Readers see one table.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import connection, transaction

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

DAILY_TABLES = ("usage_regixdailyusage", "usage_seosdailyusage")
DATE_INDEXES = ("usage_regix_daily_date_brin", "usage_seos_daily_date_brin")
MONTHS_AHEAD = 3


def partition_name(table: str, month: date) -> str:
    return f"{table}_y{month.year:04d}m{month.month:02d}"


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def is_partitioned(cursor: CursorWrapper, table: str) -> bool:
    cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass)", [table])
    partitioned: bool = cursor.fetchone()[0]
    return partitioned


def existing_months(cursor: CursorWrapper, table: str) -> set[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass",
        [table],
    )
    return {row[0] for row in cursor.fetchall()}


def create_partition(cursor: CursorWrapper, table: str, month: date) -> bool:
    """One month's partition; rows of that month waiting in the DEFAULT partition move into it. False if it existed.

    A DEFAULT partition holding rows of the month would refuse the new partition, so the month is made
    as a plain table, filled from the DEFAULT partition, and attached (all in the caller's transaction).
    """
    name = partition_name(table, month)
    if name in existing_months(cursor, table):
        return False
    end = next_month(month)
    cursor.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cursor.execute(
        f"WITH moved AS (DELETE FROM {table}_default WHERE date >= %s AND date < %s RETURNING *) "  # noqa: S608 - ours
        f"INSERT INTO {name} SELECT * FROM moved",
        [month, end],
    )
    cursor.execute(f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", [month, end])
    return True


def ensure_partitions(today: date, months_ahead: int = MONTHS_AHEAD) -> list[str]:
    """Monthly partitions from the oldest month with rows in a DEFAULT partition (or this month) to
    `months_ahead` months after this one; returns the partitions created."""
    created: list[str] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for table in DAILY_TABLES:
            if not is_partitioned(cursor, table):
                continue
            cursor.execute(f"SELECT min(date), max(date) FROM {table}_default")  # noqa: S608 - a table of ours
            oldest, newest = cursor.fetchone()
            first = min(d for d in (oldest, today) if d is not None).replace(day=1)
            last = today.replace(day=1)
            for _ in range(months_ahead):
                last = next_month(last)
            if newest is not None and newest.replace(day=1) > last:
                last = newest.replace(day=1)
            month = first
            while month <= last:
                if create_partition(cursor, table, month):
                    created.append(partition_name(table, month))
                month = next_month(month)
    return created


def summarise_sql(index: str) -> tuple[str, list[str]]:
    """SQL summarising the new BRIN ranges of a date index: each partition's own index when the table
    is partitioned (the partitioned index itself has no storage to summarise)."""
    return (
        "SELECT coalesce(sum(brin_summarize_new_values(i)), 0) FROM ("
        "SELECT inhrelid AS i FROM pg_inherits WHERE inhparent = %s::regclass UNION ALL "
        "SELECT %s::regclass WHERE NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhparent = %s::regclass)) parts",
        [index, index, index],
    )
