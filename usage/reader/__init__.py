"""Reading a usage file exactly as the contract with the operators says (specs/usage-files.md).

The reader streams: it holds one line at a time and a few small caches, never the file. It yields
one *stage row* per data row, already in PostgreSQL's COPY text format (tab-separated, `\\N` for
NULL): `date, municipality id, query type id, count a, count b, line, raw text, reason`, where a/b are
requests/errors for RegiX and sent/received for SEOS, and line/raw/reason are set only for a
rejected row. The importer copies these lines straight into a staging table.

`UsageFileReader` is put together from one part per job: `detect` opens the file (container,
encoding, delimiter, header, kind), `records` reads its data rows, `rows` holds the rules for one
row's values and `postgres` what the importer needs when PostgreSQL parses a plain file itself;
`base` holds the contract's constants and the shared types.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import IO

from ..choices import Kind
from .base import (
    CHUNK,
    EARLIEST_DATE,
    KNOWN_COLUMNS,
    MAX_COUNT,
    MAX_DIGITS,
    NULL,
    OPTIONAL,
    REQUIRED,
    FileInfo,
    Limits,
    Lookups,
    UnreadableFile,
)
from .detect import Opening, Scan, detect_encoding
from .postgres import PostgresParsing

__all__ = [
    "CHUNK",
    "EARLIEST_DATE",
    "KNOWN_COLUMNS",
    "MAX_COUNT",
    "MAX_DIGITS",
    "NULL",
    "OPTIONAL",
    "REQUIRED",
    "FileInfo",
    "Limits",
    "Lookups",
    "Scan",
    "UnreadableFile",
    "UsageFileReader",
    "detect_encoding",
]


# The counts whose daily value is checked against the kind's plausible maximum.
PLAUSIBLE_COUNTS = {Kind.REGIX: ("requests",), Kind.SEOS: ("sent", "received")}


class UsageFileReader(Opening, PostgresParsing):
    """Reads one usage file; iterate over `stage_rows()` after `open()` has read the header."""

    def __init__(
        self,
        path: Path,
        kind: str,
        lookups: Lookups,
        today: dt.date,
        limits: Limits | None = None,
        plausible: dict[str, int] | None = None,
    ):
        self.path = path
        self.lookups = lookups
        self.today = today
        self.limits = limits or Limits()
        self.plausible_max = plausible or {}
        self.info = FileInfo(kind=kind)
        self._dates: dict[str, tuple[str | None, str | None, str | None]] = {}  # raw -> (iso, error, month)
        self._municipalities: dict[str, tuple[str | None, str | None]] = {}
        self._operations: dict[str, tuple[str | None, str | None]] = {}
        self._text: IO[str] | None = None
        self._first_line = ""
        self._first_line_no = 0
        self._plausible = None

    def open(self) -> FileInfo:
        info = super().open()
        maximum = self.plausible_max.get(info.kind)
        if maximum is not None:
            names = PLAUSIBLE_COUNTS[Kind(info.kind)]
            self._plausible = (maximum, names, self._positions(*names))
        return info
