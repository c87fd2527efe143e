# ruff: noqa: S608 -- every SQL string here is built from module constants, never from input.
"""Importing one batch: `run(batch) -> IngestResult`. The paths and the measurements behind them are
described in docs/ingestion.md.

1. A plain CSV is parsed by PostgreSQL's COPY and checked in SQL against the valid spellings of the
   reference values; any other file, and any row the SQL check does not pass, goes through the
   Python reader's rules.
2. In ONE transaction: rejected rows are stored; the valid rows are added up per key and replace the
   stored daily figures of exactly those keys; the monthly rollups of the touched (month,
   municipality[, query type]) groups and the observed adoption of the touched municipalities are
   recomputed; the batch gets its counts and status. A fresh, clean plain CSV does the checking,
   inserting and totalling in a single statement.
3. A file that cannot be read fails the batch with the reason and changes no figure.

Memory stays flat whatever the file's size: rows flow from the reader into COPY in chunks and the
adding-up happens in the database. On SQLite (the dev quick start) the same SQL runs, fed by
executemany instead of COPY.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import SERVICE_REGIX, SERVICE_SEOS, Kind, Status
from .models import ImportBatch
from .reader import EARLIEST_DATE, MAX_DIGITS, NULL, Lookups, UnreadableFile, UsageFileReader

logger = logging.getLogger(__name__)

STAGE = "usage_stage"
GROUPS = "usage_stage_groups"
KEYS = "usage_stage_keys"
TEMP_BUFFERS = "256MB"
COPY_CHUNK_ROWS = 2000


class BatchTakenOver(Exception):
    """Another worker claimed this batch (ours was presumed dead): give up without touching it."""


@dataclass
class IngestResult:
    batch_id: int
    status: str
    kind: str = ""
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    keys_written: int = 0
    error: str = ""
    warnings: list[str] = field(default_factory=list)


def run(batch: ImportBatch) -> IngestResult:
    """Import the batch's kept file (the caller has claimed the batch); never raises for bad files."""
    reader = UsageFileReader(Path(batch.file.path), batch.kind, Lookups.load(), timezone.localdate())
    try:
        try:
            info = reader.open()
        except UnreadableFile as error:
            return _fail(batch, str(error))
        except FileNotFoundError:
            return _fail(batch, _("The kept file is missing from the storage: %(path)s") % {"path": batch.file.name})
        if (duplicate := _same_content_as(batch)) is not None:
            info.warnings.append(
                _("The same file (by SHA-256) was already imported as batch #%(id)d.") % {"id": duplicate}
            )
        try:
            with transaction.atomic():
                _lock_claim(batch)
                keys = _apply(batch, reader)
                _test_pause()
                _finish(batch, Status.SUCCEEDED, info=info)
        except UnreadableFile as error:
            return _fail(batch, str(error))
    finally:
        reader.close()
    return _result(batch, keys_written=keys)


def _apply(batch: ImportBatch, reader: UsageFileReader) -> int:
    """1. stage every row; 2. keep the rejected ones; 3. total the staged rows per (month, municipality
    [, query type]) group; 4. replace the daily figures of the file's keys; 5. write the rollups of the
    touched groups; 6. recompute the touched municipalities' adoption.

    A plain CSV of new months without a bad or repeated row (the usual export) takes a shortcut
    through steps 1-4: one statement checks its rows, inserts them and totals the groups."""
    kind = reader.info.kind
    sql = REGIX_SQL if kind == Kind.REGIX else SEOS_SQL
    clock = _Clock()
    with connection.cursor() as cursor:
        _prepare(cursor, kind)
        fresh = _stage(cursor, reader, sql)
        clock.lap("read, check and stage" if fresh is None else "read, check, insert and total")
        cursor.execute("DELETE FROM usage_rejectedrow WHERE batch_id = %s", [batch.pk])
        if fresh is None:
            cursor.execute(
                "INSERT INTO usage_rejectedrow (batch_id, line, raw, reason) "
                f"SELECT %s, line, raw, reason FROM {STAGE} WHERE reason IS NOT NULL",
                [batch.pk],
            )
            clock.lap("rejected rows")
            keys, months_were_empty = _replace_from_stage(cursor, kind, sql)
            clock.lap("group totals and daily facts")
        else:
            keys, months_were_empty = fresh, True
        if keys is None:
            return 0
        if months_were_empty:
            # The file's rows are all there is in those months: the group totals are the rollups.
            cursor.execute(sql["monthly_from_groups"])
        else:
            cursor.execute(sql["monthly"].format(month=_month("f.date")), _span(cursor))
        clock.lap("monthly rollups")
        _refresh_adoption(cursor, kind)
        clock.lap("observed adoption")
        _summarise_date_index(cursor, kind)
    logger.info("Usage batch %s: %s", batch.pk, clock)
    return max(keys, 0)


