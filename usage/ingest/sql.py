# ruff: noqa: S608 -- every SQL string here is built from module constants, never from input.
"""The SQL text of an import: the temporary tables' names and, per kind, the statements that fill
the daily facts and the monthly rollups from them."""

from __future__ import annotations

from ..choices import Kind

STAGE = "usage_stage"
GROUPS = "usage_stage_groups"
KEYS = "usage_stage_keys"  # the file's keys whose figures change, with the stored figures they replace
RAW = "usage_stage_raw"
LOOKUPS = {
    # No key on the dates: made unique by construction, and every join to them is a hash join;
    # a btree over 12,000 spellings cost more than a day's file's whole check.
    "date": ("usage_stage_dates", "raw text, day date, month date, bit bigint"),
    "municipality": ("usage_stage_municipalities", "raw text PRIMARY KEY, id integer"),
    "operation": ("usage_stage_operations", "raw text PRIMARY KEY, id integer"),
}
COUNT_COLUMNS = {Kind.REGIX: ("requests", "errors"), Kind.SEOS: ("sent", "received")}
# A group of the totals with more rows than distinct days: a key came twice (or, on the fresh path,
# one of the file's days held rows before it).
REPEATED_KEY = "n > days"
# Looked up by a batch's kind, a plain string.
_ACTIVE: dict[str, str] = {Kind.REGIX: "a > 0", Kind.SEOS: "a + b > 0"}
_WAS_ACTIVE: dict[str, str] = {
    Kind.REGIX: "coalesce(old_a > 0, false)",
    Kind.SEOS: "coalesce(old_a + old_b > 0, false)",
}
DATE_INDEXES: dict[str, str] = {Kind.REGIX: "usage_regix_daily_date_brin", Kind.SEOS: "usage_seos_daily_date_brin"}


def _month(column: str) -> str:
    """The first day of the date's month, in date arithmetic: date_trunc goes through a timestamp and
    extract through numeric, which made a million rows' group totals 40 % slower."""
    return f"({column} - (date_part('day', {column})::integer - 1))"


def _day_bit(column: str) -> str:
    """The date's bit in its month (1 << day of the month): a month group's days OR-ed together."""
    return f"(1::bigint << date_part('day', {column})::integer)"


def _month_after(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12}-{number % 12 + 1:02d}-01"


def _distinct_days(condition: str) -> str:
    """How many distinct days of a month group's rows meet the condition.

    A bit per day of the month, OR-ed together and counted: one hash aggregate, where count(DISTINCT)
    would sort every group's rows. Rows checked in SQL bring their bit (and month) from the date's
    lookup row; rows the Python reader staged have them computed here."""
    bit = f"coalesce(bit, {_day_bit('d')})"
    return f"coalesce(bit_count(bit_or(CASE WHEN {condition} THEN {bit} END)::bit(64)), 0)"


_REGIX_MONTHLY_UPSERT = (
    "ON CONFLICT (municipality_id, query_type_id, month) DO UPDATE SET requests = excluded.requests, "
    "errors = excluded.errors, active_days = excluded.active_days, first_day = excluded.first_day, "
    "last_day = excluded.last_day"
)


REGIX_SQL = {
    "any_stored": "SELECT 1 FROM usage_regixdailyusage WHERE date >= %(lo)s AND date < %(hi)s LIMIT 1",
    "insert": "INSERT INTO usage_regixdailyusage (date, municipality_id, query_type_id, requests, errors) ",
    "rows": f"SELECT d, m, q, a, b FROM {STAGE} WHERE reason IS NULL",
    # min(), not SELECT 1 ... LIMIT 1: the planner then reads the month index from the span's start; with
    # LIMIT 1 it scanned the table from its first page to the span's first row (5 ms at ten years).
    "any_rollup": "SELECT min(month) FROM usage_regixmonthlyusage WHERE month >= %(lo)s AND month < %(hi)s",
    # Within one file the rows of a key are added up.
    "sum": f"SELECT d, m, q, CAST(sum(a) AS bigint) AS a, CAST(sum(b) AS bigint) AS b FROM {STAGE} "
    "WHERE reason IS NULL GROUP BY d, m, q",
    "monthly_from_groups": "INSERT INTO usage_regixmonthlyusage "
    "(month, municipality_id, query_type_id, requests, errors, active_days, first_day, last_day) "
    f"SELECT month, m, q, a, b, active, first_day, last_day FROM {GROUPS} " + _REGIX_MONTHLY_UPSERT,
    # Some groups recomputed from their facts: their months read once (the date index's range, or
    # the month's partition) and hash-joined to the groups.
    "monthly": "INSERT INTO usage_regixmonthlyusage "
    "(month, municipality_id, query_type_id, requests, errors, active_days, first_day, last_day) "
    "SELECT g.month, g.m, g.q, sum(f.requests), sum(f.errors), "
    "count(CASE WHEN f.requests > 0 THEN 1 END), "
    "min(CASE WHEN f.requests > 0 THEN f.date END), max(CASE WHEN f.requests > 0 THEN f.date END) "
    "FROM usage_regixdailyusage f JOIN {groups} g "
    "ON g.m = f.municipality_id AND g.q = f.query_type_id AND g.month = {month} "
    "WHERE f.date >= %(lo)s AND f.date < %(hi)s GROUP BY g.month, g.m, g.q " + _REGIX_MONTHLY_UPSERT,
}


