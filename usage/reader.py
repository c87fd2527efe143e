"""Reading a usage file exactly as the contract with the operators says (specs/usage-files.md).

The reader streams: it holds one line at a time and a few small caches, never the file. It yields
one *stage row* per data row, already in PostgreSQL's COPY text format (tab-separated, `\\N` for
NULL): `date, municipality id, query type id, count a, count b, line, raw text, reason`, where a/b are
requests/errors for RegiX and sent/received for SEOS, and line/raw/reason are set only for a
rejected row. The importer copies these lines straight into a staging table.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from .choices import Kind

EARLIEST_DATE = dt.date(2010, 1, 1)
REQUIRED = {
    Kind.REGIX: ("date", "municipality", "operation", "requests"),
    Kind.SEOS: ("date", "municipality", "sent", "received"),
}
OPTIONAL = {Kind.REGIX: ("errors",), Kind.SEOS: ()}
KNOWN_COLUMNS = {name for names in (*REQUIRED.values(), *OPTIONAL.values()) for name in names}
CHUNK = 1 << 20
MAX_DIGITS = 15  # counts are bigints; anything longer is a typo, not a day's usage
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_DOTTED = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


class UnreadableFile(Exception):
    """The file cannot be read at all: nothing of it is imported and the batch says why."""


@dataclass
class Lookups:
    """What the validation resolves against: municipality codes, names and EKATTE, and operations."""

    municipality_ids: dict[str, int]  # upper-case NSI code -> id
    municipality_names: dict[str, list[str]]  # case-folded name or seat EKATTE -> NSI codes
    operation_ids: dict[str, int]  # full operation name -> id

    @classmethod
    def load(cls) -> Lookups:
        from catalog.models import QueryType
        from municipalities.models import Municipality

        ids: dict[str, int] = {}
        names: dict[str, list[str]] = {}
        for pk, code, name_bg, name_en, ekatte in Municipality.objects.values_list(
            "pk", "code", "name_bg", "name_en", "seat_ekatte"
        ).order_by("code"):
            ids[code.upper()] = pk
            for alias in {name_bg.casefold(), name_en.casefold(), ekatte} - {""}:
                names.setdefault(alias, []).append(code)
        operations = dict(QueryType.objects.values_list("operation", "pk"))
        return cls(ids, names, operations)


@dataclass
class FileInfo:
    """What the reader found out about the file; warnings are shown on the batch."""

    kind: str = ""
    container: str = "csv"
    encoding: str = "utf-8"
    delimiter: str = ","
    compressed: bool = False
    columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_rejected: int = 0

    @property
    def rows_accepted(self) -> int:
        return self.rows_read - self.rows_rejected


def _open_binary(path: Path) -> tuple[IO[bytes], bool]:
    """The file's bytes, decompressed when it is gzip (by its magic number, whatever its name)."""
    handle = path.open("rb")
    compressed = handle.read(2) == b"\x1f\x8b"
    handle.seek(0)
    if compressed:
        return gzip.GzipFile(fileobj=handle, mode="rb"), True
    return handle, False


@dataclass(frozen=True)
class Scan:
    """What one pass over the bytes found: the encoding, and whether PostgreSQL could parse the file."""

    encoding: str
    compressed: bool
    has_quotes: bool
    lines: int  # physical lines, counting an unterminated last one


def detect_encoding(path: Path) -> Scan:
    """UTF-8 (with or without BOM) if every byte decodes as such, else Windows-1251; one streaming pass."""
    binary, compressed = _open_binary(path)
    has_quotes, newlines, last = False, 0, b""
    try:
        with binary:
            head = binary.read(CHUNK)
            if b"\x00" in head:
                raise UnreadableFile(_("The file is not text: it contains NUL bytes."))
            bom = head.startswith(codecs.BOM_UTF8)
            utf8 = codecs.getincrementaldecoder("utf-8")()
            cp1251 = codecs.getincrementaldecoder("cp1251")()
            offset, chunk, is_utf8 = 0, head, True
            while chunk:
                if is_utf8:
                    try:
                        utf8.decode(chunk)
                    except UnicodeDecodeError as error:
                        if bom:
                            raise UnreadableFile(
                                _("The file starts with a UTF-8 byte order mark but byte %(offset)d is not UTF-8.")
                                % {"offset": offset + error.start}
                            ) from None
                        is_utf8 = False
                        binary.seek(0)
                        offset, chunk = 0, binary.read(CHUNK)
                        continue
                else:
                    try:
                        cp1251.decode(chunk)
                    except UnicodeDecodeError as error:
                        raise UnreadableFile(
                            _("Undecodable bytes: the file is neither UTF-8 nor Windows-1251 (byte %(offset)d).")
                            % {"offset": offset + error.start}
                        ) from None
                if is_utf8:
                    has_quotes = has_quotes or b'"' in chunk
                    newlines += chunk.count(b"\n")
                    last = chunk[-1:]
                offset += len(chunk)
                chunk = binary.read(CHUNK)
            if is_utf8:
                utf8.decode(b"", final=True)
    except UnicodeDecodeError:
        raise UnreadableFile(_("The file ends in the middle of a UTF-8 character.")) from None
    except (OSError, EOFError, zlib.error) as error:
        raise UnreadableFile(_("The file cannot be decompressed: %(error)s") % {"error": error}) from None
    if not is_utf8:  # counted again from the start after the switch to Windows-1251
        has_quotes, newlines, last = _count_again(path)
    lines = newlines + (1 if last not in (b"", b"\n") else 0)
    encoding = ("utf-8-sig" if bom else "utf-8") if is_utf8 else "cp1251"
    return Scan(encoding, compressed, has_quotes, lines)


