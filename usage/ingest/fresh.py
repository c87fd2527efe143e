# ruff: noqa: S608 -- every SQL string here is built from module constants, never from input.
"""The shortcut for the usual export: a fresh, clean plain CSV checked, inserted and totalled in a
single statement."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import psycopg
from django.db import DatabaseError, transaction

from ..choices import Kind
from ..reader import UsageFileReader
from .checks import _columns, _row_checks
from .replace import _has_repeated_keys
from .sql import _ACTIVE, GROUPS, LOOKUPS, RAW, _month_after

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

logger = logging.getLogger(__name__)


class _NotFresh(Exception):
    """The shortcut does not apply to this file: undo it and take the general path."""


def _insert_fresh(cursor: CursorWrapper, reader: UsageFileReader, sql: dict[str, str]) -> int | None:
    """The shortcut for the usual export, in ONE pass over the parsed rows: check them, insert them
    into the daily facts and total them per group. Returns the rows inserted, or None (and nothing
    left behind) unless every row passed the checks, no key came twice and the file's months held
    nothing before; then the general path imports the file.

    Those months held nothing when they have no rollup row: every import writes the daily facts and
    the rollups of their groups in the same transaction, so a month has rollups iff it has facts."""
    if _first_month_has_rollups(cursor, reader, sql):
        return None  # a re-import or a correction, most likely: not worth trying
    try:
        with transaction.atomic():
            cursor.execute(_fresh_sql(reader, sql))
            cursor.execute(f"SELECT coalesce(sum(n), 0), min(month), max(month) FROM {GROUPS}")
            accepted, first_month, last_month = cursor.fetchone()
            if accepted != reader.raw_data_rows or first_month is None or _has_repeated_keys(cursor):
                raise _NotFresh
            cursor.execute(sql["any_rollup"], {"lo": str(first_month), "hi": _month_after(str(last_month))})
            if cursor.fetchone() is not None:
                raise _NotFresh
    except (_NotFresh, DatabaseError, psycopg.Error) as error:
        logger.info("%s is imported through the staging table (%r)", reader.path.name, error)
        return None
    reader.info.rows_read = int(accepted)
    return int(accepted)


def _first_month_has_rollups(cursor: CursorWrapper, reader: UsageFileReader, sql: dict[str, str]) -> bool:
    """A one-row look before the shortcut: whether the month of the file's first row has rollups.
    The shortcut checks the whole file afterwards anyway; this only spares a re-import the work of
    trying it (two seconds per million rows) before it is rolled back."""
    cursor.execute(
        f"SELECT ld.month FROM (SELECT {_columns(reader)['date']} AS raw FROM {RAW} LIMIT 1) r "
        f"JOIN {LOOKUPS['date'][0]} ld ON ld.raw = r.raw"
    )
    row = cursor.fetchone()
    if row is None:
        return False
    cursor.execute(sql["any_rollup"], {"lo": str(row[0]), "hi": _month_after(str(row[0]))})
    return cursor.fetchone() is not None


def _fresh_sql(reader: UsageFileReader, sql: dict[str, str]) -> str:
    """Checked rows, computed once (MATERIALIZED), feed both the daily facts and the group totals.

    The month and the day's bit come with the date from its lookup row: no date arithmetic per row."""
    joins, ok, a, b = _row_checks(reader)
    operation = "lo.id" if reader.info.kind == Kind.REGIX else "NULL::integer"
    active = _ACTIVE[reader.info.kind]
    return (
        f"WITH v AS MATERIALIZED (SELECT ld.day AS d, ld.month, ld.bit, lm.id AS m, {operation} AS q, "
        f"{a} AS a, {b} AS b FROM {RAW} r {joins}WHERE {ok}), "
        f"facts AS ({sql['insert']}{sql['fresh_rows']}) "
        f"INSERT INTO {GROUPS} SELECT month, m, q, sum(a), sum(b), "
        f"coalesce(bit_count(bit_or(CASE WHEN {active} THEN bit END)::bit(64)), 0), "
        f"min(CASE WHEN {active} THEN d END), max(CASE WHEN {active} THEN d END), count(*), "
        "bit_count(bit_or(bit)::bit(64)), max(a), max(b) FROM v GROUP BY month, m, q"
    )
