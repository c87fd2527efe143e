"""Writing rows as CSV for Excel, plain CSV and XLSX, and naming the files.

django-tables2 and tablib build the whole file in memory and write dates and booleans as
Python's str() does; these writers stream, and write ISO dates, plain integers and
booleans as words in the user's language.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any
from urllib.parse import quote

from django.utils import timezone
from django.utils.translation import gettext

from core.transliteration import transliterate

from .choices import FILE_EXTENSIONS, XLSX_MAX_DATA_ROWS, Flavour

BOM = "\ufeff"
# Rows per chunk handed to the web server: big enough to be cheap, small enough to stream.
ROWS_PER_CHUNK = 1000
COPY_CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str
    lineterminator: str
    bom: bool


DIALECTS = {
    # Excel opens UTF-8 only with a BOM, and splits on the list separator of a Bulgarian locale: ';'.
    Flavour.EXCEL: CsvDialect(delimiter=";", lineterminator="\r\n", bom=True),
    # For scripts: what PostgreSQL COPY and Unix tools write.
    Flavour.CSV: CsvDialect(delimiter=",", lineterminator="\n", bom=False),
}


@dataclass
class ExportStats:
    """Filled in while a file is written: the rows actually written, never an estimate."""

    rows: int = 0


class TooManyRowsError(Exception):
    """The rows do not fit the flavour (an XLSX sheet); the export is refused, never truncated."""

    def __init__(self, rows: int, limit: int):
        self.rows = rows
        self.limit = limit
        super().__init__(f"{rows} rows do not fit in an Excel sheet of {limit} rows below the header.")


def _words() -> tuple[str, str]:
    return gettext("yes"), gettext("no")


def _datetime_text(value: datetime) -> str:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def text_formatter():
    """A function turning one value into CSV text, with the yes/no words of the active language."""
    yes, no = _words()

    def text(value: Any) -> str:
        if value is None:
            return ""
        if value is True:
            return yes
        if value is False:
            return no
        if isinstance(value, int):
            return str(int(value))  # never grouped digits
        if isinstance(value, Decimal):
            return format(value, "f")
        if isinstance(value, datetime):
            return _datetime_text(value)
        if isinstance(value, date | time):
            return value.isoformat()
        return str(value)

    return text


def csv_chunks(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], flavour: str, stats: ExportStats | None = None
) -> Iterator[bytes]:
    """Encode the header and rows as CSV of the flavour, ROWS_PER_CHUNK rows per yielded chunk."""
    dialect = DIALECTS[Flavour(flavour)]
    text = text_formatter()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator=dialect.lineterminator)
    if dialect.bom:
        buffer.write(BOM)
    writer.writerow([str(cell) for cell in header])
    count = 0
    for row in rows:
        writer.writerow([cell if type(cell) is str else text(cell) for cell in row])
        count += 1
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            if stats is not None:
                stats.rows = count
    if stats is not None:
        stats.rows = count
    yield buffer.getvalue().encode("utf-8")


def csv_header_bytes(header: Sequence[Any], flavour: str) -> bytes:
    """The BOM (for Excel) and the header line, to put before rows that PostgreSQL writes."""
    return b"".join(csv_chunks(header, (), flavour))


def crlf_line_ends(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Turn COPY's LF record ends into CRLF, leaving line breaks inside quoted values alone.

    A newline ends a record exactly when an even number of quotes came before it (an escaped
    quote is two quotes), so the quote parity is all the state carried from chunk to chunk.
    """
    in_quotes = False
    for chunk in chunks:
        if b'"' not in chunk:
            yield chunk if in_quotes else chunk.replace(b"\n", b"\r\n")
            continue
        parts = chunk.split(b'"')
        for index, part in enumerate(parts):
            if index:
                in_quotes = not in_quotes
            if not in_quotes:
                parts[index] = part.replace(b"\n", b"\r\n")
        yield b'"'.join(parts)


def xlsx_cell(value: Any, yes: str, no: str) -> Any:
    """A value as openpyxl should store it: numbers and dates native, booleans as words."""
    if value is None or isinstance(value, str | int | float | Decimal) and not isinstance(value, bool):
        return value
    if value is True:
        return yes
    if value is False:
        return no
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date | time):
        return value
    return str(value)


def write_xlsx(
    out: IO[bytes], header: Sequence[Any], rows: Iterable[Sequence[Any]], title: str, stats: ExportStats | None = None
) -> None:
    """Write a one-sheet workbook in openpyxl's write-only mode (rows go to disk as they come).

    Raises TooManyRowsError before the sheet would overflow: a workbook is never cut short.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    yes, no = _words()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=str(name))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        count += 1
        if count > XLSX_MAX_DATA_ROWS:
            sheet.close()  # let openpyxl finish its temporary sheet file before giving up
            raise TooManyRowsError(count, XLSX_MAX_DATA_ROWS)
        sheet.append([_dated(sheet, xlsx_cell(value, yes, no), WriteOnlyCell) for value in row])
    if stats is not None:
        stats.rows = count
    workbook.save(out)


def _dated(sheet, value: Any, cell_class) -> Any:
    """Dates get an ISO number format, so Excel shows 2026-11-24 whatever the user's locale."""
    if isinstance(value, datetime):
        cell = cell_class(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return cell
    if isinstance(value, date):
        cell = cell_class(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str) -> str:
    return _SHEET_FORBIDDEN.sub("-", title)[:31] or "export"


# ---- file names -------------------------------------------------------------------------------

MAX_NAME_CHARS = 60  # a Cyrillic letter is two bytes, transliterated up to three letters (щ → sht)
_NOT_IN_NAME = re.compile(r"[^\w.-]+", re.UNICODE)
_DASHES = re.compile(r"-{2,}")


def name_slug(text: str) -> str:
    """Lowercase words joined by dashes, in the original script: 'Област Варна' → 'област-варна'."""
    slug = _NOT_IN_NAME.sub("-", str(text).strip().lower())
    return _DASHES.sub("-", slug).strip("-.")


@dataclass(frozen=True)
class ExportFilename:
    """A file name in Cyrillic with its transliterated ASCII twin for old clients."""

    unicode: str

    @property
    def ascii(self) -> str:
        latin = transliterate(self.unicode)
        return latin.encode("ascii", "ignore").decode("ascii") or "export"

    def content_disposition(self) -> str:
        """RFC 6266 / RFC 5987: an ASCII filename plus filename* with the UTF-8 name."""
        return f"attachment; filename=\"{self.ascii}\"; filename*=UTF-8''{quote(self.unicode, safe='')}"


def export_filename(parts: Sequence[str], flavour: str, day: date | None = None) -> ExportFilename:
    """'общини', 'област Варна' → общини-област-варна-2026-11-24.csv (the date is today's, local)."""
    day = day or timezone.localdate()
    words = [name_slug(part) for part in parts if str(part).strip()]
    # Short enough for every file system (255 bytes) and the job's file name column.
    described = "-".join(word for word in words if word)[:MAX_NAME_CHARS].strip("-.")
    stem = "-".join(filter(None, [described, day.isoformat()]))
    return ExportFilename(f"{stem}.{FILE_EXTENSIONS[Flavour(flavour)]}")
