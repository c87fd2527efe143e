"""Writing rows as CSV for Excel, plain CSV and XLSX, and naming the files: the one writer of each.

Every text cell that a spreadsheet would read as a formula (it begins with =, +, -, @, a tab or
a carriage return) is written as text: with a leading apostrophe in CSV (OWASP's advice), as a
string cell in XLSX. Numbers stay numbers: plain CSV writes them for scripts (no grouping, a
decimal point), CSV for Excel with the decimal separator of the user's language, XLSX as numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from itertools import chain, islice
from typing import IO, Any

from django.utils import formats, timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.transliteration import transliterate

from .choices import FILE_EXTENSIONS, XLSX_MAX_DATA_ROWS, Flavour

BOM = "\ufeff"
# Rows per chunk handed to the web server: big enough to be cheap, small enough to stream.
ROWS_PER_CHUNK = 1000
COPY_CHUNK_BYTES = 256 * 1024

# Where a cell that begins with one of these opens in a spreadsheet, it is read as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The export format of a column (a table column's `export_format`, a source's column formats).
PERCENT = "percent"


def neutralise(text: str) -> str:
    """`=HYPERLINK(...)` → `'=HYPERLINK(...)`: a text cell that no spreadsheet runs as a formula."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


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


def yes_no_words() -> tuple[str, str]:
    """How a boolean cell reads, in the active language (both writers, CSV and XLSX)."""
    return gettext("yes"), gettext("no")


def _datetime_text(value: datetime) -> str:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _decimal_text(value: float | Decimal) -> str:
    """Positional notation, never 1e-05, never grouped."""
    if isinstance(value, float):
        text = repr(value)
        return format(Decimal(text), "f") if "e" in text or "E" in text else text
    return format(value, "f")


def text_formatter(flavour: str = Flavour.CSV):
    """A function turning one value into CSV text, with the yes/no words of the active language.

    Plain CSV writes a decimal point; CSV for Excel the decimal separator of the user's language
    (a Bulgarian Excel reads "0.5" as text or a date, "0,5" as a number).
    """
    yes, no = yes_no_words()
    comma = Flavour(flavour) == Flavour.EXCEL and formats.get_format("DECIMAL_SEPARATOR") == ","

    def text(value: Any) -> str:
        if value is None:
            return ""
        if type(value) is str:
            return neutralise(value)
        if value is True:
            return yes
        if value is False:
            return no
        if isinstance(value, int):
            return str(int(value))  # never grouped digits
        if isinstance(value, float | Decimal):
            number = _decimal_text(value)
            return number.replace(".", ",") if comma else number
        if isinstance(value, datetime):
            return _datetime_text(value)
        if isinstance(value, date | time):
            return value.isoformat()
        return neutralise(str(value))

    return text


def csv_chunks(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], flavour: str, stats: ExportStats | None = None
) -> Iterator[bytes]:
    """Encode the header and rows as CSV of the flavour, ROWS_PER_CHUNK rows per yielded chunk."""
    dialect = DIALECTS[Flavour(flavour)]
    text = text_formatter(flavour)
    buffer = io.StringIO()
    # Python's csv quotes a field only for the characters of its own line end: writing CRLF and
    # turning it into LF afterwards (plain CSV) keeps a lone CR inside a value quoted.
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator="\r\n")
    ends = _lf_row_ends if dialect.lineterminator == "\n" else _same_text
    if dialect.bom:
        buffer.write(BOM)
    writer.writerow([neutralise(str(cell)) for cell in header])
    count = 0
    for row in rows:
        writer.writerow([text(cell) for cell in row])
        count += 1
        if count % ROWS_PER_CHUNK == 0:
            yield ends(buffer.getvalue()).encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            if stats is not None:
                stats.rows = count
    if stats is not None:
        stats.rows = count
    yield ends(buffer.getvalue()).encode("utf-8")


def _same_text(text: str) -> str:
    return text


def _lf_row_ends(text: str) -> str:
    """CRLF row ends → LF, leaving CRLF inside quoted values; a chunk holds whole rows."""
    if '"' not in text:
        return text.replace("\r\n", "\n")
    parts = text.split('"')
    parts[::2] = [part.replace("\r\n", "\n") for part in parts[::2]]  # the parts outside quotes
    return '"'.join(parts)


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