_SEOS_MONTHLY_UPSERT = (
    "ON CONFLICT (municipality_id, month) DO UPDATE SET sent = excluded.sent, received = excluded.received, "
    "active_days = excluded.active_days, first_day = excluded.first_day, last_day = excluded.last_day"
)


SEOS_SQL = {
    "any_stored": "SELECT 1 FROM usage_seosdailyusage WHERE date >= %(lo)s AND date < %(hi)s LIMIT 1",
    "insert": "INSERT INTO usage_seosdailyusage (date, municipality_id, sent, received) ",
    "rows": f"SELECT d, m, a, b FROM {STAGE} WHERE reason IS NULL",
    "any_rollup": "SELECT min(month) FROM usage_seosmonthlyusage WHERE month >= %(lo)s AND month < %(hi)s",
    "sum": f"SELECT d, m, CAST(sum(a) AS bigint) AS a, CAST(sum(b) AS bigint) AS b FROM {STAGE} "
    "WHERE reason IS NULL GROUP BY d, m",
    "monthly_from_groups": "INSERT INTO usage_seosmonthlyusage "
    "(month, municipality_id, sent, received, active_days, first_day, last_day) "
    f"SELECT month, m, a, b, active, first_day, last_day FROM {GROUPS} " + _SEOS_MONTHLY_UPSERT,
    "monthly": "INSERT INTO usage_seosmonthlyusage "
    "(month, municipality_id, sent, received, active_days, first_day, last_day) "
    "SELECT g.month, g.m, sum(f.sent), sum(f.received), "
    "count(CASE WHEN f.sent + f.received > 0 THEN 1 END), "
    "min(CASE WHEN f.sent + f.received > 0 THEN f.date END), "
    "max(CASE WHEN f.sent + f.received > 0 THEN f.date END) "
    "FROM usage_seosdailyusage f JOIN {groups} g ON g.m = f.municipality_id AND g.month = {month} "
    "WHERE f.date >= %(lo)s AND f.date < %(hi)s GROUP BY g.month, g.m " + _SEOS_MONTHLY_UPSERT,
}