DATE_INDEXES = {Kind.REGIX: "usage_regix_daily_date_brin", Kind.SEOS: "usage_seos_daily_date_brin"}


def _summarise_date_index(cursor, kind: str) -> None:
    """Summarise the BRIN ranges this import filled, so the next import finds a month's facts through
    the index even where autovacuum (which autosummarize relies on) is off or behind. Only the new
    block ranges are read: a few milliseconds."""
    if connection.vendor == "postgresql":
        cursor.execute("SELECT brin_summarize_new_values(%s::regclass)", [DATE_INDEXES[kind]])


def _replace_from_stage(cursor, kind: str, sql: dict[str, str]) -> tuple[int | None, bool]:
    """Steps 3 and 4 from the staged rows: (keys written or None when no row was accepted, whether
    the file's months held nothing before)."""
    _total_groups(cursor, kind)
    span = _span(cursor)
    if span is None:
        return None, False
    return _replace_daily(cursor, sql, span, _has_repeated_keys(cursor))


def _prepare(cursor, kind: str) -> None:
    if connection.vendor == "postgresql":
        _room_for_temporary_tables(cursor)
        # One import of a kind at a time: the daily facts have no unique index (docs/ingestion.md), so
        # this lock is what keeps two imports from inserting the same key; it also avoids deadlocks.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"usage-import-{kind}"])
        # Room to add up and join a million rows in memory; no JIT for these one-off statements.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL jit = off")
        # The raw rows are never ANALYZEd (that pass cost 0.15 s per million rows) and the checks on
        # them look selective to the planner, which then picks nested loops over a million rows; every
        # statement of an import is a bulk one, for which hash joins are right.
        cursor.execute("SET LOCAL enable_nestloop = off")
    for table in (STAGE, GROUPS, KEYS):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {STAGE} (d date, m integer, q integer, a bigint, b bigint, "
        "line integer, raw text, reason text, month date, bit bigint)"
    )
    cursor.execute(
        f"CREATE TEMPORARY TABLE {GROUPS} (month date, m integer, q integer, a bigint, b bigint, "
        "active integer, first_day date, last_day date, n bigint, days integer)"
    )


def _room_for_temporary_tables(cursor) -> None:
    """A million raw rows fill ~80 MB of temporary table. With the default 8 MB of temp_buffers each
    page is written out and read back through the kernel, which cost ~0.3 s per million rows; with
    room for them they stay in the backend's memory (allocated as used, freed with the connection).
    PostgreSQL only lets a session set this before it first uses a temporary table, hence the
    savepoint: a session that already did keeps its setting and the import runs all the same."""
    try:
        with transaction.atomic():
            cursor.execute(f"SET temp_buffers = '{TEMP_BUFFERS}'")
    except DatabaseError:
        logger.debug("temp_buffers is already fixed for this database session")


def _stage(cursor, reader: UsageFileReader, sql: dict[str, str]) -> int | None:
    """Every data row into the staging table; or, when PostgreSQL parsed a fresh file itself, its rows
    straight into the daily facts and their group totals (then returns how many rows it inserted)."""
    if (
        connection.vendor == "postgresql"
        and reader.raw_copy_options() is not None
        and _parse_by_postgres(cursor, reader)
    ):
        fresh = _insert_fresh(cursor, reader, sql)
        if fresh is not None:
            return fresh
        if _stage_checked_rows(cursor, reader):
            return None
    columns = ["d", "m", "q", "a", "b", "line", "raw", "reason"]
    _copy(cursor, STAGE, columns, reader.stage_chunks(COPY_CHUNK_ROWS))
    return None


