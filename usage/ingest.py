# ruff: noqa: S608 -- every SQL string here is built from module constants, never from input.
"""Importing one batch: `run(batch) -> IngestResult`.

1. The reader streams the kept file and turns every data row into a staging line (valid or rejected).
2. In ONE transaction: the lines are COPYed into a temporary table; rejected rows are stored; the
   valid rows are added up per key and replace the stored daily figures of exactly those keys; the
   monthly rollups of the touched (month, municipality[, query type]) groups and the observed adoption
   of the touched municipalities are recomputed from the facts; the batch gets its counts and status.
3. A file that cannot be read fails the batch with the reason and changes no figure.

Memory stays flat whatever the file's size: rows flow from the reader into COPY in chunks and the
adding-up happens in the database. On SQLite (the dev quick start) the same SQL runs, fed by
executemany instead of COPY.
"""

from __future__ import annotations

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
from .reader import NULL, Lookups, UnreadableFile, UsageFileReader

logger = logging.getLogger(__name__)

STAGE = "usage_stage"
GROUPS = "usage_stage_groups"
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
    """1. stage every row; 2. keep the rejected ones; 3. replace the daily figures of the file's keys;
    4. recompute the rollups of the touched groups; 5. recompute the touched municipalities' adoption."""
    kind = reader.info.kind
    sql = REGIX_SQL if kind == Kind.REGIX else SEOS_SQL
    clock = _Clock()
    with connection.cursor() as cursor:
        _prepare(cursor, kind)
        by_postgres = _stage(cursor, reader)
        clock.lap("read and stage")
        cursor.execute("DELETE FROM usage_rejectedrow WHERE batch_id = %s", [batch.pk])
        cursor.execute(
            "INSERT INTO usage_rejectedrow (batch_id, line, raw, reason) "
            f"SELECT %s, line, raw, reason FROM {STAGE} WHERE reason IS NOT NULL",
            [batch.pk],
        )
        clock.lap("rejected rows")
        span = _collect_groups(cursor, reader, by_postgres)
        if span is None:
            return 0
        keys, from_stage = _replace_daily(cursor, sql, span, reader.maybe_duplicates)
        clock.lap("daily facts")
        if from_stage:
            # The file's rows are all there is in those months: total them without a read-back.
            cursor.execute(sql["monthly_from_stage"].format(month=_month("d")))
        else:
            cursor.execute(sql["monthly"].format(month=_month("f.date")), span)
        clock.lap("monthly rollups")
        _refresh_adoption(cursor, kind)
        clock.lap("observed adoption")
    logger.info("Usage batch %s: %s", batch.pk, clock)
    return max(keys, 0)


def _prepare(cursor, kind: str) -> None:
    if connection.vendor == "postgresql":
        # One import of a kind at a time: the plain-insert path relies on it, and two concurrent
        # upserts of overlapping keys could deadlock.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"usage-import-{kind}"])
        # Room to add up and join a million rows in memory; no JIT for these one-off statements.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL jit = off")
    for table in (STAGE, GROUPS):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {STAGE} (d date, m integer, q integer, a bigint, b bigint, "
        "line integer, raw text, reason text)"
    )
    cursor.execute(f"CREATE TEMPORARY TABLE {GROUPS} (month date, m integer, q integer)")


def _stage(cursor, reader: UsageFileReader) -> bool:
    """Every data row into the staging table; True when PostgreSQL parsed the file itself."""
    if connection.vendor == "postgresql" and reader.raw_copy_options() is not None:
        if _stage_by_postgres(cursor, reader):
            return True
    columns = ["d", "m", "q", "a", "b", "line", "raw", "reason"]
    _copy(cursor, STAGE, columns, reader.stage_chunks(COPY_CHUNK_ROWS))
    return False


def _collect_groups(cursor, reader: UsageFileReader, by_postgres: bool) -> dict[str, str] | None:
    """The touched (month, municipality, query type) groups; returns the months' date span, if any."""
    if by_postgres:
        cursor.execute(f"INSERT INTO {GROUPS} SELECT DISTINCT {_month('d')}, m, q FROM {STAGE} WHERE reason IS NULL")
    else:
        _copy(cursor, GROUPS, ["month", "m", "q"], _group_lines(reader.groups))
    cursor.execute(f"SELECT min(month), max(month) FROM {GROUPS}")
    first_month, last_month = cursor.fetchone()
    if first_month is None:
        return None
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {GROUPS}")
    return {"lo": str(first_month), "hi": _month_after(str(last_month))}


