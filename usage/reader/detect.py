"""Opening a usage file: its container (gzip or not; CSV or JSON Lines), its encoding, its delimiter,
its header and so its kind."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from ..choices import Kind
from .base import CHUNK, KNOWN_COLUMNS, OPTIONAL, REQUIRED, FileInfo, Limits, UnreadableFile
from .lines import Lines, Overlong
from .quoting import split_record


def _open_binary(path: Path) -> tuple[io.BufferedReader | gzip.GzipFile, bool]:
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
    longest: int = 0  # bytes of the longest line, its end included


class _Tally:
    """Counts over the decompressed bytes as they stream by: size, lines, quotes, the longest line.
    Refuses the file as soon as it passes a limit, so a gzip bomb stops within the limit's bytes."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.size = self.newlines = self.longest = self.run = 0
        self.has_quotes = False
        self.last = b""

    def add(self, chunk: bytes) -> None:
        if (nul := chunk.find(b"\x00")) >= 0:
            raise UnreadableFile(
                _("The file is not text: line %(line)d contains a NUL byte (byte %(offset)s of the file).")
                % {"line": self.line_at(chunk, nul), "offset": _grouped(self.size + nul)}
            )
        self.size += len(chunk)
        if self.size > self.limits.file_bytes:
            raise UnreadableFile(
                _(
                    "The file is larger than %(limit)s bytes once decompressed, the most one file may hold: "
                    "split it into smaller files (by month, for instance)."
                )
                % {"limit": _grouped(self.limits.file_bytes)}
            )
        count = chunk.count(b"\n")
        self.newlines += count
        if self.newlines > self.limits.file_lines:
            raise UnreadableFile(
                _(
                    "The file has more than %(limit)s lines, the most one file may hold: split it into smaller "
                    "files (by month, for instance)."
                )
                % {"limit": _grouped(self.limits.file_lines)}
            )
        self.has_quotes = self.has_quotes or b'"' in chunk
        self._measure_lines(chunk, count)
        self.last = chunk[-1:]

    def _measure_lines(self, chunk: bytes, count: int) -> None:
        """The longest line so far, exact whenever it may pass the limit. A line of at least the
        limit's length holds one of the chunk's windows of half that length, laid end to end, with
        no line end in it: only the lines around such windows are measured, so a chunk of ordinary
        lines costs a few dozen `find`s (splitting every chunk into its lines cost 0.08 s per
        million rows)."""
        if not count:
            self.run += len(chunk)
        else:
            first, last = chunk.find(b"\n"), chunk.rfind(b"\n")
            self.longest = max(self.longest, self.run + first + 1)
            half = max(self.limits.line_chars // 2, 1)
            start = first + 1
            while start + half <= last:
                if chunk.find(b"\n", start, start + half) >= 0:
                    start += half
                    continue
                begins = chunk.rfind(b"\n", 0, start) + 1
                ends = chunk.find(b"\n", start + half)  # the line's end: last at the latest
                self.longest = max(self.longest, ends - begins + 1)
                start = ends + 1
            self.run = len(chunk) - last - 1
        self.longest = max(self.longest, self.run)

    def line_at(self, chunk: bytes, offset: int) -> int:
        return self.newlines + chunk.count(b"\n", 0, offset) + 1


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def detect_encoding(path: Path, limits: Limits | None = None) -> Scan:
    """UTF-8 (with or without BOM) if every byte decodes as such, else Windows-1251; one streaming pass
    that also refuses what no usage file holds (NUL bytes, more than the limits) with the line number."""
    limits = limits or Limits()
    binary, compressed = _open_binary(path)
    tally = _Tally(limits)
    bom, is_utf8 = False, True
    try:
        with binary:
            utf8 = codecs.getincrementaldecoder("utf-8")()
            first, byte_98 = True, None  # where UTF-8 text had 0x98, which Windows-1251 cannot decode
            while chunk := binary.read(CHUNK):
                if first:
                    bom, first = chunk.startswith(codecs.BOM_UTF8), False
                if is_utf8 and not (chunk.isascii() and not utf8.getstate()[0]):  # ASCII is UTF-8 as it is
                    try:
                        utf8.decode(chunk)
                    except UnicodeDecodeError as error:
                        at = max(error.start - len(utf8.getstate()[0]), 0)
                        if bom:
                            raise UnreadableFile(
                                _(
                                    "The file starts with a UTF-8 byte order mark but line %(line)d is not "
                                    "UTF-8 (byte %(offset)s of the file)."
                                )
                                % {"line": tally.line_at(chunk, at), "offset": _grouped(tally.size + at)}
                            ) from None
                        is_utf8 = False  # every byte decodes in Windows-1251 except 0x98
                if byte_98 is None and (at := chunk.find(b"\x98")) >= 0:
                    byte_98 = (tally.line_at(chunk, at), tally.size + at)
                if not is_utf8 and byte_98 is not None:
                    raise UnreadableFile(
                        _(
                            "Undecodable bytes: the file is neither UTF-8 nor Windows-1251 (line %(line)d, "
                            "byte %(offset)s of the file)."
                        )
                        % {"line": byte_98[0], "offset": _grouped(byte_98[1])}
                    )
                tally.add(chunk)
            if is_utf8:
                utf8.decode(b"", final=True)
    except UnicodeDecodeError:
        raise UnreadableFile(
            _("The file ends in the middle of a UTF-8 character (line %(line)d).") % {"line": tally.newlines + 1}
        ) from None
    except (OSError, EOFError, zlib.error):
        raise UnreadableFile(
            _("The file cannot be decompressed at line %(line)d: it is not a complete gzip file.")
            % {"line": tally.newlines + 1}
        ) from None
    lines = tally.newlines + (1 if tally.last not in (b"", b"\n") else 0)
    encoding = ("utf-8-sig" if bom else "utf-8") if is_utf8 else "cp1251"
    return Scan(encoding, compressed, tally.has_quotes, lines, tally.longest)


class Opening:
    """The part of `UsageFileReader` that opens the file: encoding, container, header, kind."""

    info: FileInfo
    path: Path
    limits: Limits
    _text: IO[str] | None

    def open(self) -> FileInfo:
        """Detect the encoding, the container and the delimiter, read the header and settle the kind."""
        self.scan = scan = detect_encoding(self.path, self.limits)
        encoding = scan.encoding
        self.info.encoding, self.info.compressed = encoding, scan.compressed
        binary, _compressed = _open_binary(self.path)
        self._text = io.TextIOWrapper(binary, encoding=encoding, newline="")
        # Decode in large pieces: 8 KiB ones cost twice the time. CPython's TextIOWrapper has this attribute;
        # typeshed leaves the private attributes out.
        self._text._CHUNK_SIZE = CHUNK  # type: ignore[attr-defined]  # noqa: SLF001
        self._lines = Lines(self._text, self.limits.line_chars)
        first = self._next_nonblank()
        if first is None:
            raise UnreadableFile(_("The file is empty: it has no header row."))
        self._first_line, self._first_line_no = first, self._lines.line_no
        if type(first) is Overlong:
            raise UnreadableFile(
                _("Line %(line)d, the header, is %(length)s characters long: more than a line may have.")
                % {"line": self._first_line_no, "length": _grouped(first.length)}
            )
        if first.lstrip().startswith("{"):
            self.info.container = "jsonl"
            columns = self._jsonl_header(first)
            self._settle_jsonl_kind(columns)
            # Each object is checked on its own against all of the kind's fields.
            columns = [*REQUIRED[Kind(self.info.kind)], *OPTIONAL[Kind(self.info.kind)]]
        else:
            self.info.delimiter = ";" if first.count(";") > first.count(",") else ","
            columns = self._csv_header(first)
            self._settle_kind(columns)
        self.info.columns = columns
        extra = [name for name in columns if name not in KNOWN_COLUMNS]
        if extra:
            self.info.warnings.append(
                _("Unknown columns were ignored: %(columns)s.") % {"columns": ", ".join(extra)[:500]}
            )
        return self.info

    def close(self) -> None:
        if self._text is not None:
            self._text.close()

    def _next_nonblank(self) -> str | None:
        for _line_no, line in self._lines:
            if type(line) is not str or line.strip():
                return line
        return None

    def _csv_header(self, line: str) -> list[str]:
        delimiter = self.info.delimiter
        fields = split_record(line, delimiter) if '"' in line else line.split(delimiter)
        columns = [name.strip().lower() for name in fields]
        if not KNOWN_COLUMNS & set(columns):
            raise UnreadableFile(
                _("No header row: the first line must name the columns (e.g. %(columns)s); it reads %(line)r.")
                % {"columns": ", ".join(REQUIRED[Kind.REGIX]), "line": line.strip()[:200]}
            )
        duplicates = sorted({name for name in columns if columns.count(name) > 1})
        if duplicates:
            raise UnreadableFile(
                _("The header names a column twice: %(columns)s.") % {"columns": ", ".join(duplicates)[:500]}
            )
        return columns

    def _jsonl_header(self, line: str) -> list[str]:
        """The keys of the first object: only to tell the kind (each row is checked on its own)."""
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            return []
        if not isinstance(record, dict):
            return []
        return list(dict.fromkeys(str(key).strip().lower() for key in record))

    def _settle_jsonl_kind(self, keys: list[str]) -> None:
        """The kind of a JSON Lines file: the one the sender named, else the one whose fields the first
        object has most of (a missing field is then that row's rejection, not the file's)."""
        present = set(keys)
        if self.info.kind:
            fits = [kind for kind, required in REQUIRED.items() if present >= set(required)]
            if fits and self.info.kind not in fits:
                raise UnreadableFile(
                    _("Wrong kind: this is a %(found)s file (by its columns), not a %(expected)s file.")
                    % {"found": Kind(fits[0]).label, "expected": Kind(self.info.kind).label}
                )
            return
        scores = {
            kind: len(present & {*REQUIRED[kind], *OPTIONAL[kind]} - {"date", "municipality"}) for kind in REQUIRED
        }
        best = max(scores.values())
        fits = [kind for kind, score in scores.items() if score == best]
        if best == 0 or len(fits) > 1:
            raise UnreadableFile(
                _(
                    "Cannot tell the kind of file from line %(line)d (%(keys)s): a RegiX object has the fields "
                    "%(regix)s; a SEOS object has %(seos)s. Choose the kind when sending the file."
                )
                % {
                    "line": self._first_line_no,
                    "keys": ", ".join(keys)[:300] or _("not a JSON object"),
                    "regix": ", ".join(REQUIRED[Kind.REGIX]),
                    "seos": ", ".join(REQUIRED[Kind.SEOS]),
                }
            )
        self.info.kind = fits[0]

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
