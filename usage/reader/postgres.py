"""What the reader offers the importer when PostgreSQL parses a plain file itself: the COPY options,
the raw bytes, the valid spellings of reference values and the Python verdict on a flagged row."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from ..choices import Kind
from .base import CHUNK, Limits, _copy_text
from .detect import Scan, _open_binary
from .records import Records
from .rows import _count


class PostgresParsing(Records):
    """The part of `UsageFileReader` that lets PostgreSQL parse a plain file."""

    scan: Scan
    path: Path
    limits: Limits

    def raw_copy_options(self) -> str | None:
        """COPY options when PostgreSQL can parse the file itself: a CSV without quotes whose header is
        line 1, so row n is line n + 1. None otherwise (the Python path reads it)."""
        if (
            self.info.container != "csv"
            or self.scan.has_quotes
            or self._first_line_no != 1
            or self.scan.longest > self.limits.line_chars  # the Python reader rejects an overlong line alone
        ):
            return None
        encoding = "WIN1251" if self.info.encoding == "cp1251" else "UTF8"
        return f"FORMAT csv, HEADER true, DELIMITER '{self.info.delimiter}', ENCODING '{encoding}'"

    def plain_lines(self) -> bool:
        """Whether the fresh path may read the file's lines whole (usage/ingest/columns.py): a CSV
        PostgreSQL could parse, or JSON Lines whose first object is line 1 and no line overlong."""
        if self.raw_copy_options() is not None:
            return True
        return (
            self.info.container == "jsonl" and self._first_line_no == 1 and self.scan.longest <= self.limits.line_chars
        )

    @property
    def raw_data_rows(self) -> int:
        return self.scan.lines - 1

    def raw_bytes(self) -> Iterator[bytes]:
        binary, _compressed = _open_binary(self.path)
        with binary:
            while chunk := binary.read(CHUNK):
                yield chunk

    def check_municipalities(self, values: Sequence[str | None]) -> Iterator[str]:
        for value in values:
            raw = value or ""
            pk, _error = self._municipality(raw)
            if pk is not None:
                yield f"{_copy_text(raw)}\t{pk}\n"

    def check_operations(self, values: Sequence[str | None]) -> Iterator[str]:
        for value in values:
            raw = value or ""
            pk, _error = self._operation(raw)
            if pk is not None:
                yield f"{_copy_text(raw)}\t{pk}\n"

    def check_counts(self, values: Sequence[str | None]) -> Iterator[str]:
        for raw in values:
            number, _error = _count("count", raw or "")
            if number is not None and raw:
                yield f"{_copy_text(raw)}\t{int(number)}\n"

    def stage_flagged(self, line_no: int, fields: tuple[str | None, ...]) -> str:
        """A row the SQL check did not accept: the full Python rules decide (and word the reason)."""
        values = ["" if value is None else value for value in fields]
        validate = self._validate_regix if self.info.kind == Kind.REGIX else self._validate_seos
        return self._stage_line(line_no, self.info.delimiter.join(values), values, validate)
