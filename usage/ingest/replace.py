# ruff: noqa: S608 -- every SQL string here is built from module constants, never from input.
"""Replacing figures from the staged rows: the group totals, the daily facts of the file's keys and
the observed adoption of the touched municipalities."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..choices import Kind
from ..partitions import summarise_sql
from .sql import _ACTIVE, DATE_INDEXES, GROUPS, REPEATED_KEY, STAGE, _distinct_days, _month, _month_after

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper


def _total_groups(cursor: CursorWrapper, kind: str) -> None:
    """Total the staged accepted rows per (month, municipality, query type) in one pass.

    The totals are right even with repeated keys (a day counts once in `days`, and a day is active
    when any of its rows is), so they become the rollups when the months held nothing before."""
    active = _ACTIVE[kind]
    cursor.execute(
        f"INSERT INTO {GROUPS} SELECT coalesce(month, {_month('d')}), m, q, sum(a), sum(b), "
        f"{_distinct_days(active)}, "
        f"min(CASE WHEN {active} THEN d END), max(CASE WHEN {active} THEN d END), count(*), "
        f"{_distinct_days('true')}, max(a), max(b) FROM {STAGE} WHERE reason IS NULL GROUP BY 1, m, q"
    )


def _span(cursor: CursorWrapper) -> dict[str, str] | None:
    """The date span of the months of the groups, None when there is none."""
    cursor.execute(f"SELECT min(month), max(month) FROM {GROUPS}")
    first_month, last_month = cursor.fetchone()
    if first_month is None:
        return None
    return {"lo": str(first_month), "hi": _month_after(str(last_month))}


def _has_repeated_keys(cursor: CursorWrapper) -> bool:
    """Whether two accepted rows share a key: some group has more rows than distinct days."""
    cursor.execute(f"SELECT 1 FROM {GROUPS} WHERE {REPEATED_KEY} LIMIT 1")
    return cursor.fetchone() is not None


def _replace_daily(
    cursor: CursorWrapper, sql: dict[str, str], span: dict[str, str], duplicates: bool, days: tuple[str, str] | None
) -> tuple[int, bool]:
    """Replace the stored figures of the file's keys; returns (keys written, whether those months held
    nothing before). `days`: the first and last day of the accepted rows, when the reader knows them.

    Nothing stored in the file's months (the usual new export): one plain INSERT into the heap. Else
    only the keys that are new or whose figures differ are written (`changes` in sql.py), and they
    are kept for the rollups' deltas. Either way each key ends up with exactly one row, which is what
    a unique index would have ensured."""
    cursor.execute(sql["any_stored"], span)
    if cursor.fetchone() is None:
        cursor.execute(sql["insert"] + (sql["sum"] if duplicates else sql["rows"]))
        return cursor.rowcount, True
    # The stored rows of the file's days only: through the date index, a day's file reads one day,
    # not its month. Added up only when a key came twice: a million-group aggregate is not free.
    if days is None:
        cursor.execute(f"SELECT min(d), max(d) FROM {STAGE} WHERE reason IS NULL")
        days = cursor.fetchone()
    span = {**span, "first": str(days[0]), "last": str(days[1])}
    cursor.execute(sql["changes"].format(source=sql["sum"] if duplicates else sql["rows"]), span)
    changed = cursor.rowcount
    cursor.execute(sql["replaced_parts"])
    for part, name in cursor.fetchall():  # none for new keys only
        cursor.execute(sql["delete_changed"].format(part=name), [part])
    if changed:
        cursor.execute(sql["insert"] + sql["insert_changed"])
    return changed, False


def _add_deltas(cursor: CursorWrapper, sql: dict[str, str], span: dict[str, str]) -> bool:
    """Change the monthly rollups of the touched groups by what the changed keys add, never
    recomputing a month; returns whether some day stopped being active (see `_changes_sql`).

    Only the few rollups where a day stopped being active are recomputed, from their own facts."""
    cursor.execute(sql["add_deltas"], span)
    lost = sql["lost"]
    cursor.execute(f"SELECT min(month), max(month) FROM {lost} l")
    first_month, last_month = cursor.fetchone()
    if first_month is None:
        return False
    lost_span = {"lo": str(first_month), "hi": _month_after(str(last_month))}
    cursor.execute(sql["monthly"].format(groups=lost, month=_month("f.date")), lost_span)
    return True


def _replace_from_stage(
    cursor: CursorWrapper, kind: str, sql: dict[str, str], days: tuple[str, str] | None
) -> tuple[int | None, bool]:
    """Steps 3 and 4 from the staged rows: (keys written or None when no row was accepted, whether
    the file's months held nothing before)."""
    _total_groups(cursor, kind)
    span = _span(cursor)
    if span is None:
        return None, False
    return _replace_daily(cursor, sql, span, _has_repeated_keys(cursor), days)


def _refresh_adoption(cursor: CursorWrapper, kind: str, lost: str | None = None) -> None:
    """First and last day of use of the touched municipalities.

    A day active after the import can only widen them: they grow by the file's active days (the
    group totals). Where a day stopped being active (`lost`: the groups where one did), the first or
    last day may have gone with it: those municipalities are recomputed from their rollups."""
    service, monthly = (
        (Kind.REGIX.value, "usage_regixmonthlyusage")
        if kind == Kind.REGIX
        else (Kind.SEOS.value, "usage_seosmonthlyusage")
    )
    cursor.execute(
        "INSERT INTO usage_observedadoption AS o (municipality_id, service, first_day, last_day) "
        f"SELECT m, %s, min(first_day), max(last_day) FROM {GROUPS} WHERE first_day IS NOT NULL GROUP BY m "
        "ON CONFLICT (municipality_id, service) DO UPDATE "
        "SET first_day = least(o.first_day, excluded.first_day), last_day = greatest(o.last_day, excluded.last_day)",
        [service],
    )
    if lost is None:
        return
    touched = f"SELECT DISTINCT m FROM {lost} l"
    cursor.execute(
        "INSERT INTO usage_observedadoption (municipality_id, service, first_day, last_day) "
        f"SELECT municipality_id, %s, min(first_day), max(last_day) FROM {monthly} "
        f"WHERE municipality_id IN ({touched}) AND first_day IS NOT NULL GROUP BY municipality_id "
        "ON CONFLICT (municipality_id, service) DO UPDATE "
        "SET first_day = excluded.first_day, last_day = excluded.last_day",
        [service],
    )
    # A corrected file may zero the only days a municipality had: then it has not adopted after all.
    cursor.execute(
        f"DELETE FROM usage_observedadoption WHERE service = %s AND municipality_id IN ({touched}) "
        f"AND municipality_id NOT IN (SELECT municipality_id FROM {monthly} "
        f"WHERE municipality_id IN ({touched}) AND first_day IS NOT NULL)",
        [service],
    )


def _summarise_date_index(cursor: CursorWrapper, kind: str) -> None:
    """Summarise the BRIN ranges this import filled, so the next import finds a month's facts through
    the index even where autovacuum (which autosummarize relies on) is off or behind. Only the new
    block ranges are read: a few milliseconds."""
    cursor.execute(*summarise_sql(DATE_INDEXES[kind]))  # each monthly partition's index