def _count_again(path: Path) -> tuple[bool, int, bytes]:
    binary, _compressed = _open_binary(path)
    has_quotes, newlines, last = False, 0, b""
    with binary:
        while chunk := binary.read(CHUNK):
            has_quotes = has_quotes or b'"' in chunk
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    return has_quotes, newlines, last


def _copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPES)


class UsageFileReader:
    """Reads one usage file; iterate over `stage_rows()` after `open()` has read the header."""

    def __init__(self, path: Path, kind: str, lookups: Lookups, today: dt.date):
        self.path = path
        self.lookups = lookups
        self.today = today
        self.info = FileInfo(kind=kind)
        self._dates: dict[str, tuple[str | None, str | None, str | None]] = {}  # raw -> (iso, error, month)
        self._municipalities: dict[str, tuple[str | None, str | None]] = {}
        self._operations: dict[str, tuple[str | None, str | None]] = {}
        self._text: IO[str] | None = None
        self._first_line = ""

    # -- opening: encoding, container, header, kind ------------------------------------------------

    def open(self) -> FileInfo:
        """Detect the encoding, the container and the delimiter, read the header and settle the kind."""
        self.scan = scan = detect_encoding(self.path)
        encoding = scan.encoding
        self.info.encoding, self.info.compressed = encoding, scan.compressed
        binary, _compressed = _open_binary(self.path)
        self._text = io.TextIOWrapper(binary, encoding=encoding, newline="")
        self._line_no = 0
        first = self._next_nonblank()
        if first is None:
            raise UnreadableFile(_("The file is empty: it has no header row."))
        self._first_line = first
        if first.lstrip().startswith("{"):
            self.info.container = "jsonl"
            columns = self._jsonl_header(first)
        else:
            self.info.delimiter = ";" if first.count(";") > first.count(",") else ","
            columns = self._csv_header(first)
        self.info.columns = columns
        self._settle_kind(columns)
        extra = [name for name in columns if name not in KNOWN_COLUMNS]
        if extra:
            self.info.warnings.append(_("Unknown columns were ignored: %(columns)s.") % {"columns": ", ".join(extra)})
        return self.info

    def close(self) -> None:
        if self._text is not None:
            self._text.close()

    def _next_nonblank(self) -> str | None:
        for line in self._text:
            self._line_no += 1
            if line.strip():
                return line
        return None

    def _csv_header(self, line: str) -> list[str]:
        fields = next(csv.reader([line], delimiter=self.info.delimiter))
        columns = [name.strip().lower() for name in fields]
        if not KNOWN_COLUMNS & set(columns):
            raise UnreadableFile(
                _("No header row: the first line must name the columns (e.g. %(columns)s); it reads %(line)r.")
                % {"columns": ", ".join(REQUIRED[Kind.REGIX]), "line": line.strip()[:200]}
            )
        duplicates = sorted({name for name in columns if columns.count(name) > 1})
        if duplicates:
            raise UnreadableFile(
                _("The header names a column twice: %(columns)s.") % {"columns": ", ".join(duplicates)}
            )
        return columns

    def _jsonl_header(self, line: str) -> list[str]:
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise UnreadableFile(
                _("Line %(line)d is not valid JSON: %(error)s") % {"line": 1, "error": error}
            ) from None
        if not isinstance(record, dict):
            raise UnreadableFile(_("Line 1 is not a JSON object."))
        return list(dict.fromkeys(str(key).strip().lower() for key in record))

    def _settle_kind(self, columns: list[str]) -> None:
        present = set(columns)
        fits = [kind for kind, required in REQUIRED.items() if present >= set(required)]
        kind = self.info.kind
        if not kind:
            if not fits:
                raise UnreadableFile(
                    _(
                        "Cannot tell the kind of file from its header (%(header)s): a RegiX file needs the columns "
                        "%(regix)s; a SEOS file needs %(seos)s."
                    )
                    % {
                        "header": ", ".join(columns),
                        "regix": ", ".join(REQUIRED[Kind.REGIX]),
                        "seos": ", ".join(REQUIRED[Kind.SEOS]),
                    }
                )
            self.info.kind = fits[0]
            return
        if kind not in fits and fits:
            raise UnreadableFile(
                _("Wrong kind: this is a %(found)s file (by its columns), not a %(expected)s file.")
                % {"found": Kind(fits[0]).label, "expected": Kind(kind).label}
            )
        missing = [name for name in REQUIRED[Kind(kind)] if name not in present]
        if missing:
            raise UnreadableFile(
                _("Required column(s) missing for a %(kind)s file: %(columns)s.")
                % {"kind": Kind(kind).label, "columns": ", ".join(missing)}
            )

    # -- letting PostgreSQL parse a plain file -----------------------------------------------------

    def raw_copy_options(self) -> str | None:
        """COPY options when PostgreSQL can parse the file itself: a CSV without quotes whose header is
        line 1, so row n is line n + 1. None otherwise (the Python path reads it)."""
        if self.info.container != "csv" or self.scan.has_quotes or self._line_no != 1:
            return None
        encoding = "WIN1251" if self.info.encoding == "cp1251" else "UTF8"
        return f"FORMAT csv, HEADER true, DELIMITER '{self.info.delimiter}', ENCODING '{encoding}'"

    @property
    def raw_data_rows(self) -> int:
        return self.scan.lines - 1

    def raw_bytes(self) -> Iterator[bytes]:
        binary, _compressed = _open_binary(self.path)
        with binary:
            while chunk := binary.read(CHUNK):
                yield chunk

    def check_dates(self, values: list[str | None]) -> Iterator[str]:
        """COPY lines `raw, iso day, month` of the distinct raw dates that are valid."""
        for raw in values:
            iso, _error = self._date(raw or "")
            if iso is not None:
                yield f"{_copy_text(raw)}\t{iso}\t{iso[:8]}01\n"

    def check_municipalities(self, values: list[str | None]) -> Iterator[str]:
        for raw in values:
            pk, _error = self._municipality(raw or "")
            if pk is not None:
                yield f"{_copy_text(raw)}\t{pk}\n"

    def check_operations(self, values: list[str | None]) -> Iterator[str]:
        for raw in values:
            pk, _error = self._operation(raw or "")
            if pk is not None:
                yield f"{_copy_text(raw)}\t{pk}\n"

    def check_counts(self, values: list[str | None]) -> Iterator[str]:
        for raw in values:
            number, _error = _count("count", raw or "")
            if number is not None and raw:
                yield f"{_copy_text(raw)}\t{int(number)}\n"

    def stage_flagged(self, line_no: int, fields: tuple[str | None, ...]) -> str:
        """A row the SQL check did not accept: the full Python rules decide (and word the reason)."""
        values = ["" if value is None else value for value in fields]
        validate = self._validate_regix if self.info.kind == Kind.REGIX else self._validate_seos
        return self._stage_line(line_no, self.info.delimiter.join(values), values, validate)

    # -- rows ------------------------------------------------------------------------------------

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

    # -- validation of one row -----------------------------------------------------------------------

    def _positions(self, *names: str) -> list[int | None]:
        return [self.info.columns.index(name) if name in self.info.columns else None for name in names]

    def _validate_regix(self, values: list[str]) -> tuple[str | None, str | None]:
        if not hasattr(self, "_regix_at"):
            self._regix_at = self._positions("date", "municipality", "operation", "requests", "errors")
        at_date, at_municipality, at_operation, at_requests, at_errors = self._regix_at
        problems = []
        day, problem = self._date(values[at_date])
        if problem:
            problems.append(problem)
        municipality, problem = self._municipality(values[at_municipality])
        if problem:
            problems.append(problem)
        operation, problem = self._operation(values[at_operation])
        if problem:
            problems.append(problem)
        requests, problem = _count("requests", values[at_requests])
        if problem:
            problems.append(problem)
        errors, problem = ("0", None) if at_errors is None else _count("errors", values[at_errors], default="0")
        if problem:
            problems.append(problem)
        if requests is not None and errors is not None and int(errors) > int(requests):
            problems.append(
                _("errors (%(errors)s) exceed requests (%(requests)s).") % {"errors": errors, "requests": requests}
            )
        if problems:
            return None, " ".join(problems)
        return f"{day}\t{municipality}\t{operation}\t{requests}\t{errors}\t{NULL}\t{NULL}\t{NULL}\n", None

    def _validate_seos(self, values: list[str]) -> tuple[str | None, str | None]:
        if not hasattr(self, "_seos_at"):
            self._seos_at = self._positions("date", "municipality", "sent", "received")
        at_date, at_municipality, at_sent, at_received = self._seos_at
        problems = []
        day, problem = self._date(values[at_date])
        if problem:
            problems.append(problem)
        municipality, problem = self._municipality(values[at_municipality])
        if problem:
            problems.append(problem)
        sent, problem = _count("sent", values[at_sent])
        if problem:
            problems.append(problem)
        received, problem = _count("received", values[at_received])
        if problem:
            problems.append(problem)
        if problems:
            return None, " ".join(problems)
        return f"{day}\t{municipality}\t{NULL}\t{sent}\t{received}\t{NULL}\t{NULL}\t{NULL}\n", None

    def _date(self, raw: str) -> tuple[str | None, str | None]:
        cached = self._dates.get(raw)
        if cached is None:
            if len(self._dates) > 100_000:
                self._dates.clear()
            iso, error = _parse_date(raw.strip(), self.today)
            cached = self._dates[raw] = (iso, error, None if iso is None else iso[:8] + "01")
        return cached[0], cached[1]

    def _municipality(self, raw: str) -> tuple[str | None, str | None]:
        cached = self._municipalities.get(raw)
        if cached is None:
            if len(self._municipalities) > 100_000:
                self._municipalities.clear()
            cached = self._municipalities[raw] = _resolve_municipality(raw.strip(), self.lookups)
        return cached

    def _operation(self, raw: str) -> tuple[str | None, str | None]:
        cached = self._operations.get(raw)
        if cached is None:
            if len(self._operations) > 100_000:
                self._operations.clear()
            value = raw.strip()
            pk = self.lookups.operation_ids.get(value)
            if pk is not None:
                cached = (str(pk), None)
            elif not value:
                cached = (None, _("operation is missing."))
            else:
                cached = (
                    None,
                    _("Unknown operation %(operation)r: it is not in the RegiX catalogue.") % {"operation": value},
                )
            self._operations[raw] = cached
        return cached


