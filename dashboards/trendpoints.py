"""The observed trend's points: how many municipalities used a service in the window ending on a day.

`month_points(as_of)` names them: the months since 2016 and the day each is measured on.

`observed(code, months, days)` answers for the trends page: the past month-ends from the kept points
(ObservedTrendPoint), the rest (the running month, any point not kept) counted from the rollups.
`keep_missing(code)` counts and keeps the past points that are not kept: the import calls it in its
transaction (a receiver of usage.signals.rollups_written), after the rollups' triggers have deleted
the points its changes may move. Kept points are thus never stale, whoever changed the rollups.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta

from django.db import connections, router
from django.utils import timezone

from .forms import EARLIEST_AS_OF
from .models import ObservedTrendPoint
from .snapshots import USAGE_ROLLUPS, add_months, month_end, month_start, window_days


def observed(code: str, months: list[date], days: list[date]) -> list[int]:
    """For each month, the municipalities observed in the window ending on its day (`days`, sorted):
    the kept point where the day is the month's last, counted from the rollups otherwise."""
    kept = dict(
        ObservedTrendPoint.objects.using(router.db_for_read(ObservedTrendPoint))
        .filter(service=code, window_days=window_days(), month__gte=months[0], month__lte=months[-1])
        .values_list("month", "municipalities")
    )
    counts: list[int | None] = [
        kept.get(month) if day == month_end(month) else None for month, day in zip(months, days, strict=True)
    ]
    missing = [i for i, count in enumerate(counts) if count is None]
    for i, count in zip(missing, count_observed(code, [days[i] for i in missing]), strict=True):
        counts[i] = count
    return [count or 0 for count in counts]


def month_points(as_of: date, start: date = EARLIEST_AS_OF) -> tuple[list[date], list[date]]:
    """The months from `start` to `as_of`'s month, and the day each is measured on (its last day,
    or `as_of` for the running month)."""
    months, days = [], []
    month = month_start(start)
    while month <= as_of:
        months.append(month)
        days.append(min(month_end(month), as_of))
        month = add_months(month, 1)
    return months, days


def past_months(today: date | None = None) -> list[date]:
    """The months whose figures can be kept: from EARLIEST_AS_OF's to the one before `today`'s."""
    months, _ = month_points(month_start(today or timezone.localdate()) - timedelta(days=1))
    return months


def keep_missing(code: str, today: date | None = None) -> int:
    """Count and keep the past points (the month-ends before `today`'s month) that are not kept;
    returns how many. Run where the rollups cannot change meanwhile (the import's transaction)."""
    months = past_months(today)
    if not months:
        return 0
    window = window_days()
    kept = set(
        ObservedTrendPoint.objects.using("default")
        .filter(service=code, window_days=window, month__gte=months[0])
        .values_list("month", flat=True)
    )
    missing = [month for month in months if month not in kept]
    if not missing:
        return 0
    counts = count_observed(code, [month_end(month) for month in missing], using="default")
    ObservedTrendPoint.objects.bulk_create(
        [
            ObservedTrendPoint(service=code, window_days=window, month=month, municipalities=count)
            for month, count in zip(missing, counts, strict=True)
        ],
        ignore_conflicts=True,
    )
    return len(missing)


def count_observed(code: str, days: list[date], using: str | None = None) -> list[int]:
    """How many municipalities used the service in the window ending on each of `days` (sorted).

    An active month (first and last active day, over all its query types) meets the window ending
    on day p exactly when first <= p <= last + (window - 1): a window of 31 days or more is longer
    than any month, so one of the two days falls inside it. Each active month is thus a run of
    consecutive `days` [lo, hi); one query, ordered by municipality, lets the runs of one municipality
    be merged as they come and each merged run be counted once (+1 at its start, −1 after its end),
    instead of collecting a set of municipalities per day. Only the months that can meet a window
    are read (from the first day's window on). The bisections are cached per date: first and last
    days repeat (month ends, mostly). The rows come through a plain cursor: tens of thousands of
    tuples, which the ORM's iteration would double. (Merging the runs in SQL with window functions
    was measured slower: the sort costs more than this loop.)
    """
    if not days:
        return []
    span = timedelta(days=window_days() - 1)
    ends = [day - span for day in days]  # last + span <= day  <=>  last <= day - span
    starts: dict[date, int] = {}
    stops: dict[date, int] = {}
    changes = [0] * (len(days) + 1)
    rollup = USAGE_ROLLUPS[code]
    table = rollup._meta.db_table
    if any(field.name == "query_type" for field in rollup._meta.fields):  # RegiX: a row per query type
        sql = (
            f"SELECT municipality_id, min(first_day) AS f, max(last_day) FROM {table} "  # noqa: S608 - the model's table
            "WHERE month >= %s AND first_day IS NOT NULL AND first_day <= %s "
            "GROUP BY municipality_id, month ORDER BY municipality_id, month"
        )
    else:  # one row per municipality and month already (SEOS); an active month has both days
        sql = (
            f"SELECT municipality_id, first_day, last_day FROM {table} "  # noqa: S608 - the model's table
            "WHERE month >= %s AND first_day IS NOT NULL AND first_day <= %s ORDER BY municipality_id, month"
        )
    with connections[using or router.db_for_read(rollup)].cursor() as cursor:
        cursor.execute(sql, [month_start(days[0] - span), days[-1]])
        rows: list[tuple[int, date, date]] = cursor.fetchall()
    current, run_lo, run_hi = None, 0, 0
    for municipality_id, first, last in rows:
        lo = starts.get(first)
        if lo is None:
            lo = starts[first] = bisect_left(days, first)
        hi = stops.get(last)
        if hi is None:
            hi = stops[last] = bisect_right(ends, last)
        if municipality_id == current and lo <= run_hi:
            if hi > run_hi:
                run_hi = hi
            continue
        if current is not None and run_lo < run_hi:
            changes[run_lo] += 1
            changes[run_hi] -= 1
        current, run_lo, run_hi = municipality_id, lo, hi
    if current is not None and run_lo < run_hi:
        changes[run_lo] += 1
        changes[run_hi] -= 1
    counts, running = [], 0
    for change in changes[:-1]:
        running += change
        counts.append(running)
    return counts
