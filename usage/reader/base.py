"""What the reader shares: the contract's constants, the exception for an unreadable file, the
lookups the rows are checked against and what the reader found out about the file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..choices import Kind

EARLIEST_DATE = dt.date(2010, 1, 1)
REQUIRED = {
    Kind.REGIX: ("date", "municipality", "operation", "requests"),
    Kind.SEOS: ("date", "municipality", "sent", "received"),
}
OPTIONAL = {Kind.REGIX: ("errors",), Kind.SEOS: ()}
KNOWN_COLUMNS = {name for names in (*REQUIRED.values(), *OPTIONAL.values()) for name in names}
CHUNK = 1 << 20
# Counts are stored as bigints: up to 19 digits, and at most this value (the contract sets no lower limit).
MAX_COUNT = 2**63 - 1
MAX_DIGITS = len(str(MAX_COUNT))
# A rejected row keeps this much of its raw text and of its reason, with the full length noted.
KEEP_CHARS = 1000
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


class UnreadableFile(Exception):
    """The file cannot be read at all: nothing of it is imported and the batch says why."""


@dataclass(frozen=True)
class Limits:
    """What one file may hold (settings USAGE_MAX_*): beyond them a line is rejected or the file refused,
    so no file can hold an import for long or fill the importer's memory."""

    line_chars: int = 64 * 1024
    file_bytes: int = 1_100_000_000
    file_lines: int = 10_000_000

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        return cls(settings.USAGE_MAX_LINE_BYTES, settings.USAGE_MAX_FILE_BYTES, settings.USAGE_MAX_FILE_ROWS)


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
    # Accepted rows whose daily count is above the kind's plausible maximum: (line, field, count).
    implausible: list[tuple[int, str, int]] = field(default_factory=list)
    implausible_count: int = 0
    parsed_by_postgres: bool = False  # the rows were read by COPY into a raw table, not by this reader
    # The first and last day (ISO) of the accepted rows, when a pass that read them all noted them.
    days: tuple[str, str] | None = None

    @property
    def rows_accepted(self) -> int:
        return self.rows_read - self.rows_rejected


def _copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPES)


def clip(text: str, keep: int = KEEP_CHARS) -> str:
    """At most `keep` characters of a raw line or a reason, saying how long the whole was (an overlong
    line knows its full length; only its start was read)."""
    length = getattr(text, "length", len(text))
    if length <= keep:
        return text
    return _("%(start)s… (%(length)s characters in all)") % {
        "start": text[:keep],
        "length": f"{length:,}".replace(",", " "),
    }
