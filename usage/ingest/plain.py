"""Plain files into months that already hold figures (a day's file, a correction, a re-import): the
rows checked in Python column by column as the fresh path checks them (`columns.FreshRows`) and
COPYed into the staging table, instead of COPYing the raw text, checking it in SQL and moving the
valid rows to the staging table (three writes of every row). The general path then goes on from the
staging table as it always does (group totals, the changed keys, rollups by their deltas)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import psycopg
from django.db import DatabaseError, transaction

from ..choices import Kind
from ..reader import UsageFileReader
from .columns import FreshRows, NotPlain, Spellings
from .fresh import _BoundedWriter, _month_has_rollups
from .sql import STAGE

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

logger = logging.getLogger(__name__)

# The staging table's columns in the order FreshRows writes a kind's rows; and what the daily facts'
# check constraints refuse, which the staging table (temporary, unconstrained) does not check itself.
STAGED = {Kind.REGIX: "d, m, q, a, b", Kind.SEOS: "d, m, a, b"}
REFUSED_BY_THE_FACTS = {Kind.REGIX: "b > a", Kind.SEOS: "false"}


def stage_plain_rows(cursor: CursorWrapper, reader: UsageFileReader, sql: dict[str, str]) -> bool:
    """Stage every row of a plain file whose first month holds figures; False (and nothing left
    behind) for any other file, or as soon as a row is not plainly valid: the row-by-row rules then
    read it and say what is wrong where."""
    rows = FreshRows(reader, Spellings.judged_by(reader))
    first = rows.first_day()
    if first is None or not _month_has_rollups(cursor, sql, first[:8] + "01"):
        return False  # a new month goes the fresh path's way, or the file's first row is not plain
    kind = Kind(reader.info.kind)
    try:
        with transaction.atomic():
            with cursor.cursor.copy(
                f"COPY {STAGE} ({STAGED[kind]}) FROM STDIN", writer=_BoundedWriter(cursor.cursor)
            ) as copy:
                for chunk in rows.chunks():
                    copy.write(chunk)
            cursor.execute(f"SELECT 1 FROM {STAGE} WHERE {REFUSED_BY_THE_FACTS[kind]} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                raise NotPlain("errors above requests")
    except (NotPlain, DatabaseError, psycopg.Error) as error:
        logger.info("%s is staged row by row (%r)", reader.path.name, error)
        reader.info.implausible.clear()
        reader.info.implausible_count = 0
        return False
    reader.info.rows_read = rows.rows
    return True
