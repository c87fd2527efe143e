"""What the reader shares: the contract's constants, the exception for an unreadable file, the
lookups the rows are checked against and what the reader found out about the file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..choices import Kind

EARLIEST_DATE = dt.date(2010, 1, 1)
REQUIRED = {
    Kind.REGIX: ("date", "municipality", "operation", "requests"),
    Kind.SEOS: ("date", "municipality", "sent", "received"),
}
OPTIONAL = {Kind.REGIX: ("errors",), Kind.SEOS: ()}
KNOWN_COLUMNS = {name for names in (*REQUIRED.values(), *OPTIONAL.values()) for name in names}
CHUNK = 1 << 20
MAX_DIGITS = 15  # counts are bigints; anything longer is a typo, not a day's usage
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


def _copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPES)
