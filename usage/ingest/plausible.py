# ruff: noqa: S608 -- every SQL string here is built from module constants, never from input.
"""Implausible daily counts: accepted (the contract sets no limit below the column's), but listed as a
warning on the batch so that ministry staff see a 51-million-documents day and can have it corrected."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ..choices import Kind
from ..reader import PLAUSIBLE_COUNTS, UsageFileReader
from ..reader.records import IMPLAUSIBLE_LISTED
from .checks import _columns
from .sql import GROUPS, RAW, STAGE

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper


def implausible_warning(cursor: CursorWrapper, reader: UsageFileReader) -> str | None:
    """The warning for this import's accepted rows above the kind's plausible maximum, or None."""
    kind = reader.info.kind
    maximum = reader.plausible_max.get(kind)
    if maximum is None:
        return None
    cursor.execute(f"SELECT 1 FROM {GROUPS} WHERE peak_a > %s OR peak_b > %s LIMIT 1", [maximum, maximum])
    if cursor.fetchone() is None:
        return None
    if reader.info.parsed_by_postgres:
        rows, count = _rows_parsed_by_postgres(cursor, reader, maximum)
    else:
        rows, count = reader.info.implausible, reader.info.implausible_count
    if not count:
        return None
    listed = ", ".join(
        _("line %(line)d (%(field)s %(count)s)") % {"line": line, "field": field, "count": _grouped(value)}
        for line, field, value in rows
    )
    more = count - len(rows)
    return _(
        "%(count)s accepted row(s) have a daily count above %(max)s, more than is plausible for %(kind)s: "
        "please check them with the sender: %(rows)s%(more)s."
    ) % {
        "count": _grouped(count),
        "max": _grouped(maximum),
        "kind": Kind(kind).label,
        "rows": listed,
        "more": (_(" and %(more)s more") % {"more": _grouped(more)}) if more > 0 else "",
    }


def _rows_parsed_by_postgres(
    cursor: CursorWrapper, reader: UsageFileReader, maximum: int
) -> tuple[list[tuple[int, str, int]], int]:
    """Read from the raw rows PostgreSQL parsed (row n is line n + 1), leaving out the rejected ones.
    Only run when some group's peak is above the maximum, so a usual file never pays for it."""
    columns = _columns(reader)
    names = PLAUSIBLE_COUNTS[Kind(reader.info.kind)]
    above = [
        f"CASE WHEN btrim(r.{columns[name]}) ~ '^[0-9]{{1,19}}$' THEN btrim(r.{columns[name]})::numeric > %(max)s "
        "ELSE false END"
        for name in names
    ]
    values = ", ".join(f"btrim(r.{columns[name]})" for name in names)
    cursor.execute(
        f"SELECT r.line + 1, {values}, count(*) OVER () FROM {RAW} r WHERE ({' OR '.join(above)}) "
        f"AND NOT EXISTS (SELECT 1 FROM {STAGE} s WHERE s.reason IS NOT NULL AND s.line = r.line + 1) "
        "ORDER BY r.line LIMIT %(listed)s",
        {"max": maximum, "listed": IMPLAUSIBLE_LISTED},
    )
    rows, count = [], 0
    for line, *counts, total in cursor.fetchall():
        count = total
        name, value = next((n, int(v)) for n, v in zip(names, counts, strict=True) if v.isdigit() and int(v) > maximum)
        rows.append((line, name, value))
    return rows, count


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", " ")