def _total_groups(cursor, kind: str) -> None:
    """Total the staged accepted rows per (month, municipality, query type) in one pass.

    The totals are right even with repeated keys (a day counts once in `days`, and a day is active
    when any of its rows is), so they become the rollups when the months held nothing before."""
    active = _ACTIVE[kind]
    cursor.execute(
        f"INSERT INTO {GROUPS} SELECT coalesce(month, {_month('d')}), m, q, sum(a), sum(b), "
        f"{_distinct_days(active)}, "
        f"min(CASE WHEN {active} THEN d END), max(CASE WHEN {active} THEN d END), count(*), "
        f"{_distinct_days('true')} FROM {STAGE} WHERE reason IS NULL GROUP BY 1, m, q"
    )
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {GROUPS}")


_ACTIVE = {Kind.REGIX: "a > 0", Kind.SEOS: "a + b > 0"}


def _span(cursor) -> dict[str, str] | None:
    """The date span of the months of the groups, None when there is none."""
    cursor.execute(f"SELECT min(month), max(month) FROM {GROUPS}")
    first_month, last_month = cursor.fetchone()
    if first_month is None:
        return None
    return {"lo": str(first_month), "hi": _month_after(str(last_month))}


def _has_repeated_keys(cursor) -> bool:
    """Whether two accepted rows share a key: some group has more rows than distinct days."""
    cursor.execute(f"SELECT 1 FROM {GROUPS} WHERE n > days LIMIT 1")
    return cursor.fetchone() is not None


def _distinct_days(condition: str) -> str:
    """How many distinct days of a month group's rows meet the condition.

    On PostgreSQL a bit per day of the month, OR-ed together and counted: one hash aggregate, where
    count(DISTINCT) would sort every group's rows. Rows checked in SQL bring their bit (and month)
    from the date's lookup row; rows the Python reader staged have them computed here."""
    if connection.vendor == "postgresql":
        bit = "coalesce(bit, 1::bigint << extract(day FROM d)::integer)"
        return f"coalesce(bit_count(bit_or(CASE WHEN {condition} THEN {bit} END)::bit(64)), 0)"
    return f"count(DISTINCT CASE WHEN {condition} THEN d END)"


def _replace_daily(cursor, sql: dict[str, str], span: dict[str, str], duplicates: bool) -> tuple[int, bool]:
    """Replace the stored figures of the file's keys; returns (keys written, whether those months held
    nothing before).

    Nothing stored in the file's months (the usual new export): one plain INSERT into the heap. Else
    the file's keys, added up, replace the stored rows whose figures differ, and the keys not stored
    with the same figures are inserted: a re-import writes nothing, a correction only what changed.
    Either way each key ends up with exactly one row, which is what a unique index would have ensured."""
    cursor.execute(sql["any_stored"], span)
    if cursor.fetchone() is None:
        cursor.execute(sql["insert"] + (sql["sum"] if duplicates else sql["rows"]))
        return cursor.rowcount, True
    # Added up only when a key came twice: a million-group aggregate is not free.
    cursor.execute(f"CREATE TEMPORARY TABLE {KEYS} AS {sql['sum'] if duplicates else sql['rows']}")
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {KEYS}")
    cursor.execute(sql["delete_changed"], span)
    cursor.execute(sql["insert"] + sql["insert_missing"], span)
    return cursor.rowcount, False


