"""Opening a usage file: its container (gzip or not; CSV or JSON Lines), its encoding, its delimiter,
its header and so its kind."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from ..choices import Kind
from .base import CHUNK, KNOWN_COLUMNS, REQUIRED, FileInfo, UnreadableFile


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


class Opening:
    """The part of `UsageFileReader` that opens the file: encoding, container, header, kind."""

    info: FileInfo
    path: Path
    _text: IO[str] | None

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
