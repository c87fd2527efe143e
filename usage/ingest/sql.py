# ruff: noqa: S608 -- every SQL string here is built from module constants, never from input.
"""The SQL text of an import: the temporary tables' names and, per kind, the statements that fill
the daily facts and the monthly rollups from them."""

from __future__ import annotations

from ..choices import Kind

STAGE = "usage_stage"
GROUPS = "usage_stage_groups"
KEYS = "usage_stage_keys"
RAW = "usage_stage_raw"
LOOKUPS = {
    "date": ("usage_stage_dates", "raw text PRIMARY KEY, day date, month date, bit bigint"),
    "municipality": ("usage_stage_municipalities", "raw text PRIMARY KEY, id integer"),
    "operation": ("usage_stage_operations", "raw text PRIMARY KEY, id integer"),
}
COUNT_COLUMNS = {Kind.REGIX: ("requests", "errors"), Kind.SEOS: ("sent", "received")}
# Looked up by a batch's kind, a plain string.
_ACTIVE: dict[str, str] = {Kind.REGIX: "a > 0", Kind.SEOS: "a + b > 0"}
DATE_INDEXES: dict[str, str] = {Kind.REGIX: "usage_regix_daily_date_brin", Kind.SEOS: "usage_seos_daily_date_brin"}


def _month(column: str) -> str:
    return f"date_trunc('month', {column})::date"


def _month_after(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12}-{number % 12 + 1:02d}-01"


def _distinct_days(condition: str) -> str:
    """How many distinct days of a month group's rows meet the condition.

    A bit per day of the month, OR-ed together and counted: one hash aggregate, where count(DISTINCT)
    would sort every group's rows. Rows checked in SQL bring their bit (and month) from the date's
    lookup row; rows the Python reader staged have them computed here."""
    bit = "coalesce(bit, 1::bigint << extract(day FROM d)::integer)"
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
    "fresh_rows": "SELECT d, m, q, a, b FROM v",
    "any_rollup": "SELECT 1 FROM usage_regixmonthlyusage WHERE month >= %(lo)s AND month < %(hi)s LIMIT 1",
    # Within one file the rows of a key are added up.
    "sum": f"SELECT d, m, q, CAST(sum(a) AS bigint) AS a, CAST(sum(b) AS bigint) AS b FROM {STAGE} "
    "WHERE reason IS NULL GROUP BY d, m, q",
    # Across files: the file's figures replace the stored ones of its keys; unchanged rows stay as they are.
    "delete_changed": "DELETE FROM usage_regixdailyusage WHERE date >= %(lo)s AND date < %(hi)s "
    f"AND EXISTS (SELECT 1 FROM {KEYS} k WHERE k.d = usage_regixdailyusage.date "
    "AND k.m = usage_regixdailyusage.municipality_id AND k.q = usage_regixdailyusage.query_type_id "
    "AND (k.a <> usage_regixdailyusage.requests OR k.b <> usage_regixdailyusage.errors))",
    "insert_missing": f"SELECT d, m, q, a, b FROM {KEYS} k WHERE NOT EXISTS (SELECT 1 FROM usage_regixdailyusage f "
    "WHERE f.date >= %(lo)s AND f.date < %(hi)s AND f.date = k.d AND f.municipality_id = k.m "
    "AND f.query_type_id = k.q)",
    "monthly_from_groups": "INSERT INTO usage_regixmonthlyusage "
    "(month, municipality_id, query_type_id, requests, errors, active_days, first_day, last_day) "
    f"SELECT month, m, q, a, b, active, first_day, last_day FROM {GROUPS} "
    # WHERE: SQLite cannot tell an upsert from a join after a bare FROM.
    "WHERE 1 = 1 " + _REGIX_MONTHLY_UPSERT,
    # The touched groups' months, read once through the date index's range and hash-joined to the groups.
    "monthly": "INSERT INTO usage_regixmonthlyusage "
    "(month, municipality_id, query_type_id, requests, errors, active_days, first_day, last_day) "
    "SELECT g.month, g.m, g.q, sum(f.requests), sum(f.errors), "
    "count(CASE WHEN f.requests > 0 THEN 1 END), "
    "min(CASE WHEN f.requests > 0 THEN f.date END), max(CASE WHEN f.requests > 0 THEN f.date END) "
    f"FROM usage_regixdailyusage f JOIN {GROUPS} g "
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
    "fresh_rows": "SELECT d, m, a, b FROM v",
    "any_rollup": "SELECT 1 FROM usage_seosmonthlyusage WHERE month >= %(lo)s AND month < %(hi)s LIMIT 1",
    "sum": f"SELECT d, m, CAST(sum(a) AS bigint) AS a, CAST(sum(b) AS bigint) AS b FROM {STAGE} "
    "WHERE reason IS NULL GROUP BY d, m",
    "delete_changed": "DELETE FROM usage_seosdailyusage WHERE date >= %(lo)s AND date < %(hi)s "
    f"AND EXISTS (SELECT 1 FROM {KEYS} k WHERE k.d = usage_seosdailyusage.date "
    "AND k.m = usage_seosdailyusage.municipality_id "
    "AND (k.a <> usage_seosdailyusage.sent OR k.b <> usage_seosdailyusage.received))",
    "insert_missing": f"SELECT d, m, a, b FROM {KEYS} k WHERE NOT EXISTS (SELECT 1 FROM usage_seosdailyusage f "
    "WHERE f.date >= %(lo)s AND f.date < %(hi)s AND f.date = k.d AND f.municipality_id = k.m)",
    "monthly_from_groups": "INSERT INTO usage_seosmonthlyusage "
    "(month, municipality_id, sent, received, active_days, first_day, last_day) "
    f"SELECT month, m, a, b, active, first_day, last_day FROM {GROUPS} WHERE 1 = 1 " + _SEOS_MONTHLY_UPSERT,
    "monthly": "INSERT INTO usage_seosmonthlyusage "
    "(month, municipality_id, sent, received, active_days, first_day, last_day) "
    "SELECT g.month, g.m, sum(f.sent), sum(f.received), "
    "count(CASE WHEN f.sent + f.received > 0 THEN 1 END), "
    "min(CASE WHEN f.sent + f.received > 0 THEN f.date END), "
    "max(CASE WHEN f.sent + f.received > 0 THEN f.date END) "
    f"FROM usage_seosdailyusage f JOIN {GROUPS} g ON g.m = f.municipality_id AND g.month = {{month}} "
    "WHERE f.date >= %(lo)s AND f.date < %(hi)s GROUP BY g.month, g.m " + _SEOS_MONTHLY_UPSERT,
}