class _Clock:
    """Phase timings of an import, logged so a slow import says where its time went."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now

    def __str__(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.laps.items())


class _Fallback(Exception):
    """PostgreSQL could not parse the file as plain CSV: the Python reader takes over."""


RAW = "usage_stage_raw"
LOOKUPS = {
    "date": ("usage_stage_dates", "raw text PRIMARY KEY, day date, month date, bit bigint"),
    "municipality": ("usage_stage_municipalities", "raw text PRIMARY KEY, id integer"),
    "operation": ("usage_stage_operations", "raw text PRIMARY KEY, id integer"),
}
COUNT_COLUMNS = {Kind.REGIX: ("requests", "errors"), Kind.SEOS: ("sent", "received")}


def _parse_by_postgres(cursor, reader: UsageFileReader) -> bool:
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


class _NotFresh(Exception):
    """The shortcut does not apply to this file: undo it and take the general path."""


def _insert_fresh(cursor, reader: UsageFileReader, sql: dict[str, str]) -> int | None:
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


def _first_month_has_rollups(cursor, reader: UsageFileReader, sql: dict[str, str]) -> bool:
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
        "bit_count(bit_or(bit)::bit(64)) FROM v GROUP BY month, m, q"
    )


def _stage_checked_rows(cursor, reader: UsageFileReader) -> bool:
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


def _columns(reader: UsageFileReader) -> dict[str, str]:
    return {name: f"c{index}" for index, name in enumerate(reader.info.columns)}


def _copy_raw(cursor, reader: UsageFileReader) -> None:
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


def _load_lookups(cursor, reader: UsageFileReader) -> None:
    """The valid spellings of dates, municipalities and operations, judged by the Python rules.

    They come from the reference data, not from the file: collecting the file's distinct values
    cost a pass over a million rows (0.5 s); these few thousand candidates cost a few milliseconds.
    A value spelled otherwise (`Var06`, ` 2024-03-04`) simply misses the join and is judged in Python."""
    candidates = {
        "date": _date_spellings(reader.today),
        "municipality": sorted(
            {spelling for code in reader.lookups.municipality_ids for spelling in (code, code.lower())}
        ),
        "operation": sorted(reader.lookups.operation_ids),
    }
    checks = {
        "date": reader.check_dates,
        "municipality": reader.check_municipalities,
        "operation": reader.check_operations,
    }
    for name, (table, definition) in LOOKUPS.items():
        if name == "operation" and reader.info.kind != Kind.REGIX:
            continue
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {table} ({definition})")
        lines = "".join(checks[name](candidates[name]))
        columns = [part.split()[0] for part in definition.split(", ") if part != "bit bigint"]
        if lines:
            _copy(cursor, table, columns, iter([lines]))
        if name == "date":
            # The day's bit in a month (see _distinct_days), computed once per date, not per row.
            cursor.execute(f"UPDATE {table} SET bit = 1::bigint << extract(day FROM day)::integer")
        cursor.execute(f"ANALYZE {table}")


def _date_spellings(today: dt.date) -> list[str]:
    """Every day from the earliest accepted one to today, as YYYY-MM-DD and as DD.MM.YYYY."""
    days = [EARLIEST_DATE + dt.timedelta(days=offset) for offset in range((today - EARLIEST_DATE).days + 1)]
    return [f"{day:%Y-%m-%d}" for day in days] + [f"{day:%d.%m.%Y}" for day in days]


def _plain_counts(*columns: str) -> str:
    """Counts written with 1 to 15 ASCII digits and nothing else: what the Python rule accepts as is.

    translate() deletes the digits of all the counts at once (a regular expression per value cost
    three times as much); once only digits are left, octet_length is the number of digits."""
    lengths = " AND ".join(f"octet_length({column}) BETWEEN 1 AND {MAX_DIGITS}" for column in columns)
    return f"({lengths} AND translate({' || '.join(columns)}, '0123456789', '') = '')"


def _row_checks(reader: UsageFileReader) -> tuple[str, str, str, str]:
    """(joins, the condition a valid row meets, count a, count b) for this kind's raw rows.

    The date, municipality and operation are checked by joining to their tables of valid spellings,
    the counts by `_plain_counts`; a row that misses a join or a check is left for the Python rules.
    The casts sit behind CASE, which PostgreSQL evaluates in order, so no cast ever sees a non-digit."""
    c = _columns(reader)
    joins = [
        f"JOIN {LOOKUPS['date'][0]} ld ON ld.raw = r.{c['date']}",
        f"JOIN {LOOKUPS['municipality'][0]} lm ON lm.raw = r.{c['municipality']}",
    ]
    first, second = COUNT_COLUMNS[Kind(reader.info.kind)]
    a = f"r.{c[first]}"
    if reader.info.kind == Kind.REGIX:
        joins.append(f"JOIN {LOOKUPS['operation'][0]} lo ON lo.raw = r.{c['operation']}")
        if second not in c:
            return " ".join(joins) + " ", _plain_counts(a), f"{a}::bigint", "0"
        b = f"r.{c[second]}"
        ok = f"CASE WHEN {_plain_counts(a, b)} THEN {b}::bigint <= {a}::bigint ELSE false END"
        return " ".join(joins) + " ", ok, f"{a}::bigint", f"{b}::bigint"
    b = f"r.{c[second]}"
    return " ".join(joins) + " ", _plain_counts(a, b), f"{a}::bigint", f"{b}::bigint"


def _valid_rows_sql(reader: UsageFileReader) -> str:
    joins, ok, a, b = _row_checks(reader)
    operation = "lo.id" if reader.info.kind == Kind.REGIX else "NULL::integer"
    return (
        f"INSERT INTO {STAGE} (d, m, q, a, b, month, bit) SELECT ld.day, lm.id, {operation}, {a}, {b}, "
        "ld.month, ld.bit "
        f"FROM {RAW} r {joins}WHERE {ok}"
    )


def _stage_flagged_rows(cursor, reader: UsageFileReader) -> None:
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
        while rows := flagged.fetchmany(COPY_CHUNK_ROWS):
            lines = "".join(reader.stage_flagged(line + 1, fields) for line, *fields in rows)
            _copy(cursor, STAGE, stage_columns, iter([lines]))


def _copy(cursor, table: str, columns: list[str], chunks: Iterator[str]) -> None:
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for chunk in chunks:
                copy.write(chunk)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
    for chunk in chunks:
        cursor.executemany(insert, [_unescape_copy(line) for line in chunk[:-1].split("\n")])


def _month_after(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12}-{number % 12 + 1:02d}-01"


def _unescape_copy(line: str) -> tuple:
    """A COPY text line back into values, for the databases without COPY."""
    values = []
    for value in line.split("\t"):
        if value == NULL:
            values.append(None)
        elif "\\" in value:
            values.append(value.encode("latin-1", "backslashreplace").decode("unicode_escape"))
        else:
            values.append(value)
    return tuple(values)


def _month(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_trunc('month', {column})::date"
    return f"date({column}, 'start of month')"


_REGIX_MONTHLY_UPSERT = (
    "ON CONFLICT (municipality_id, query_type_id, month) DO UPDATE SET requests = excluded.requests, "
    "errors = excluded.errors, active_days = excluded.active_days, first_day = excluded.first_day, "
    "last_day = excluded.last_day"
)
REGIX_SQL = {
    "any_stored": "SELECT 1 FROM usage_regixdailyusage WHERE date >= %(lo)s AND date < %(hi)s LIMIT 1",
    "insert": "INSERT INTO usage_regixdailyusage (date, municipality_id, query_type_id, requests, errors) ",
    "rows": f"SELECT d, m, q, a, b FROM {STAGE} WHERE reason IS NULL",
    "fresh_rows": "SELECT d, m, q, a, b FROM v",
    "any_rollup": "SELECT 1 FROM usage_regixmonthlyusage WHERE month >= %(lo)s AND month < %(hi)s LIMIT 1",
    # Within one file the rows of a key are added up.
    "sum": f"SELECT d, m, q, CAST(sum(a) AS bigint) AS a, CAST(sum(b) AS bigint) AS b FROM {STAGE} "
    "WHERE reason IS NULL GROUP BY d, m, q",
    # Across files: the file's figures replace the stored ones of its keys; unchanged rows stay as they are.
    "delete_changed": "DELETE FROM usage_regixdailyusage WHERE date >= %(lo)s AND date < %(hi)s "
    f"AND EXISTS (SELECT 1 FROM {KEYS} k WHERE k.d = usage_regixdailyusage.date "
    "AND k.m = usage_regixdailyusage.municipality_id AND k.q = usage_regixdailyusage.query_type_id "
    "AND (k.a <> usage_regixdailyusage.requests OR k.b <> usage_regixdailyusage.errors))",
    "insert_missing": f"SELECT d, m, q, a, b FROM {KEYS} k WHERE NOT EXISTS (SELECT 1 FROM usage_regixdailyusage f "
    "WHERE f.date >= %(lo)s AND f.date < %(hi)s AND f.date = k.d AND f.municipality_id = k.m "
    "AND f.query_type_id = k.q)",
    "monthly_from_groups": "INSERT INTO usage_regixmonthlyusage "
    "(month, municipality_id, query_type_id, requests, errors, active_days, first_day, last_day) "
    f"SELECT month, m, q, a, b, active, first_day, last_day FROM {GROUPS} "
    # WHERE: SQLite cannot tell an upsert from a join after a bare FROM.
    "WHERE 1 = 1 " + _REGIX_MONTHLY_UPSERT,
    # The touched groups' months, read once through the date index's range and hash-joined to the groups.
    "monthly": "INSERT INTO usage_regixmonthlyusage "
    "(month, municipality_id, query_type_id, requests, errors, active_days, first_day, last_day) "
    "SELECT g.month, g.m, g.q, sum(f.requests), sum(f.errors), "
    "count(CASE WHEN f.requests > 0 THEN 1 END), "
    "min(CASE WHEN f.requests > 0 THEN f.date END), max(CASE WHEN f.requests > 0 THEN f.date END) "
    f"FROM usage_regixdailyusage f JOIN {GROUPS} g "
    "ON g.m = f.municipality_id AND g.q = f.query_type_id AND g.month = {month} "
    "WHERE f.date >= %(lo)s AND f.date < %(hi)s GROUP BY g.month, g.m, g.q " + _REGIX_MONTHLY_UPSERT,
}

_SEOS_MONTHLY_UPSERT = (
    "ON CONFLICT (municipality_id, month) DO UPDATE SET sent = excluded.sent, received = excluded.received, "
    "active_days = excluded.active_days, first_day = excluded.first_day, last_day = excluded.last_day"
)
SEOS_SQL = {
    "any_stored": "SELECT 1 FROM usage_seosdailyusage WHERE date >= %(lo)s AND date < %(hi)s LIMIT 1",
    "insert": "INSERT INTO usage_seosdailyusage (date, municipality_id, sent, received) ",
    "rows": f"SELECT d, m, a, b FROM {STAGE} WHERE reason IS NULL",
    "fresh_rows": "SELECT d, m, a, b FROM v",
    "any_rollup": "SELECT 1 FROM usage_seosmonthlyusage WHERE month >= %(lo)s AND month < %(hi)s LIMIT 1",
    "sum": f"SELECT d, m, CAST(sum(a) AS bigint) AS a, CAST(sum(b) AS bigint) AS b FROM {STAGE} "
    "WHERE reason IS NULL GROUP BY d, m",
    "delete_changed": "DELETE FROM usage_seosdailyusage WHERE date >= %(lo)s AND date < %(hi)s "
    f"AND EXISTS (SELECT 1 FROM {KEYS} k WHERE k.d = usage_seosdailyusage.date "
    "AND k.m = usage_seosdailyusage.municipality_id "
    "AND (k.a <> usage_seosdailyusage.sent OR k.b <> usage_seosdailyusage.received))",
    "insert_missing": f"SELECT d, m, a, b FROM {KEYS} k WHERE NOT EXISTS (SELECT 1 FROM usage_seosdailyusage f "
    "WHERE f.date >= %(lo)s AND f.date < %(hi)s AND f.date = k.d AND f.municipality_id = k.m)",
    "monthly_from_groups": "INSERT INTO usage_seosmonthlyusage "
    "(month, municipality_id, sent, received, active_days, first_day, last_day) "
    f"SELECT month, m, a, b, active, first_day, last_day FROM {GROUPS} WHERE 1 = 1 " + _SEOS_MONTHLY_UPSERT,
    "monthly": "INSERT INTO usage_seosmonthlyusage "
    "(month, municipality_id, sent, received, active_days, first_day, last_day) "
    "SELECT g.month, g.m, sum(f.sent), sum(f.received), "
    "count(CASE WHEN f.sent + f.received > 0 THEN 1 END), "
    "min(CASE WHEN f.sent + f.received > 0 THEN f.date END), "
    "max(CASE WHEN f.sent + f.received > 0 THEN f.date END) "
    f"FROM usage_seosdailyusage f JOIN {GROUPS} g ON g.m = f.municipality_id AND g.month = {{month}} "
    "WHERE f.date >= %(lo)s AND f.date < %(hi)s GROUP BY g.month, g.m " + _SEOS_MONTHLY_UPSERT,
}


def _refresh_adoption(cursor, kind: str) -> None:
    """First and last day of use of the touched municipalities, from their monthly rollups."""
    service, monthly = (
        (SERVICE_REGIX, "usage_regixmonthlyusage") if kind == Kind.REGIX else (SERVICE_SEOS, "usage_seosmonthlyusage")
    )
    touched = f"SELECT DISTINCT m FROM {GROUPS}"
    cursor.execute(
        "INSERT INTO usage_observedadoption (municipality_id, service, first_day, last_day) "
        f"SELECT municipality_id, %s, min(first_day), max(last_day) FROM {monthly} "
        f"WHERE municipality_id IN ({touched}) AND first_day IS NOT NULL GROUP BY municipality_id "
        "ON CONFLICT (municipality_id, service) DO UPDATE "
        "SET first_day = excluded.first_day, last_day = excluded.last_day",
        [service],
    )
    # A corrected file may zero the only days a municipality had: then it has not adopted after all.
    cursor.execute(
        f"DELETE FROM usage_observedadoption WHERE service = %s AND municipality_id IN ({touched}) "
        f"AND municipality_id NOT IN (SELECT municipality_id FROM {monthly} "
        f"WHERE municipality_id IN ({touched}) AND first_day IS NOT NULL)",
        [service],
    )


def _lock_claim(batch: ImportBatch) -> None:
    """Hold the batch row for the whole import; a worker that lost its claim stops here."""
    locked = (
        ImportBatch.objects.select_for_update()
        .filter(pk=batch.pk, status=Status.RUNNING, claim_token=batch.claim_token)
        .exists()
    )
    if not locked:
        raise BatchTakenOver(batch.pk)


def _test_pause() -> None:
    """Test-only: sleep inside the transaction so a test can kill the worker right here."""
    pause = settings.USAGE_INGEST_PAUSE_SECONDS
    if pause:
        logger.warning("USAGE_INGEST_PAUSE_SECONDS=%s: pausing inside the import transaction", pause)
        time.sleep(pause)


def _same_content_as(batch: ImportBatch) -> int | None:
    return (
        ImportBatch.objects.filter(sha256=batch.sha256, status=Status.SUCCEEDED)
        .exclude(pk=batch.pk)
        .values_list("pk", flat=True)
        .order_by("created_at")
        .first()
    )


def _finish(batch: ImportBatch, status: str, *, info=None, error: str = "") -> None:
    batch.status = status
    batch.finished_at = timezone.now()
    batch.error = error
    if info is not None:
        batch.kind = info.kind
        batch.rows_read = info.rows_read
        batch.rows_accepted = info.rows_accepted
        batch.rows_rejected = info.rows_rejected
        batch.warnings = list(info.warnings)
    else:
        batch.rows_read = batch.rows_accepted = batch.rows_rejected = 0
    updated = ImportBatch.objects.filter(pk=batch.pk, claim_token=batch.claim_token).update(
        status=batch.status,
        finished_at=batch.finished_at,
        error=batch.error,
        kind=batch.kind,
        rows_read=batch.rows_read,
        rows_accepted=batch.rows_accepted,
        rows_rejected=batch.rows_rejected,
        warnings=batch.warnings,
    )
    if not updated:
        raise BatchTakenOver(batch.pk)


def _fail(batch: ImportBatch, message: str) -> IngestResult:
    """An unreadable file: nothing imported, earlier rejected rows of this batch cleared, the reason kept."""
    with transaction.atomic():
        _lock_claim(batch)
        batch.rejected_rows.all().delete()
        _finish(batch, Status.FAILED, error=message)
    logger.info("Usage batch %s failed: %s", batch.pk, message)
    return _result(batch)


def _result(batch: ImportBatch, keys_written: int = 0) -> IngestResult:
    return IngestResult(
        batch_id=batch.pk,
        status=batch.status,
        kind=batch.kind,
        rows_read=batch.rows_read,
        rows_accepted=batch.rows_accepted,
        rows_rejected=batch.rows_rejected,
        keys_written=keys_written,
        error=batch.error,
        warnings=list(batch.warnings),
    )


def record_unexpected_failure(batch_id: int, claim_token: str, error: BaseException) -> None:
    """After a crash inside the import (database error, time limit): the batch says so; nothing was applied."""
    message = _("The import stopped unexpectedly and nothing was applied: %(error)s") % {
        "error": f"{type(error).__name__}: {error}"
    }
    ImportBatch.objects.filter(pk=batch_id, claim_token=claim_token, status=Status.RUNNING).update(
        status=Status.FAILED, error=message[:5000], finished_at=timezone.now()
    )
