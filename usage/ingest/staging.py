# ruff: noqa: S608 -- every SQL string here is built from module constants, never from input.
"""The temporary tables of an import and how rows get into them: COPY,
PostgreSQL parsing a plain CSV itself, the tables of valid spellings, and the rows the SQL checks leave
to the Python rules."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

import psycopg
from django.db import DatabaseError, connection, transaction

from ..choices import Kind
from ..reader import EARLIEST_DATE, UsageFileReader
from .checks import _columns, _row_checks, _valid_rows_sql
from .sql import GROUPS, KEYS, LOOKUPS, RAW, STAGE, _day_bit, _month

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

logger = logging.getLogger(__name__)

TEMP_BUFFERS = "32MB"
COPY_CHUNK_ROWS = 2000
# Flagged rows are few in a usual file but may each be a 64 KiB line in a hostile one: 200 of those are
# ~13 MB, where 2,000 were hundreds of MB in the importer.
FLAGGED_CHUNK_ROWS = 200


def _prepare(cursor: CursorWrapper, kind: str) -> None:
    _room_for_temporary_tables(cursor)
    # One import of a kind at a time: the daily facts have no unique index (docs/ingestion.md), so
    # this lock is what keeps two imports from inserting the same key; it also avoids deadlocks.
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"usage-import-{kind}"])
    # Memory for sorts and hashes, bounded so that the importer and its backend together stay under
    # 400 MB whatever the file's size (issue 13): 256 MB (hash tables twice that) made the backend
    # grow from 357 MB at 1M rows to 753 MB at 5M; now larger aggregates and joins spill to temporary
    # files. 64 MB (32 MB before) keeps a million-row correction's join of its keys to the stored rows
    # in memory (it spilled, ~0.3 s); the fresh path bounds its own total at 32 MB. No JIT for these
    # one-off statements.
    cursor.execute("SET LOCAL work_mem = '64MB'")
    cursor.execute("SET LOCAL hash_mem_multiplier = 1")
    cursor.execute("SET LOCAL jit = off")
    # The raw rows are never ANALYZEd (that pass cost 0.15 s per million rows) and the checks on
    # them look selective to the planner, which then picks nested loops over a million rows; every
    # statement of an import is a bulk one, for which hash joins are right.
    cursor.execute("SET LOCAL enable_nestloop = off")
    for table in (STAGE, GROUPS, KEYS):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {STAGE} (d date, m integer, q integer, a bigint, b bigint, "
        "line integer, raw text, reason text, month date, bit bigint"
        # The daily facts' own check (errors <= requests), so rows staged without the row rules
        # (plain.py) are refused as the facts would refuse them; the rules never stage such a row.
        + (", CHECK (b <= a))" if kind == Kind.REGIX else ")")
    )
    cursor.execute(
        f"CREATE TEMPORARY TABLE {GROUPS} (month date, m integer, q integer, a bigint, b bigint, "
        "active integer, first_day date, last_day date, n bigint, days integer, peak_a bigint, peak_b bigint)"
    )


def _room_for_temporary_tables(cursor: CursorWrapper) -> None:
    """A million raw rows fill ~80 MB of temporary table. With the default 8 MB of temp_buffers each
    page is written out and read back through the kernel, which cost ~0.3 s per million rows when
    256 MB held them all. 32 MB now: the backend's memory counts against the import's 400 MB, and at
    64 MB a 5M-row file reached it (docs/ingestion.md); the difference did not show in the ratios.
    PostgreSQL only lets a session set this before it first uses a temporary table, hence the
    savepoint: a session that already did keeps its setting and the import runs all the same."""
    try:
        with transaction.atomic():
            cursor.execute(f"SET temp_buffers = '{TEMP_BUFFERS}'")
    except DatabaseError:
        logger.debug("temp_buffers is already fixed for this database session")


class _Fallback(Exception):
    """PostgreSQL could not parse the file as plain CSV: the Python reader takes over."""


def _parse_by_postgres(cursor: CursorWrapper, reader: UsageFileReader) -> bool:
    """Let COPY parse a plain CSV into a table of text columns (row n is line n + 1), and load the
    valid spellings of the reference values to check it against. False (and nothing left behind) when
    the file is not plain enough: then the Python reader takes over."""
    try:
        with transaction.atomic():
            _copy_raw(cursor, reader)
            _load_lookups(cursor, reader)
    except (_Fallback, DatabaseError, psycopg.Error) as error:
        logger.info("PostgreSQL cannot parse %s itself (%s): reading it in Python", reader.path.name, error)
        return False
    return True


def _stage_checked_rows(cursor: CursorWrapper, reader: UsageFileReader) -> bool:
    """The general path after a PostgreSQL parse, row for row as the Python reader would:

    1. move every row that passes the SQL checks to the staging table in one statement;
    2. hand the rows that did not pass to the Python rules, which accept or reject them with the reason.
    Returns False (and leaves nothing behind) if that fails: the Python path runs.
    """
    try:
        with transaction.atomic():
            cursor.execute(_valid_rows_sql(reader))
            accepted = cursor.rowcount
            if accepted > reader.raw_data_rows:
                raise _Fallback("more rows passed the checks than were read")
            reader.info.rows_read = reader.raw_data_rows
            if accepted != reader.raw_data_rows:
                _stage_flagged_rows(cursor, reader)
    except (_Fallback, DatabaseError, psycopg.Error) as error:
        logger.info("PostgreSQL cannot check %s itself (%s): reading it in Python", reader.path.name, error)
        reader.info.rows_read = reader.info.rows_rejected = 0
        return False
    return True


def _copy_raw(cursor: CursorWrapper, reader: UsageFileReader) -> None:
    columns = list(_columns(reader).values())
    cursor.execute(f"DROP TABLE IF EXISTS {RAW}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {RAW} (line integer GENERATED ALWAYS AS IDENTITY, "
        + ", ".join(f"{column} text" for column in columns)
        + ")"
    )
    with cursor.cursor.copy(f"COPY {RAW} ({', '.join(columns)}) FROM STDIN ({reader.raw_copy_options()})") as copy:
        for chunk in reader.raw_bytes():
            copy.write(chunk)
    # COPY reports its row count: no second pass to count them.
    if cursor.cursor.rowcount != reader.raw_data_rows:
        raise _Fallback("a line is not a row (an end-of-data marker?)")


def _load_lookups(cursor: CursorWrapper, reader: UsageFileReader) -> None:
    """The valid spellings of dates, municipalities and operations, as small join tables.

    They come from the reference data, not from the file: collecting the file's distinct values
    cost a pass over a million rows (0.5 s); these few thousand candidates cost a few milliseconds.
    The municipalities and operations are judged by the Python rules; the dates are generated in SQL
    (`_DATES`). A value spelled otherwise (`Var06`, ` 2024-03-04`) simply misses the join and is
    judged in Python. Not ANALYZEd: every join of an import is a hash join (see `_prepare`), and the
    statistics cost more than a small file's whole check."""
    candidates = {
        "municipality": sorted(
            {spelling for code in reader.lookups.municipality_ids for spelling in (code, code.lower())}
        ),
        "operation": sorted(reader.lookups.operation_ids),
    }
    checks = {"municipality": reader.check_municipalities, "operation": reader.check_operations}
    for name, (table, definition) in LOOKUPS.items():
        if name == "operation" and reader.info.kind != Kind.REGIX:
            continue
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {table} ({definition})")
        if name == "date":
            cursor.execute(_DATES.format(table=table), [EARLIEST_DATE, reader.today])
            continue
        lines = "".join(checks[name](candidates[name]))
        if lines:
            _copy(cursor, table, ["raw", "id"], iter([lines]))


