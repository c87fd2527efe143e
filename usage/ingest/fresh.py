# ruff: noqa: S608 -- every SQL string here is built from module constants, never from input.
"""The shortcut for the usual export (a fresh, clean plain CSV): its rows checked in Python and
streamed through ONE COPY straight into the daily facts, so the data is written once. Python reads
and checks the next chunk while the PostgreSQL backend stores the last one, each on its own core;
the group totals are then added up from the stored rows (docs/ingestion.md)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

import psycopg
from django.db import DatabaseError, transaction
from psycopg.copy import QueuedLibpqWriter

from ..choices import Kind
from ..reader import UsageFileReader
from .columns import FreshRows, NotPlain, Spellings
from .sql import _ACTIVE, GROUPS, REPEATED_KEY, _day_bit, _month, _month_after

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

logger = logging.getLogger(__name__)

DAYS = "usage_stage_days"
# The daily facts per kind: the table, its columns in COPY order, and the query type as the totals read it.
FACTS = {
    Kind.REGIX: ("usage_regixdailyusage", "date, municipality_id, query_type_id, requests, errors", "query_type_id"),
    Kind.SEOS: ("usage_seosdailyusage", "date, municipality_id, sent, received", "NULL::integer"),
}
# The group totals' hash table stays within this (x hash_mem_multiplier) and spills beyond it, so the
# backend's memory does not grow with the file: ~50,000 groups per million rows fit in 10 MB.
WORK_MEM = "32MB"
# 128 KiB pieces (psycopg's): at most 4 MiB of COPY text waits for the backend.
QUEUED_PIECES = 32


class _NotFresh(Exception):
    """The shortcut does not apply to this file: undo it and take the general path."""


class _BoundedWriter(QueuedLibpqWriter):
    """psycopg's writer thread (it sends while Python reads on), with a short queue: its own holds
    up to 128 MiB when the backend is the slower side."""

    def __init__(self, cursor: psycopg.Cursor[Any]):
        super().__init__(cursor)
        self._queue = type(self._queue)(maxsize=QUEUED_PIECES)  # psycopg's Queue, its get() interruptible


def _insert_fresh(
    cursor: CursorWrapper, reader: UsageFileReader, sql: dict[str, str], rows: FreshRows
) -> tuple[int, bool] | None:
    """The shortcut for the usual export and for a day's new file: every row into the daily facts in
    ONE COPY, then the group totals from them. Returns (rows inserted, whether the file's months held
    figures before), or None (and nothing left behind) unless every row is valid as it is, no key
    comes twice and the file's days held nothing before; then the general path imports the file.

    Those days held nothing when the facts on them are exactly the rows copied: the totals count
    every stored row of the file's days (`n`). Months that held figures get the totals added to
    their rollups (`add_groups`), new months get them as rollups."""
    table, columns, _query_type = FACTS[Kind(reader.info.kind)]
    try:
        with transaction.atomic():
            _plan_for_bounded_totals(cursor)
            copy_rows(cursor, f"COPY {table} ({columns}) FROM STDIN", rows)
            span = _total_groups(cursor, reader, rows.days)
            cursor.execute(f"SELECT sum(n), coalesce(bool_or({REPEATED_KEY}), false) FROM {GROUPS}")
            stored, repeated = cursor.fetchone()
            if repeated:
                raise _NotFresh("a key comes twice, or the file's days held figures")
            if stored != rows.rows:
                raise _NotFresh("the file's days already hold figures")
            cursor.execute(sql["any_rollup"], span)
            months_held = cursor.fetchone()[0] is not None
    except (_NotFresh, NotPlain, DatabaseError, psycopg.Error) as error:
        logger.info("%s is imported through the staging table (%r)", reader.path.name, error)
        forget_implausible(reader)
        return None
    reader.info.rows_read = rows.rows
    return rows.rows, months_held


def new_rollups(sql: dict[str, str]) -> str:
    """The rollups of the fresh path's groups: its months have none (checked before it commits to
    the shortcut), so a plain INSERT, without the upsert's speculative insertion (a quarter of the
    statement's time). Should one exist after all, the unique key refuses it and nothing is imported."""
    return sql["monthly_from_groups"].partition(" ON CONFLICT ")[0]


