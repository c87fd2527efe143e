# ruff: noqa: S608 -- every SQL string here is built from module constants, never from input.
"""Importing one batch: `run(batch) -> IngestResult`. The paths and the measurements behind them are
described in docs/ingestion.md.

1. A plain CSV is parsed by PostgreSQL's COPY and checked in SQL against the valid spellings of the
   reference values; any other file, and any row the SQL check does not pass, goes through the
   Python reader's rules.
2. In ONE transaction: rejected rows are stored; the valid rows are added up per key and replace the
   stored daily figures of exactly those keys whose figures changed; the monthly rollups of the
   touched (month, municipality[, query type]) groups and the observed adoption of the touched
   municipalities change by the differences (a rollup is recomputed from its facts only where a day
   stopped being active); the batch gets its counts and status. A clean plain CSV, or JSON Lines in
   their plainest form, whose days hold nothing yet (a new export, a day's file) is checked in
   Python and copied straight into the daily facts (written once), its groups totalled from them.
3. A file that cannot be read fails the batch with the reason and changes no figure.

Memory stays flat whatever the file's size: rows flow from the reader into COPY in chunks and the
adding-up happens in the database, within a bounded work_mem.

This module runs the steps; `sql` holds the SQL text per kind, `staging` the temporary tables, COPY
and PostgreSQL's own parse, `checks` the row checks in SQL, `fresh` and `columns` the shortcut,
`replace` the daily facts, rollups and adoption, and `batches` the batch's claim, status and result.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DataError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import Kind, Status
from ..models import ImportBatch
from ..reader import MAX_COUNT, Limits, Lookups, UnreadableFile, UsageFileReader
from ..signals import rollups_written
from .batches import (
    BatchTakenOver,
    IngestResult,
    _fail,
    _finish,
    _lock_claim,
    _result,
    _same_content_as,
    record_unexpected_failure,
)

# The steps below are looked up here, in this module, when an import runs: the tests spy on them as
# `ingest._parse_by_postgres` and `ingest._insert_fresh`.
from .fresh import _insert_fresh, new_rollups, plain_rows
from .plain import stage_plain_rows
from .plausible import implausible_warning
from .replace import _add_deltas, _refresh_adoption, _replace_from_stage, _span, _summarise_date_index
from .sql import REGIX_SQL, SEOS_SQL, STAGE
from .staging import COPY_CHUNK_ROWS, _copy, _parse_by_postgres, _prepare, _stage_checked_rows

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

__all__ = ["BatchTakenOver", "IngestResult", "record_unexpected_failure", "run"]

logger = logging.getLogger(__name__)


def run(batch: ImportBatch) -> IngestResult:
    """Import the batch's kept file (the caller has claimed the batch); never raises for bad files."""
    reader = UsageFileReader(
        Path(batch.file.path),
        batch.kind,
        Lookups.load(),
        timezone.localdate(),
        limits=Limits.from_settings(),
        plausible=settings.USAGE_PLAUSIBLE_DAILY_MAX,
    )
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
                _finish(batch, Status.SUCCEEDED, info=info)
        except UnreadableFile as error:
            return _fail(batch, str(error))
        except DataError as error:
            # Counts each within a bigint can still add up beyond one (a key's rows, a month's days).
            logger.warning("Usage batch %s: %s", batch.pk, error)
            return _fail(
                batch,
                _(
                    "The counts of this file add up to more than can be stored (%(max)s for one day or month): "
                    "nothing was imported. Check the rows with the largest counts."
                )
                % {"max": f"{MAX_COUNT:,}".replace(",", " ")},
            )
    finally:
        reader.close()
    return _result(batch, keys_written=keys)


def _apply(batch: ImportBatch, reader: UsageFileReader) -> int:
    """1. stage every row; 2. keep the rejected ones; 3. total the staged rows per (month, municipality
    [, query type]) group; 4. replace the daily figures of the file's keys; 5. write the rollups of the
    touched groups; 6. recompute the touched municipalities' adoption.

    A plain CSV of new days without a bad or repeated row (the usual export, a day's file) takes a
    shortcut through steps 1-4: one COPY of its checked rows into the daily facts, then the group
    totals, which are the new months' rollups or are added to the stored months' ones."""
    kind = reader.info.kind
    sql = REGIX_SQL if kind == Kind.REGIX else SEOS_SQL
    clock = _Clock()
    with connection.cursor() as cursor:
        _prepare(cursor, kind)
        fresh = _stage(cursor, reader, sql)
        clock.lap("read, check and stage" if fresh is None else "read, check, insert and total")
        cursor.execute("DELETE FROM usage_rejectedrow WHERE batch_id = %s", [batch.pk])
        if fresh is None:
            if reader.info.rows_rejected:  # the reader's rules counted them (a pass over the stage else)
                cursor.execute(
                    "INSERT INTO usage_rejectedrow (batch_id, line, raw, reason) "
                    f"SELECT %s, line, raw, reason FROM {STAGE} WHERE reason IS NOT NULL",
                    [batch.pk],
                )
            clock.lap("rejected rows")
            keys, months_were_empty = _replace_from_stage(cursor, kind, sql, reader.info.days)
            clock.lap("group totals and daily facts")
        else:
            keys, months_were_empty = fresh[0], not fresh[1]
        if keys is None:
            return 0
        lost = False
        if months_were_empty:
            # The file's rows are all there is in those months: the group totals are the rollups.
            cursor.execute(sql["monthly_from_groups"] if fresh is None else new_rollups(sql))
        elif fresh is not None:
            # New days into months with figures: their totals added to the rollups.
            cursor.execute(sql["add_groups"], _span(cursor))
        else:
            span = _span(cursor)
            lost = span is not None and _add_deltas(cursor, sql, span)
        clock.lap("monthly rollups")
        _refresh_adoption(cursor, kind, sql["lost"] if lost else None)
        clock.lap("observed adoption")
        rollups_written.send(sender=ImportBatch, kind=kind)
        clock.lap("figures kept from the rollups")
        _summarise_date_index(cursor, kind)
        if (warning := implausible_warning(cursor, reader)) is not None:
            reader.info.warnings.append(warning)
    logger.info("Usage batch %s: %s", batch.pk, clock)
    return max(keys, 0)


def _stage(cursor: CursorWrapper, reader: UsageFileReader, sql: dict[str, str]) -> tuple[int, bool] | None:
    """Every data row into the staging table; or, for a clean plain CSV or JSON Lines in their
    plainest form whose days hold nothing yet, its rows straight into the daily facts and their
    group totals (then returns how many rows it inserted and whether their months held figures)."""
    if reader.plain_lines() and (found := plain_rows(cursor, reader, sql)) is not None:
        rows, day_stored = found
        if not day_stored:
            fresh = _insert_fresh(cursor, reader, sql, rows)
            if fresh is not None:
                return fresh
        elif stage_plain_rows(cursor, reader, rows):
            return None
    if reader.raw_copy_options() is not None:
        if _parse_by_postgres(cursor, reader) and _stage_checked_rows(cursor, reader):
            reader.info.parsed_by_postgres = True
            return None
    columns = ["d", "m", "q", "a", "b", "line", "raw", "reason"]
    _copy(cursor, STAGE, columns, reader.stage_chunks(COPY_CHUNK_ROWS))
    return None


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