# Every day from the earliest accepted one to today, spelled as the Python rule accepts a date as it
# is (YYYY-MM-DD and DD.MM.YYYY, zero-padded), with its month and its bit in the month (see
# _distinct_days). Made in SQL: judging 12,000 spellings in Python and copying them cost 0.1 s, most
# of a day's file's import.
_DATES = (
    f"INSERT INTO {{table}} (raw, day, month, bit) SELECT to_char(d, f), d, {_month('d')}, {_day_bit('d')} "
    "FROM (SELECT generate_series(%s::date, %s::date, interval '1 day')::date AS d) AS days, "
    "(VALUES ('YYYY-MM-DD'), ('DD.MM.YYYY')) AS s(f)"
)


def _stage_flagged_rows(cursor: CursorWrapper, reader: UsageFileReader) -> None:
    """The rows the SQL check did not pass (exactly the complement of `_valid_rows_sql`), read
    through a server-side cursor and judged in Python."""
    joins, ok, _a, _b = _row_checks(reader)
    aliases = ["ld", "lm", "lo"] if reader.info.kind == Kind.REGIX else ["ld", "lm"]
    columns = ", ".join(f"r.{column}" for column in _columns(reader).values())
    left_joins = joins.replace("JOIN ", "LEFT JOIN ")
    matched = " AND ".join(f"{alias}.raw IS NOT NULL" for alias in aliases)
    query = (
        f"SELECT r.line, {columns} FROM {RAW} r {left_joins}"
        f"WHERE NOT coalesce({matched} AND {ok}, false) ORDER BY r.line"
    )
    stage_columns = ["d", "m", "q", "a", "b", "line", "raw", "reason"]
    with connection.chunked_cursor() as flagged:
        flagged.execute(query)
        while rows := flagged.fetchmany(FLAGGED_CHUNK_ROWS):
            lines = "".join(reader.stage_flagged(line + 1, fields) for line, *fields in rows)
            _copy(cursor, STAGE, stage_columns, iter([lines]))


def _copy(cursor: CursorWrapper, table: str, columns: list[str], chunks: Iterator[str]) -> None:
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for chunk in chunks:
            copy.write(chunk)
