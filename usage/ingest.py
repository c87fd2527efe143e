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

from django.conf import settings
from django.db import connection, transaction
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
    postgres = connection.vendor == "postgresql"
    clock = _Clock()
    with connection.cursor() as cursor:
        if postgres:
            # One import of a kind at a time: the plain-insert path below relies on it, and two
            # concurrent upserts of overlapping keys could deadlock.
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
        _copy(cursor, STAGE, ["d", "m", "q", "a", "b", "line", "raw", "reason"], reader.stage_chunks(COPY_CHUNK_ROWS))
        clock.lap("read and stage")
        cursor.execute("DELETE FROM usage_rejectedrow WHERE batch_id = %s", [batch.pk])
        cursor.execute(
            "INSERT INTO usage_rejectedrow (batch_id, line, raw, reason) "
            f"SELECT %s, line, raw, reason FROM {STAGE} WHERE reason IS NOT NULL",
            [batch.pk],
        )
        clock.lap("rejected rows")
        if not reader.groups:
            return 0
        _copy(cursor, GROUPS, ["month", "m", "q"], _group_lines(reader.groups))
        if postgres:
            cursor.execute(f"ANALYZE {GROUPS}")
        months = sorted({month for month, _m, _q in reader.groups})
        span = {"lo": months[0], "hi": _month_after(months[-1])}
        source = sql["sum" if reader.maybe_duplicates else "rows"]
        cursor.execute(sql["any_stored"], span)
        months_were_empty = cursor.fetchone() is None
        if months_were_empty:
            # Nothing stored for these months yet (the usual new export): a plain insert, no conflicts.
            cursor.execute(sql["insert"] + source)
        else:
            cursor.execute(sql["insert"] + source + sql["on_conflict"])
        keys = cursor.rowcount
        clock.lap("daily facts")
        if months_were_empty and not reader.maybe_duplicates:
            # The file's rows are then all there is in those months: total them without a read-back.
            cursor.execute(sql["monthly_from_stage"].format(month=_month("d")))
        else:
            cursor.execute(sql["monthly"].format(month=_month("f.date")), span)
        clock.lap("monthly rollups")
        _refresh_adoption(cursor, kind)
        clock.lap("observed adoption")
    logger.info("Usage batch %s: %s", batch.pk, clock)
    return max(keys, 0)


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
