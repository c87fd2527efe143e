"""Plain files into days that already hold figures (a correction, a re-import): the
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
from .columns import FreshRows, NotPlain
from .fresh import copy_rows, forget_implausible
from .sql import STAGE

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

logger = logging.getLogger(__name__)

# The staging table's columns in the order FreshRows writes a kind's rows.
STAGED = {Kind.REGIX: "d, m, q, a, b", Kind.SEOS: "d, m, a, b"}


def stage_plain_rows(cursor: CursorWrapper, reader: UsageFileReader, rows: FreshRows) -> bool:
    """Stage every row of a plain file whose first day holds figures; False (and nothing left behind)
    as soon as a row is not plainly valid or the staging table's check refuses one (errors above
    requests): the row-by-row rules then read the file and say what is wrong where."""
    try:
        with transaction.atomic():
            copy_rows(cursor, f"COPY {STAGE} ({STAGED[Kind(reader.info.kind)]}) FROM STDIN", rows)
    except (NotPlain, DatabaseError, psycopg.Error) as error:
        logger.info("%s is staged row by row (%r)", reader.path.name, error)
        forget_implausible(reader)
        return False
    reader.info.rows_read = rows.rows
    reader.info.days = (min(rows.days), max(rows.days)) if rows.days else None
    return True