def _replace_daily(cursor, sql: dict[str, str], span: dict[str, str], duplicates: bool) -> tuple[int, bool]:
    """Replace the stored figures of the file's keys; returns (keys written, whether the rollups may
    be totalled from the staged rows, i.e. those months held nothing before and no key came twice).

    The Python reader knows whether a key came twice; after a PostgreSQL parse a plain insert is tried
    first, and a duplicate key (unique or cardinality violation) sends it to the adding-up variant."""
    cursor.execute(sql["any_stored"], span)
    months_were_empty = cursor.fetchone() is None
    # Nothing stored for these months yet (the usual new export): a plain insert, no conflicts.
    upsert = "" if months_were_empty else sql["on_conflict"]
    if not duplicates:
        try:
            with transaction.atomic():
                cursor.execute(sql["insert"] + sql["rows"] + upsert)
                return cursor.rowcount, months_were_empty
        except DatabaseError:
            pass
    cursor.execute(sql["insert"] + sql["sum"] + upsert)
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
    "date": ("usage_stage_dates", "raw text PRIMARY KEY, day date, month date"),
    "municipality": ("usage_stage_municipalities", "raw text PRIMARY KEY, id integer"),
    "operation": ("usage_stage_operations", "raw text PRIMARY KEY, id integer"),
    "count": ("usage_stage_counts", "raw text PRIMARY KEY, n bigint"),
}
COUNT_COLUMNS = {Kind.REGIX: ("requests", "errors"), Kind.SEOS: ("sent", "received")}


def _stage_by_postgres(cursor, reader: UsageFileReader) -> bool:
    """Let COPY parse a plain CSV and SQL check it, row for row as the Python reader would:

    1. COPY the file's bytes into a table of text columns (row n is line n + 1);
    2. check each distinct date, municipality and operation in Python (a few hundred values);
    3. move every row that passes the checks to the staging table in one statement;
    4. hand the rows that did not pass to the Python rules, which accept or reject them with the reason.
    Returns False (and leaves nothing behind) when the file is not plain enough: the Python path runs.
    """
    try:
        with transaction.atomic():
            _copy_raw(cursor, reader)
            _load_lookups(cursor, reader)
            cursor.execute(_valid_rows_sql(reader))
            accepted = cursor.rowcount
            if accepted > reader.raw_data_rows:
                raise _Fallback("more rows passed the checks than were read")
            reader.info.rows_read = reader.raw_data_rows
            if accepted != reader.raw_data_rows:
                _stage_flagged_rows(cursor, reader)
    except (_Fallback, DatabaseError, psycopg.Error) as error:
        logger.info("PostgreSQL cannot parse %s itself (%s): reading it in Python", reader.path.name, error)
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
    cursor.execute(f"SELECT count(*) FROM {RAW}")
    if cursor.fetchone()[0] != reader.raw_data_rows:
        raise _Fallback("a line is not a row (an end-of-data marker?)")


def _load_lookups(cursor, reader: UsageFileReader) -> None:
    """The distinct raw values of each checked column, judged by the Python rules, as join tables.

    One scan collects every column's distinct values (grouping sets); the Python rules then judge a
    few hundred values instead of a million rows."""
    columns = _columns(reader)
    checked = {"date": ["date"], "municipality": ["municipality"], "count": list(COUNT_COLUMNS[Kind(reader.info.kind)])}
    if reader.info.kind == Kind.REGIX:
        checked["operation"] = ["operation"]
    sources = [columns[name] for names in checked.values() for name in names if name in columns]
    cursor.execute(
        f"SELECT {', '.join(f'GROUPING({source})' for source in sources)}, {', '.join(sources)} "
        f"FROM {RAW} GROUP BY GROUPING SETS ({', '.join(f'({source})' for source in sources)})"
    )
    distinct: dict[str, set[str | None]] = {source: set() for source in sources}
    for row in cursor.fetchall():
        flags, values = row[: len(sources)], row[len(sources) :]
        index = flags.index(0)
        distinct[sources[index]].add(values[index])
    checks = {
        "date": reader.check_dates,
        "municipality": reader.check_municipalities,
        "count": reader.check_counts,
        "operation": reader.check_operations,
    }
    for name, names in checked.items():
        table, definition = LOOKUPS[name]
        values = set().union(*(distinct[columns[column]] for column in names if column in columns))
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {table} ({definition})")
        lines = "".join(checks[name](sorted(values, key=str)))
        if lines:
            _copy(cursor, table, [part.split()[0] for part in definition.split(", ")], iter([lines]))
        cursor.execute(f"ANALYZE {table}")
    cursor.execute(f"ANALYZE {RAW}")