# Rows read before the sheet is written, to size its columns (write-only sheets set widths first).
WIDTH_SAMPLE_ROWS = 500
MAX_COLUMN_WIDTH = 60
_WIDTHS = {datetime: 19, date: 10, time: 8}


def xlsx_cell(value: Any, yes: str, no: str) -> Any:
    """A value as openpyxl should store it: numbers and dates native, booleans as words."""
    if value is None or isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters a workbook may not hold
    if value is True:
        return yes
    if value is False:
        return no
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date | time):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def column_widths(header: Sequence[Any], sample: Sequence[Sequence[Any]], column_formats: Sequence[Any]) -> list[int]:
    """Widths (in characters) that fit the header and the first rows, capped so no column hides the rest."""
    widths = [len(str(name)) + 3 for name in header]  # + the autofilter's button
    for row in sample:
        for index, value in enumerate(row[: len(widths)]):
            if value is None:
                continue
            if index < len(column_formats) and column_formats[index] == PERCENT:
                length = 7
            else:
                length = _WIDTHS.get(type(value)) or len(value if isinstance(value, str) else str(value))
            widths[index] = max(widths[index], length + 2)
    return [min(width, MAX_COLUMN_WIDTH) for width in widths]


def write_xlsx(
    out: IO[bytes],
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    title: str,
    stats: ExportStats | None = None,
    column_formats: Sequence[str | None] = (),
) -> None:
    """Write a one-sheet workbook in openpyxl's write-only mode (rows go to disk as they come).

    1. Size the columns from the header and the first WIDTH_SAMPLE_ROWS rows.
    2. A bold header row, frozen, with an autofilter over every written row.
    3. Numbers and dates as such (percent columns with a percent format); text as string cells,
       so a value beginning with "=" is never a formula.
    Raises TooManyRowsError before the sheet would overflow: a workbook is never cut short.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE_ROWS))
    yes, no = yes_no_words()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    sheet.freeze_panes = "A2"
    for index, width in enumerate(column_widths(header, sample, column_formats), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    sheet.append([_string_cell(sheet, neutral_header(name), font=bold) for name in header])
    percent = {index for index, name in enumerate(column_formats) if name == PERCENT}
    count = 0
    for row in chain(sample, rows):
        count += 1
        if count > XLSX_MAX_DATA_ROWS:
            sheet.close()  # let openpyxl finish its temporary sheet file before giving up
            raise TooManyRowsError(count, XLSX_MAX_DATA_ROWS)
        sheet.append(
            [_typed_cell(sheet, xlsx_cell(value, yes, no), index in percent) for index, value in enumerate(row)]
        )
    if stats is not None:
        stats.rows = count
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    workbook.save(out)


def neutral_header(name: Any) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(name))


def _string_cell(sheet, value: str, font=None):
    """A cell that holds text whatever it begins with (openpyxl would make "=..." a formula)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def _typed_cell(sheet, value: Any, percent: bool) -> Any:
    """Dates get an ISO number format (2026-11-24 in every locale), shares a percent format."""
    if isinstance(value, str):
        return _string_cell(sheet, value) if value[:1] in FORMULA_STARTS else value
    if percent and isinstance(value, int | float | Decimal):
        return _formatted(sheet, value, "0.0%")
    if isinstance(value, datetime):
        return _formatted(sheet, value, "yyyy-mm-dd hh:mm:ss")
    if isinstance(value, date):
        return _formatted(sheet, value, "yyyy-mm-dd")
    return value


def _formatted(sheet, value: Any, number_format: str):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


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
        """Django's RFC 6266 header: filename*=utf-8''… for the Cyrillic name."""
        # As an attachment the header is always made; django-stubs type the inline case's None too.
        return content_disposition_header(True, self.unicode)  # type: ignore[return-value]


def export_filename(parts: Sequence[str], flavour: str, day: date | None = None) -> ExportFilename:
    """'общини', 'област Варна' → общини-област-варна-2026-11-24.csv (the date is today's, local)."""
    day = day or timezone.localdate()
    words = [name_slug(part) for part in parts if str(part).strip()]
    # Short enough for every file system (255 bytes) and the job's file name column.
    described = "-".join(word for word in words if word)[:MAX_NAME_CHARS].strip("-.")
    stem = "-".join(filter(None, [described, day.isoformat()]))
    return ExportFilename(f"{stem}.{FILE_EXTENSIONS[Flavour(flavour)]}")
