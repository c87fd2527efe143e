# ruff: noqa: S608 -- every SQL string here is built from module constants, never from input.
"""The row checks in SQL: the conditions a raw row parsed by PostgreSQL meets when the Python rules
would accept it as is."""

from __future__ import annotations

from ..choices import Kind
from ..reader import MAX_DIGITS, UsageFileReader
from .sql import COUNT_COLUMNS, LOOKUPS, RAW, STAGE


def _columns(reader: UsageFileReader) -> dict[str, str]:
    return {name: f"c{index}" for index, name in enumerate(reader.info.columns)}


# Up to 18 digits always fit a bigint; a 19-digit count may not, so the Python rule judges it.
SQL_DIGITS = MAX_DIGITS - 1


def _plain_counts(*columns: str) -> str:
    """Counts written with 1 to 18 ASCII digits and nothing else: what the Python rule accepts as is.

    translate() deletes the digits of all the counts at once (a regular expression per value cost
    three times as much); once only digits are left, octet_length is the number of digits."""
    lengths = " AND ".join(f"octet_length({column}) BETWEEN 1 AND {SQL_DIGITS}" for column in columns)
    return f"({lengths} AND translate({' || '.join(columns)}, '0123456789', '') = '')"


def _row_checks(reader: UsageFileReader) -> tuple[str, str, str, str]:
    """(joins, the condition a valid row meets, count a, count b) for this kind's raw rows.

    The date, municipality and operation are checked by joining to their tables of valid spellings,
    the counts by `_plain_counts`; a row that misses a join or a check is left for the Python rules.
    The casts sit behind CASE, which PostgreSQL evaluates in order, so no cast ever sees a non-digit."""
    c = _columns(reader)
    joins = [
        f"JOIN {LOOKUPS['date'][0]} ld ON ld.raw = r.{c['date']}",
        f"JOIN {LOOKUPS['municipality'][0]} lm ON lm.raw = r.{c['municipality']}",
    ]
    first, second = COUNT_COLUMNS[Kind(reader.info.kind)]
    a = f"r.{c[first]}"
    if reader.info.kind == Kind.REGIX:
        joins.append(f"JOIN {LOOKUPS['operation'][0]} lo ON lo.raw = r.{c['operation']}")
        if second not in c:
            return " ".join(joins) + " ", _plain_counts(a), f"{a}::bigint", "0"
        b = f"r.{c[second]}"
        ok = f"CASE WHEN {_plain_counts(a, b)} THEN {b}::bigint <= {a}::bigint ELSE false END"
        return " ".join(joins) + " ", ok, f"{a}::bigint", f"{b}::bigint"
    b = f"r.{c[second]}"
    return " ".join(joins) + " ", _plain_counts(a, b), f"{a}::bigint", f"{b}::bigint"


def _valid_rows_sql(reader: UsageFileReader) -> str:
    joins, ok, a, b = _row_checks(reader)
    operation = "lo.id" if reader.info.kind == Kind.REGIX else "NULL::integer"
    return (
        f"INSERT INTO {STAGE} (d, m, q, a, b, month, bit) SELECT ld.day, lm.id, {operation}, {a}, {b}, "
        "ld.month, ld.bit "
        f"FROM {RAW} r {joins}WHERE {ok}"
    )