def _changes_sql(kind: Kind, daily: str, monthly: str, counts: tuple[str, str]) -> dict[str, str]:
    """Across files: the file's keys (`{source}`: its rows, added up if a key came twice) replace the
    stored figures of those keys, and the monthly rollups change by the difference.

    `changes` joins the file's keys to the stored rows once and keeps only the keys that are new or
    whose figures differ, with the figures they replace: a re-import writes nothing, a correction
    only what changed, a day's file only its day. `add_deltas` adds up per rollup what they add:
    sums, and active days (one row per key, so a day's activity changes by +1, -1 or 0); a day
    that becomes active can only widen first/last day. A day that stops being active (`lost`) may
    have been the first or last one: those few rollups are recomputed from their facts."""
    a, b = counts
    by_q = kind == Kind.REGIX
    key = "k.m = f.municipality_id" + (" AND k.q = f.query_type_id" if by_q else "")
    q, kq = (", q", ", k.q") if by_q else ("", "")
    active, was_active = _ACTIVE[kind], _WAS_ACTIVE[kind]
    return {
        # With the stored row's place (its partition and ctid), so that replacing it is a direct
        # delete, not a second join of the changed keys to the stored rows (0.5 s of a correction).
        "changes": f"CREATE TEMPORARY TABLE {KEYS} AS SELECT k.d, k.m{kq}, k.a, k.b, "
        f"f.{a} AS old_a, f.{b} AS old_b, f.tableoid AS part, f.ctid AS place FROM ({{source}}) k "
        f"LEFT JOIN {daily} f ON f.date = k.d AND {key} AND f.date >= %(first)s AND f.date <= %(last)s "
        f"WHERE f.date IS NULL OR f.{a} <> k.a OR f.{b} <> k.b",
        "replaced_parts": f"SELECT DISTINCT part, part::regclass::text FROM {KEYS} WHERE old_a IS NOT NULL",
        # Per partition (`{part}`): its replaced rows by their places, a TID scan. The import holds the
        # kind's lock from the look to the delete, so no other writer moves or removes them.
        "delete_changed": f"DELETE FROM {{part}} WHERE ctid = ANY(ARRAY(SELECT place FROM {KEYS} WHERE part = %s))",
        "insert_changed": f"SELECT d, m{q}, a, b FROM {KEYS}",
        # The deltas per rollup of the changed keys, added to the rollups (see `_add_to_rollups`).
        "add_deltas": _add_to_rollups(
            kind,
            monthly,
            counts,
            f"SELECT {_month('d')} AS month, m{q}, sum(a - coalesce(old_a, 0)) AS da, "
            f"sum(b - coalesce(old_b, 0)) AS db, sum(({active})::integer - ({was_active})::integer) AS dactive, "
            f"min(CASE WHEN {active} THEN d END) AS first_day, max(CASE WHEN {active} THEN d END) AS last_day "
            f"FROM {KEYS} GROUP BY 1, m{q}",
        ),
        # A file of new days into months that hold figures: its group totals are the deltas, every
        # day of them new (fresh.py).
        "add_groups": _add_to_rollups(
            kind,
            monthly,
            counts,
            f"SELECT month, m{q}, a AS da, b AS db, active AS dactive, first_day, last_day FROM {GROUPS}",
        ),
        # The rollups where a day stopped being active.
        "lost": f"(SELECT DISTINCT {_month('d')} AS month, m{q} FROM {KEYS} WHERE {was_active} AND NOT {active})",
    }


def _add_to_rollups(kind: Kind, monthly: str, counts: tuple[str, str], deltas: str) -> str:
    """One statement: `deltas` (month, m[, q], da, db, dactive, first_day, last_day per rollup) added
    to the rollups there are, the others inserted. A rollup not there yet has no facts before this
    import: its deltas are its figures. A day that becomes active can only widen first/last day."""
    a, b = counts
    by_q = kind == Kind.REGIX
    q = ", q" if by_q else ""
    rollup_key = "t.month = g.month AND t.municipality_id = g.m" + (" AND t.query_type_id = g.q" if by_q else "")
    updated_key = "t.month = g.month AND t.m = g.m" + (" AND t.q = g.q" if by_q else "")
    return (
        f"WITH g AS ({deltas}), "
        f"updated AS (UPDATE {monthly} t SET {a} = t.{a} + g.da, {b} = t.{b} + g.db, "
        "active_days = t.active_days + g.dactive, first_day = least(t.first_day, g.first_day), "
        f"last_day = greatest(t.last_day, g.last_day) FROM g WHERE {rollup_key} "
        "AND t.month >= %(lo)s AND t.month < %(hi)s "
        f"RETURNING t.month, t.municipality_id AS m{', t.query_type_id AS q' if by_q else ''}) "
        f"INSERT INTO {monthly} (month, municipality_id{', query_type_id' if by_q else ''}, {a}, {b}, "
        f"active_days, first_day, last_day) SELECT month, m{q}, da, db, dactive, first_day, last_day FROM g "
        f"WHERE NOT EXISTS (SELECT 1 FROM updated t WHERE {updated_key})"
    )


REGIX_SQL |= _changes_sql(Kind.REGIX, "usage_regixdailyusage", "usage_regixmonthlyusage", ("requests", "errors"))
SEOS_SQL |= _changes_sql(Kind.SEOS, "usage_seosdailyusage", "usage_seosmonthlyusage", ("sent", "received"))
