"""The records of a usage file (CSV lines, quoted CSV records, JSON Lines) turned into stage rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice

from django.utils.translation import gettext as _

from ..choices import Kind
from .base import KNOWN_COLUMNS, MAX_COUNT, MAX_DIGITS, NULL, REQUIRED, _copy_text, clip
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
            lines = self._regix_csv_lines()
        elif self.info.container == "jsonl":
            lines = self._jsonl_stage_lines()
        else:
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

    def _regix_csv_lines(self) -> Iterator[str]:
        """The hot loop for the common case (a RegiX CSV), a stage line per data row: plain lines go
        through a fast path of dict look-ups on the raw values; anything unusual (quotes, spaces, a bad
        value) takes the full path."""
        lines = self._lines
        delimiter = self.info.delimiter
        width = len(self.info.columns)
        at_date, at_municipality, at_operation, at_requests, at_errors = self._regix_positions()
        dates, municipalities, operations = self._dates, self._municipalities, self._operations
        info = self.info
        validate = self._validate_regix
        plausible = self._plausible[0] if self._plausible is not None else None
        for line_no, raw in lines:
            if type(raw) is Overlong:
                line = self._stage_line(line_no, raw, self._overlong_error(raw), validate)
            elif '"' in raw:
                start, record, values = read_quoted(raw, line_no, lines, delimiter)
                if not isinstance(values, str) and len(values) != width:
                    values = self._width_error(values)
                line = self._stage_line(start, record, values, validate)
            else:
                values = raw.split(delimiter)
                if len(values) != width:
                    if not raw.strip():
                        continue
                    line = self._stage_line(line_no, raw, self._width_error(values), validate)
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
                        line = f"{day[0]}\t{municipality[0]}\t{operation[0]}\t{requests}\t{errors}\t\\N\t\\N\t\\N\n"
                        if plausible is not None and int(requests) > plausible:
                            self._check_plausible(line_no, values)
                    else:
                        line = self._stage_line(line_no, raw, values, validate)
            info.rows_read += 1
            yield line

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
        unknown: set[str] = set()
        for line_no, raw in self._jsonl_lines():
            yield line_no, raw, self._jsonl_values(raw, unknown)
        self._warn_unknown(unknown)

    def _jsonl_values(self, raw: str, unknown: set[str]) -> list[str] | str:
        """One line's values in the kind's column order, or the reason they are wrong; notes unknown keys."""
        if type(raw) is Overlong:
            return self._overlong_error(raw)
        try:
            record = json.loads(raw)
        except ValueError as error:  # JSONDecodeError, or an integer of thousands of digits
            return _("Not valid JSON: %(error)s.") % {"error": error}
        except RecursionError:
            return _("Not valid JSON: nested too deeply.")
        if not isinstance(record, dict):
            return _("Not a JSON object.")
        required = REQUIRED[Kind(self.info.kind)]
        normalized = {str(key).strip().lower(): value for key, value in record.items()}
        unknown |= set(normalized) - KNOWN_COLUMNS
        values, problems = [], []
        for name in self.info.columns:
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
        return " ".join(problems) if problems else values

    def _jsonl_fast_line(self, record: dict[str, object], regix: bool) -> str | None:
        """The stage line of an object whose values were all seen valid before (the caches of the
        row rules, keyed by the value as written) and whose counts are whole numbers; else None."""
        day = self._dates.get(record["date"]) if type(record["date"]) is str else None
        municipality = self._municipalities.get(record["municipality"]) if type(record["municipality"]) is str else None
        if day is None or day[0] is None or municipality is None or municipality[0] is None:
            return None
        if regix:
            raw = record["operation"]
            operation = self._operations.get(raw) if type(raw) is str else None
            a, b = record["requests"], record.get("errors", 0)
            if operation is None or operation[0] is None or not _whole(a, b) or b > a:  # type: ignore[operator]
                return None
            third = operation[0]
        else:
            a, b, third = record["sent"], record["received"], NULL
            if not _whole(a, b):
                return None
        return f"{day[0]}\t{municipality[0]}\t{third}\t{a}\t{b}\t{NULL}\t{NULL}\t{NULL}\n"

    def _warn_unknown(self, unknown: set[str]) -> None:
        if unknown:
            self.info.warnings.append(
                _("Unknown columns were ignored: %(columns)s.") % {"columns": ", ".join(sorted(unknown))[:500]}
            )

    def _jsonl_stage_lines(self) -> Iterator[str]:
        """The hot loop for JSON Lines, a stage line per data row: an object whose keys are exactly the
        kind's column names, with strings already seen valid and whole numbers for counts, becomes its
        stage line at once; any other line takes the full path (`_jsonl_values` and the row rules),
        which words the reason. Either way the stage line is the one the full path gives."""
        info = self.info
        regix = info.kind == Kind.REGIX
        validate = self._validate_regix if regix else self._validate_seos
        columns = info.columns
        names = set(columns)
        shortest = set(REQUIRED[Kind(info.kind)])
        plausible = self._plausible[0] if self._plausible is not None else None
        loads = json.loads
        unknown: set[str] = set()
        for line_no, raw in self._jsonl_lines():
            line = None
            try:
                record = loads(raw) if type(raw) is str else None
            except (ValueError, RecursionError):
                record = None
            if type(record) is dict and (record.keys() == names or record.keys() == shortest):
                line = self._jsonl_fast_line(record, regix)
                if line is not None and plausible is not None:
                    a, b = (record["requests"], 0) if regix else (record["sent"], record["received"])
                    if max(a, b) > plausible:
                        self._check_plausible(line_no, [str(record.get(name, "")) for name in columns])
            if line is None:
                line = self._stage_line(line_no, raw, self._jsonl_values(raw, unknown), validate)
            info.rows_read += 1
            yield line
        self._warn_unknown(unknown)

    def _jsonl_lines(self) -> Iterator[tuple[int, str]]:
        yield self._first_line_no, self._first_line.strip()
        for line_no, raw in self._lines:
            if type(raw) is Overlong:
                yield line_no, raw
            elif stripped := raw.strip():
                yield line_no, stripped


def _whole(*counts: object) -> bool:
    """Counts the row rules accept as they are: whole numbers (not booleans) from 0 to the bigint's top."""
    return all(type(count) is int and 0 <= count <= MAX_COUNT for count in counts)


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", " ")