def _plan_for_bounded_totals(cursor: CursorWrapper) -> None:
    """The stored rows are not analysed (that would cost a pass), so the planner guesses a few
    thousand and picks a sort (external, 60 MB on disk per million rows) and parallel workers; one
    hash aggregate over the rows is what this total needs, within a memory bound. Undone with the
    savepoint if the shortcut steps back."""
    cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
    cursor.execute("SET LOCAL enable_sort = off")
    cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")


def plain_rows(cursor: CursorWrapper, reader: UsageFileReader, sql: dict[str, str]) -> tuple[FreshRows, bool] | None:
    """The file's rows as Python checks them column by column, and whether the first row's day
    already holds figures (a one-day look through the date index: a re-import or a correction then
    skips the fresh path and is staged, `plain.py`); None when even the first row is not plainly valid."""
    rows = FreshRows(reader, Spellings.judged_by(reader))
    first = rows.first_day()
    if first is None:
        return None
    after = (dt.date.fromisoformat(first) + dt.timedelta(days=1)).isoformat()
    cursor.execute(sql["any_stored"], {"lo": first, "hi": after})
    return rows, cursor.fetchone() is not None


def copy_rows(cursor: CursorWrapper, statement: str, rows: FreshRows) -> None:
    """The checked rows through one COPY; NotPlain (or the table's own refusal) stops it."""
    with cursor.cursor.copy(statement, writer=_BoundedWriter(cursor.cursor)) as copy:
        for chunk in rows.chunks():
            copy.write(chunk)


def forget_implausible(reader: UsageFileReader) -> None:
    """Undo what a rolled-back pass noted: the path that reads the file next notes it again."""
    reader.info.implausible.clear()
    reader.info.implausible_count = 0


def _total_groups(cursor: CursorWrapper, reader: UsageFileReader, days: set[str]) -> dict[str, str]:
    """Total the stored rows of the file's days per (month, municipality, query type), as the
    general path totals its staged rows; the month and the day's bit come from a table of the days
    seen (date arithmetic per row cost twice the aggregate). Only the file's days are read (through
    the date index): a day's file into a month of stored days reads that day. Returns the months'
    date span."""
    kind = Kind(reader.info.kind)
    table, columns, query_type = FACTS[kind]
    a, b = columns.split(", ")[-2:]
    months = sorted({day[:8] + "01" for day in days})
    span = {"lo": months[0], "hi": _month_after(months[-1])}
    cursor.execute(f"DROP TABLE IF EXISTS {DAYS}")
    cursor.execute(f"CREATE TEMPORARY TABLE {DAYS} (day date PRIMARY KEY, month date, bit bigint)")
    cursor.execute(
        f"INSERT INTO {DAYS} SELECT day, {_month('day')}, {_day_bit('day')} FROM unnest(%s::date[]) day",
        [sorted(days)],
    )
    cursor.execute(f"ANALYZE {DAYS}")
    active = _ACTIVE[kind]
    cursor.execute(
        f"INSERT INTO {GROUPS} SELECT s.month, f.m, f.q, sum(f.a), sum(f.b), "
        f"coalesce(bit_count(bit_or(CASE WHEN {active} THEN s.bit END)::bit(64)), 0), "
        f"min(CASE WHEN {active} THEN f.d END), max(CASE WHEN {active} THEN f.d END), count(*), "
        "bit_count(bit_or(s.bit)::bit(64)), max(f.a), max(f.b) "
        f"FROM (SELECT date AS d, municipality_id AS m, {query_type} AS q, {a} AS a, {b} AS b FROM {table} "
        f"WHERE date >= %(first)s AND date <= %(last)s) f JOIN {DAYS} s ON s.day = f.d GROUP BY s.month, f.m, f.q",
        {"first": min(days), "last": max(days)},
    )
    return span