def _row_checks(reader: UsageFileReader) -> tuple[str, list[str], str, str, str]:
    """(joins, their aliases, the condition between counts, count a, count b) for this kind's raw rows.

    Every value is checked by joining to the table of its column's valid distinct values, so no regular
    expression or cast runs per row; a row that misses a join is left for the Python rules."""
    c = _columns(reader)
    counts = LOOKUPS["count"][0]
    joins = [
        f"JOIN {LOOKUPS['date'][0]} ld ON ld.raw = r.{c['date']}",
        f"JOIN {LOOKUPS['municipality'][0]} lm ON lm.raw = r.{c['municipality']}",
    ]
    aliases = ["ld", "lm"]
    if reader.info.kind == Kind.REGIX:
        joins += [
            f"JOIN {LOOKUPS['operation'][0]} lo ON lo.raw = r.{c['operation']}",
            f"JOIN {counts} la ON la.raw = r.{c['requests']}",
        ]
        aliases += ["lo", "la"]
        if "errors" not in c:
            return " ".join(joins) + " ", aliases, "true", "la.n", "0"
        joins.append(f"JOIN {counts} lb ON lb.raw = r.{c['errors']}")
        aliases.append("lb")
        return " ".join(joins) + " ", aliases, "lb.n <= la.n", "la.n", "lb.n"
    joins += [f"JOIN {counts} la ON la.raw = r.{c['sent']}", f"JOIN {counts} lb ON lb.raw = r.{c['received']}"]
    aliases += ["la", "lb"]
    return " ".join(joins) + " ", aliases, "true", "la.n", "lb.n"


def _valid_rows_sql(reader: UsageFileReader) -> str:
    joins, _aliases, ok, a, b = _row_checks(reader)
    operation = "lo.id" if reader.info.kind == Kind.REGIX else "NULL::integer"
    return (
        f"INSERT INTO {STAGE} (d, m, q, a, b) SELECT ld.day, lm.id, {operation}, {a}, {b} "
        f"FROM {RAW} r {joins}WHERE {ok}"
    )


def _stage_flagged_rows(cursor, reader: UsageFileReader) -> None:
    """The rows the SQL check did not pass, read through a server-side cursor, judged in Python."""
    joins, aliases, ok, _a, _b = _row_checks(reader)
    columns = ", ".join(f"r.{column}" for column in _columns(reader).values())
    left_joins = joins.replace("JOIN ", "LEFT JOIN ")
    missing = " OR ".join(f"{alias}.raw IS NULL" for alias in aliases)
    query = f"SELECT r.line, {columns} FROM {RAW} r {left_joins}WHERE {missing} OR NOT ({ok}) ORDER BY r.line"
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


def _group_lines(groups: set[tuple[str, str, str | None]]) -> Iterator[str]:
    lines = [f"{month}\t{m}\t{NULL if q is None else q}\n" for month, m, q in groups]
    for start in range(0, len(lines), COPY_CHUNK_ROWS):
        yield "".join(lines[start : start + COPY_CHUNK_ROWS])


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