def _parse_date(value: str, today: dt.date) -> tuple[str | None, str | None]:
    try:
        if _ISO.fullmatch(value):
            day = dt.date.fromisoformat(value)
        elif match := _DOTTED.fullmatch(value):
            day = dt.date(int(match[3]), int(match[2]), int(match[1]))
        elif not value:
            return None, _("date is missing.")
        else:
            return None, _("date %(value)r is not in the form YYYY-MM-DD or DD.MM.YYYY.") % {"value": value}
    except ValueError:
        return None, _("date %(value)r is not a day of the calendar.") % {"value": value}
    if day < EARLIEST_DATE:
        return None, _("date %(value)s is before 2010-01-01.") % {"value": value}
    if day > today:
        return None, _("date %(value)s is in the future.") % {"value": value}
    return day.isoformat(), None


def _resolve_municipality(value: str, lookups: Lookups) -> tuple[str | None, str | None]:
    pk = lookups.municipality_ids.get(value.upper())
    if pk is not None:
        return str(pk), None
    if not value:
        return None, _("municipality is missing.")
    codes = lookups.municipality_names.get(value.casefold())
    if value.isdigit():
        return None, _(
            "municipality %(value)r looks like an EKATTE code: seat EKATTE codes are not unique and are not "
            "accepted; give the NSI municipality code%(hint)s."
        ) % {"value": value, "hint": f" ({', '.join(codes)})" if codes else ""}
    if codes:
        return None, _(
            "municipality %(value)r is a name: names are not unique and are not accepted; give the NSI "
            "municipality code (%(codes)s)."
        ) % {"value": value, "codes": ", ".join(codes)}
    return None, _("Unknown municipality code %(value)r: give the NSI code, e.g. VAR06.") % {"value": value}


def _count(name: str, raw: str, default: str | None = None) -> tuple[str | None, str | None]:
    value = raw.strip()
    if not value:
        if default is not None:
            return default, None
        return None, _("%(field)s is missing.") % {"field": name}
    if not (value.isascii() and value.isdigit()):
        return None, _("%(field)s %(value)r is not a non-negative whole number written with digits.") % {
            "field": name,
            "value": value,
        }
    if len(value) > MAX_DIGITS:
        return None, _("%(field)s %(value)s is too large.") % {"field": name, "value": value}
    return value, None
