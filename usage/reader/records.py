"""The records of a usage file (CSV lines, quoted CSV records, JSON Lines) turned into stage rows."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from itertools import islice
from typing import IO

from django.utils.translation import gettext as _

from ..choices import Kind
from .base import KNOWN_COLUMNS, MAX_DIGITS, NULL, _copy_text
from .rows import RowRules


class Records(RowRules):
    """The part of `UsageFileReader` that reads the data rows, one stage row per data row."""

    _text: IO[str]
    _line_no: int
    _first_line: str

    def stage_chunks(self, rows: int = 2000) -> Iterator[str]:
        """COPY text, `rows` lines at a time, for every data row (valid or rejected); counts rows on `info`."""
        if self.info.container == "csv" and self.info.kind == Kind.REGIX:
            yield from self._regix_csv_chunks(rows)
            return
        lines = self.stage_rows()
        while chunk := "".join(islice(lines, rows)):
            yield chunk

    def stage_rows(self) -> Iterator[str]:
        """One COPY text line per data row (valid or rejected); counts rows on `info`."""
        records = self._jsonl_records() if self.info.container == "jsonl" else self._csv_records()
        validate = self._validate_regix if self.info.kind == Kind.REGIX else self._validate_seos
        info = self.info
        for line_no, raw, values in records:
            info.rows_read += 1
            yield self._stage_line(line_no, raw, values, validate)

    def _stage_line(self, line_no: int, raw: str, values: list[str] | str, validate) -> str:
        if isinstance(values, str):
            stage, reason = None, values
        else:
            stage, reason = validate(values)
        if reason is None:
            return stage
        self.info.rows_rejected += 1
        return f"{NULL}\t{NULL}\t{NULL}\t{NULL}\t{NULL}\t{line_no}\t{_copy_text(raw)}\t{_copy_text(reason)}\n"

    def _regix_csv_chunks(self, rows: int) -> Iterator[str]:
        """The hot loop for the common case (a RegiX CSV): plain lines go through a fast path of dict
        look-ups on the raw values; anything unusual (quotes, spaces, a bad value) takes the full path."""
        text = self._text
        delimiter = self.info.delimiter
        width = len(self.info.columns)
        at_date, at_municipality, at_operation, at_requests, at_errors = self._positions(
            "date", "municipality", "operation", "requests", "errors"
        )
        dates, municipalities, operations = self._dates, self._municipalities, self._operations
        info = self.info
        validate = self._validate_regix
        out: list[str] = []
        append = out.append
        read = 0
        for line in text:
            self._line_no += 1
            read += 1
            if '"' in line:
                start, raw, values = self._quoted_record(line)
                append(self._stage_line(start, raw, values, validate))
            else:
                raw = line.rstrip("\r\n")
                values = raw.split(delimiter)
                if len(values) != width:
                    if not raw.strip():
                        read -= 1
                        continue
                    append(self._stage_line(self._line_no, raw, self._width_error(values), validate))
                else:
                    day = dates.get(values[at_date])
                    municipality = municipalities.get(values[at_municipality])
                    operation = operations.get(values[at_operation])
                    requests = values[at_requests]
                    errors = "0" if at_errors is None else values[at_errors]
                    if (
                        day is not None
                        and day[0] is not None
                        and municipality is not None
                        and municipality[0] is not None
                        and operation is not None
                        and operation[0] is not None
                        and requests.isdigit()
                        and errors.isdigit()
                        and requests.isascii()
                        and errors.isascii()
                        and len(requests) <= MAX_DIGITS
                        and int(errors) <= int(requests)
                    ):
                        append(f"{day[0]}\t{municipality[0]}\t{operation[0]}\t{requests}\t{errors}\t\\N\t\\N\t\\N\n")
                    else:
                        append(self._stage_line(self._line_no, raw, values, validate))
            if len(out) >= rows:
                info.rows_read += read
                read = 0
                yield "".join(out)
                out.clear()
        info.rows_read += read
        if out:
            yield "".join(out)

    def _quoted_record(self, line: str) -> tuple[int, str, list[str] | str]:
        """A line with quotes: read on while a quoted field spans lines, then parse it as CSV."""
        start = self._line_no
        while line.count('"') % 2:
            more = self._text.readline()
            if not more:
                break
            self._line_no += 1
            line += more
        raw = line.rstrip("\r\n")
        try:
            values = next(csv.reader([raw], delimiter=self.info.delimiter, strict=True), [])
        except csv.Error as error:
            return start, raw, _("Malformed CSV: %(error)s.") % {"error": error}
        if len(values) != len(self.info.columns):
            return start, raw, self._width_error(values)
        return start, raw, values

    def _width_error(self, values: list[str]) -> str:
        return _("The row has %(found)d fields; the header has %(expected)d.") % {
            "found": len(values),
            "expected": len(self.info.columns),
        }

    def _csv_records(self) -> Iterator[tuple[int, str, list[str] | str]]:
        """(line, raw text, fields or the reason they are wrong) per non-blank line."""
        delimiter = self.info.delimiter
        width = len(self.info.columns)
        for line in self._text:
            self._line_no += 1
            if '"' in line:
                yield self._quoted_record(line)
                continue
            raw = line.rstrip("\r\n")
            fields = raw.split(delimiter)
            if len(fields) == width:
                yield self._line_no, raw, fields
            elif raw.strip():
                yield self._line_no, raw, self._width_error(fields)

    def _jsonl_records(self) -> Iterator[tuple[int, str, list[str] | str]]:
        """(line, raw text, values in header order) per non-blank line of a JSON Lines file."""
        columns = self.info.columns
        known = set(columns)
        unknown: set[str] = set()
        lines = self._jsonl_lines()
        for line_no, raw in lines:
            try:
                record = json.loads(raw)
            except json.JSONDecodeError as error:
                yield line_no, raw, _("Not valid JSON: %(error)s.") % {"error": error}
                continue
            if not isinstance(record, dict):
                yield line_no, raw, _("Not a JSON object.")
                continue
            normalized = {str(key).strip().lower(): value for key, value in record.items()}
            new = set(normalized) - known - KNOWN_COLUMNS - unknown
            if new:
                unknown |= new
            values, problems = [], []
            for name in columns:
                value = normalized.get(name)
                if value is None:
                    values.append("")
                elif isinstance(value, bool) or not isinstance(value, str | int):
                    problems.append(_("%(field)s must be a string or a whole number.") % {"field": name})
                    values.append("")
                else:
                    values.append(str(value))
            for name in set(normalized) & KNOWN_COLUMNS - known:
                problems.append(_("%(field)s is not in the first line's columns.") % {"field": name})
            yield line_no, raw, ("; ".join(problems) if problems else values)
        if unknown:
            self.info.warnings.append(
                _("Unknown columns were ignored: %(columns)s.") % {"columns": ", ".join(sorted(unknown))}
            )

    def _jsonl_lines(self) -> Iterator[tuple[int, str]]:
        yield self._line_no, self._first_line.strip()
        for line in self._text:
            self._line_no += 1
            if line.strip():
                yield self._line_no, line.strip()
