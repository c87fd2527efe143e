"""The records of a usage file (CSV lines, quoted CSV records, JSON Lines) turned into stage rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice

from django.utils.translation import gettext as _

from ..choices import Kind
from .base import KNOWN_COLUMNS, MAX_DIGITS, NULL, REQUIRED, _copy_text, clip
from .lines import Lines, Overlong
from .quoting import read_quoted
from .rows import RowRules, Validate

# An implausible-count warning lists this many rows, then says how many more there are.
IMPLAUSIBLE_LISTED = 20


class Records(RowRules):
    """The part of `UsageFileReader` that reads the data rows, one stage row per data row."""

    _lines: Lines
    _first_line: str
    _first_line_no: int
    # (maximum, count names, their positions) when the kind has a plausible daily maximum
    _plausible: tuple[int, tuple[str, ...], list[int | None]] | None

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

    def _stage_line(self, line_no: int, raw: str, values: list[str] | str, validate: Validate) -> str:
        if isinstance(values, str):
            reason = values
        else:
            verdict = validate(values)
            if verdict[0] is not None:
                if self._plausible is not None:
                    self._check_plausible(line_no, values)
                return verdict[0]
            reason = verdict[1]
        self.info.rows_rejected += 1
        return (
            f"{NULL}\t{NULL}\t{NULL}\t{NULL}\t{NULL}\t{line_no}\t{_copy_text(clip(raw))}\t{_copy_text(clip(reason))}\n"
        )

    def _check_plausible(self, line_no: int, values: list[str]) -> None:
        """An accepted row whose daily count is above the kind's plausible maximum is noted (not rejected)."""
        if self._plausible is None:
            return
        limit, names, positions = self._plausible
        for name, at in zip(names, positions, strict=True):
            if at is None:
                continue
            value = values[at].strip()
            if len(value) >= len(str(limit)) and value.isdigit() and int(value) > limit:
                self.info.implausible_count += 1
                if len(self.info.implausible) < IMPLAUSIBLE_LISTED:
                    self.info.implausible.append((line_no, name, int(value)))
                return

    def _regix_csv_chunks(self, rows: int) -> Iterator[str]:
        """The hot loop for the common case (a RegiX CSV): plain lines go through a fast path of dict
        look-ups on the raw values; anything unusual (quotes, spaces, a bad value) takes the full path."""
        lines = self._lines
        delimiter = self.info.delimiter
        width = len(self.info.columns)
        at_date, at_municipality, at_operation, at_requests, at_errors = self._regix_positions()
        dates, municipalities, operations = self._dates, self._municipalities, self._operations
        info = self.info
        validate = self._validate_regix
        plausible = self._plausible[0] if self._plausible is not None else None
        out: list[str] = []
        append = out.append
        read = 0
        for line_no, raw in lines:
            read += 1
            if type(raw) is Overlong:
                append(self._stage_line(line_no, raw, self._overlong_error(raw), validate))
            elif '"' in raw:
                start, record, values = read_quoted(raw, line_no, lines, delimiter)
                if not isinstance(values, str) and len(values) != width:
                    values = self._width_error(values)
                append(self._stage_line(start, record, values, validate))
            else:
                values = raw.split(delimiter)
                if len(values) != width:
                    if not raw.strip():
                        read -= 1
                        continue
                    append(self._stage_line(line_no, raw, self._width_error(values), validate))
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
                        and len(requests) < MAX_DIGITS
                        and int(errors) <= int(requests)
                    ):
                        append(f"{day[0]}\t{municipality[0]}\t{operation[0]}\t{requests}\t{errors}\t\\N\t\\N\t\\N\n")
                        if plausible is not None and int(requests) > plausible:
                            self._check_plausible(line_no, values)
                    else:
                        append(self._stage_line(line_no, raw, values, validate))
            if len(out) >= rows:
                info.rows_read += read
                read = 0
                yield "".join(out)
                out.clear()
        info.rows_read += read
        if out:
            yield "".join(out)

    def _width_error(self, values: list[str]) -> str:
        return _("The row has %(found)d fields; the header has %(expected)d.") % {
            "found": len(values),
            "expected": len(self.info.columns),
        }

    def _overlong_error(self, line: Overlong) -> str:
        return _(
            "The line is %(length)s characters long, more than the %(limit)s a line may have; it was skipped "
            "and reading goes on at the next line."
        ) % {"length": _grouped(line.length), "limit": _grouped(self._lines.limit)}

    def _csv_records(self) -> Iterator[tuple[int, str, list[str] | str]]:
        """(line, raw text, fields or the reason they are wrong) per non-blank line."""
        delimiter = self.info.delimiter
        width = len(self.info.columns)
        lines = self._lines
        for line_no, raw in lines:
            if type(raw) is Overlong:
                yield line_no, raw, self._overlong_error(raw)
                continue
            if '"' in raw:
                start, record, fields = read_quoted(raw, line_no, lines, delimiter)
                if not isinstance(fields, str) and len(fields) != width:
                    fields = self._width_error(fields)
                yield start, record, fields
                continue
            fields = raw.split(delimiter)
            if len(fields) == width:
                yield line_no, raw, fields
            elif raw.strip():
                yield line_no, raw, self._width_error(fields)

    def _jsonl_records(self) -> Iterator[tuple[int, str, list[str] | str]]:
        """(line, raw text, values in the kind's column order) per non-blank line of a JSON Lines file.

        Each object is checked on its own: an optional key may appear on any line, and a line missing
        a required key is that line's rejection, never the whole file's."""
        kind = Kind(self.info.kind)
        required, columns = REQUIRED[kind], self.info.columns
        unknown: set[str] = set()
        for line_no, raw in self._jsonl_lines():
            if type(raw) is Overlong:
                yield line_no, raw, self._overlong_error(raw)
                continue
            try:
                record = json.loads(raw)
            except ValueError as error:  # JSONDecodeError, or an integer of thousands of digits
                yield line_no, raw, _("Not valid JSON: %(error)s.") % {"error": error}
                continue
            except RecursionError:
                yield line_no, raw, _("Not valid JSON: nested too deeply.")
                continue
            if not isinstance(record, dict):
                yield line_no, raw, _("Not a JSON object.")
                continue
            normalized = {str(key).strip().lower(): value for key, value in record.items()}
            unknown |= set(normalized) - KNOWN_COLUMNS
            values, problems = [], []
            for name in columns:
                value = normalized.get(name)
                if value is None:
                    if name in required:
                        problems.append(_("%(field)s is missing.") % {"field": name})
                    values.append("")
                elif isinstance(value, bool) or not isinstance(value, str | int):
                    problems.append(_("%(field)s must be a string or a whole number.") % {"field": name})
                    values.append("")
                else:
                    values.append(str(value))
            yield line_no, raw, (" ".join(problems) if problems else values)
        if unknown:
            self.info.warnings.append(
                _("Unknown columns were ignored: %(columns)s.") % {"columns": ", ".join(sorted(unknown))[:500]}
            )

    def _jsonl_lines(self) -> Iterator[tuple[int, str]]:
        yield self._first_line_no, self._first_line.strip()
        for line_no, raw in self._lines:
            if type(raw) is Overlong:
                yield line_no, raw
            elif raw.strip():
                yield line_no, raw.strip()


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", " ")