REGIX_SQL = {
    "any_stored": "SELECT 1 FROM usage_regixdailyusage WHERE date >= %(lo)s AND date < %(hi)s LIMIT 1",
    "insert": "INSERT INTO usage_regixdailyusage (date, municipality_id, query_type_id, requests, errors) ",
    # Within one file the rows of a key are added up (only when the reader saw a key twice).
    "sum": f"SELECT d, m, q, sum(a), sum(b) FROM {STAGE} WHERE reason IS NULL GROUP BY d, m, q",
    "rows": f"SELECT d, m, q, a, b FROM {STAGE} WHERE reason IS NULL",
    # Across files: the file's figures replace the stored ones of its keys (unchanged rows are not rewritten).
    "on_conflict": " ON CONFLICT (date, municipality_id, query_type_id) DO UPDATE "
    "SET requests = excluded.requests, errors = excluded.errors "
    "WHERE usage_regixdailyusage.requests <> excluded.requests OR usage_regixdailyusage.errors <> excluded.errors",
    # The touched groups' months, read once through the key's date range and hash-joined to the groups.
    "monthly_from_stage": "INSERT INTO usage_regixmonthlyusage "
    "(month, municipality_id, query_type_id, requests, errors, active_days, first_day, last_day) "
    "SELECT {month}, m, q, sum(a), sum(b), count(CASE WHEN a > 0 THEN 1 END), "
    "min(CASE WHEN a > 0 THEN d END), max(CASE WHEN a > 0 THEN d END) "
    f"FROM {STAGE} WHERE reason IS NULL GROUP BY 1, m, q "
    "ON CONFLICT (municipality_id, query_type_id, month) DO UPDATE SET requests = excluded.requests, "
    "errors = excluded.errors, active_days = excluded.active_days, first_day = excluded.first_day, "
    "last_day = excluded.last_day",
    "monthly": "INSERT INTO usage_regixmonthlyusage "
    "(month, municipality_id, query_type_id, requests, errors, active_days, first_day, last_day) "
    "SELECT g.month, g.m, g.q, sum(f.requests), sum(f.errors), "
    "count(CASE WHEN f.requests > 0 THEN 1 END), "
    "min(CASE WHEN f.requests > 0 THEN f.date END), max(CASE WHEN f.requests > 0 THEN f.date END) "
    f"FROM usage_regixdailyusage f JOIN {GROUPS} g "
    "ON g.m = f.municipality_id AND g.q = f.query_type_id AND g.month = {month} "
    "WHERE f.date >= %(lo)s AND f.date < %(hi)s GROUP BY g.month, g.m, g.q "
    "ON CONFLICT (municipality_id, query_type_id, month) DO UPDATE SET requests = excluded.requests, "
    "errors = excluded.errors, active_days = excluded.active_days, first_day = excluded.first_day, "
    "last_day = excluded.last_day",
}

SEOS_SQL = {
    "any_stored": "SELECT 1 FROM usage_seosdailyusage WHERE date >= %(lo)s AND date < %(hi)s LIMIT 1",
    "insert": "INSERT INTO usage_seosdailyusage (date, municipality_id, sent, received) ",
    "sum": f"SELECT d, m, sum(a), sum(b) FROM {STAGE} WHERE reason IS NULL GROUP BY d, m",
    "rows": f"SELECT d, m, a, b FROM {STAGE} WHERE reason IS NULL",
    "on_conflict": " ON CONFLICT (date, municipality_id) DO UPDATE SET sent = excluded.sent, "
    "received = excluded.received "
    "WHERE usage_seosdailyusage.sent <> excluded.sent OR usage_seosdailyusage.received <> excluded.received",
    "monthly_from_stage": "INSERT INTO usage_seosmonthlyusage "
    "(month, municipality_id, sent, received, active_days, first_day, last_day) "
    "SELECT {month}, m, sum(a), sum(b), count(CASE WHEN a + b > 0 THEN 1 END), "
    "min(CASE WHEN a + b > 0 THEN d END), max(CASE WHEN a + b > 0 THEN d END) "
    f"FROM {STAGE} WHERE reason IS NULL GROUP BY 1, m "
    "ON CONFLICT (municipality_id, month) DO UPDATE SET sent = excluded.sent, received = excluded.received, "
    "active_days = excluded.active_days, first_day = excluded.first_day, last_day = excluded.last_day",
    "monthly": "INSERT INTO usage_seosmonthlyusage "
    "(month, municipality_id, sent, received, active_days, first_day, last_day) "
    "SELECT g.month, g.m, sum(f.sent), sum(f.received), "
    "count(CASE WHEN f.sent + f.received > 0 THEN 1 END), "
    "min(CASE WHEN f.sent + f.received > 0 THEN f.date END), "
    "max(CASE WHEN f.sent + f.received > 0 THEN f.date END) "
    f"FROM usage_seosdailyusage f JOIN {GROUPS} g ON g.m = f.municipality_id AND g.month = {{month}} "
    "WHERE f.date >= %(lo)s AND f.date < %(hi)s GROUP BY g.month, g.m "
    "ON CONFLICT (municipality_id, month) DO UPDATE SET sent = excluded.sent, received = excluded.received, "
    "active_days = excluded.active_days, first_day = excluded.first_day, last_day = excluded.last_day",
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
