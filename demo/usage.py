"""Realistic demo usage files in the contract's format, deterministic for a given seed.

Adoption spreads along curves drawn through the published figures of ../shared/data/timeline.csv
(RegiX: 49 municipal administrations by 2018-08-31; SEOS: the 14 named pioneers by 2017-10-09, 80 by
2017-12-05, 220 real participants by 2018-10-02; nearly all today). Larger municipalities tend to
adopt earlier and query more; weekends and Bulgarian public holidays are quiet.

Worth looking at (issue 12), relative to the day the files are made: a few municipalities began in the
last weeks and the last year (change against 30 days and a year ago), a few small ones stopped using
RegiX some five months ago (observed a year ago, not now: discrepancies to act on), and last month's
RegiX file carries three bad rows (rejected rows on the batches page).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

from django.utils import timezone

from catalog.models import QueryType
from municipalities.models import Municipality

REGIX_CURVE = [
    (dt.date(2016, 4, 1), 0),
    (dt.date(2017, 6, 30), 15),
    (dt.date(2018, 8, 31), 49),
    (dt.date(2019, 6, 30), 110),
    (dt.date(2020, 12, 31), 190),
    (dt.date(2022, 12, 31), 240),
    (dt.date(2025, 6, 30), 258),
]
SEOS_CURVE = [
    (dt.date(2017, 3, 1), 0),
    (dt.date(2017, 10, 9), 14),
    (dt.date(2017, 12, 5), 80),
    (dt.date(2018, 2, 28), 100),
    (dt.date(2018, 10, 2), 220),
    (dt.date(2019, 12, 31), 250),
    (dt.date(2022, 6, 30), 262),
]
# After the curve's last date: (days before today, adopters beyond its last count).
RECENT_REGIX = [(365, 1), (60, 3), (10, 5)]
# Named in the press on 2017-10-09 as the first real SEOS participants.
SEOS_PIONEERS = [
    "Родопи", "Руен", "Челопеч", "Димитровград", "Стралджа", "Антон", "Мирково",
    "Струмяни", "Каолиново", "Кричим", "Брусарци", "Чавдар", "Крушари", "Искър",
]  # fmt: skip
# Registers a municipal administration typically queries, most used first.
POPULAR_REGISTERS = ["GRAO/NBD", "GRAO/BR", "AV/TR", "AV/PropertyReg", "MVR/BDS", "NRA", "NOI", "ASP", "GRAO"]


class Scale(TypedDict):
    volume: float  # a share of the full volumes
    max_ops: int  # query types per adopter at most
    seos_share: float


SCALES: dict[str, Scale] = {
    "small": {"volume": 0.25, "max_ops": 2, "seos_share": 0.5},
    "full": {"volume": 1.0, "max_ops": 12, "seos_share": 1},
}


@dataclass
class Adopter:
    code: str
    name: str
    population: int
    regix_from: dt.date | None
    seos_from: dt.date | None
    operations: list[tuple[str, float]]
    regix_until: dt.date | None = None  # stopped using RegiX on this day


def orthodox_easter(year: int) -> dt.date:
    """Meeus' Julian algorithm, moved to the Gregorian calendar (valid 1900–2099)."""
    a, b, c = year % 4, year % 7, year % 19
    d = (19 * c + 15) % 30
    e = (2 * a + 4 * b - d + 34) % 7
    month, day = divmod(d + e + 114, 31)
    return dt.date(year, month, day + 1) + dt.timedelta(days=13)


def public_holidays(year: int) -> set[dt.date]:
    fixed = {(1, 1), (3, 3), (5, 1), (5, 6), (5, 24), (9, 6), (9, 22), (12, 24), (12, 25), (12, 26)}
    easter = orthodox_easter(year)
    return {dt.date(year, m, d) for m, d in fixed} | {easter + dt.timedelta(days=n) for n in (-2, -1, 0, 1)}


def is_working_day(day: dt.date, holidays: set[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def _date_for_rank(curve: list[tuple[dt.date, int]], rank: int) -> dt.date | None:
    """The day the curve reaches rank + 0.5 adopters; None if it never does."""
    target = rank + 0.5
    for (d0, n0), (d1, n1) in zip(curve, curve[1:], strict=False):
        if n0 <= target <= n1:
            return d0 + dt.timedelta(days=math.ceil((target - n0) / (n1 - n0) * (d1 - d0).days))
    return None


def _next_working_day(day: dt.date) -> dt.date:
    holidays = public_holidays(day.year) | public_holidays(day.year + 1)
    while not is_working_day(day, holidays):
        day += dt.timedelta(days=1)
    return day


def plan_adopters(rng: random.Random, max_ops: int) -> list[Adopter]:
    municipalities = list(Municipality.objects.order_by("code").values_list("code", "name_bg", "population"))
    operations = _operation_pool()

    def eagerness(row) -> float:
        return math.log10(max(row[2], 1000)) + rng.gauss(0, 0.6)

    regix_order = sorted(municipalities, key=eagerness, reverse=True)
    seos_order = sorted(municipalities, key=lambda row: (row[1] not in SEOS_PIONEERS, -eagerness(row)))
    today = timezone.localdate()
    # The last few join in the last year, one of them in the last month (changes to see on the overview).
    regix_last = REGIX_CURVE[-1][1]
    regix_curve = [*REGIX_CURVE, *[(today - dt.timedelta(days=days), regix_last + n) for days, n in RECENT_REGIX]]
    seos_curve = [*SEOS_CURVE, (today - dt.timedelta(days=200), SEOS_CURVE[-1][1] + 1)]
    seos_curve.append((today - dt.timedelta(days=15), SEOS_CURVE[-1][1] + 2))
    regix_from = {row[0]: _date_for_rank(regix_curve, rank) for rank, row in enumerate(regix_order)}
    seos_from = {row[0]: _date_for_rank(seos_curve, rank) for rank, row in enumerate(seos_order)}
    adopters = []
    for code, name, population in municipalities:
        regix_day, seos_day = regix_from[code], seos_from[code]
        count = max(1, min(max_ops, 2 + int(math.log2(max(population, 2000) / 2000))))
        chosen = operations[:1] + rng.sample(operations[1:], count - 1)
        weights = [1 / (index + 1) ** 1.2 for index in range(count)]
        total = sum(weights)
        adopters.append(
            Adopter(
                code=code,
                name=name,
                population=population,
                regix_from=_next_working_day(regix_day) if regix_day else None,
                seos_from=_next_working_day(seos_day) if seos_day else None,
                operations=[(op, weight / total) for op, weight in zip(chosen, weights, strict=True)],
            )
        )
    _stop_a_few(adopters, today, random.Random(len(adopters)))  # noqa: S311 -- own draws: other rows unchanged
    return adopters


def _stop_a_few(adopters: list[Adopter], today: dt.date, rng: random.Random) -> None:
    """Five small municipalities that used RegiX for years stopped some five months ago."""
    long_ago = today - dt.timedelta(days=3 * 365)
    candidates = [a for a in adopters if a.regix_from and a.regix_from < long_ago and a.population < 15_000]
    for adopter in rng.sample(candidates, min(5, len(candidates))):
        adopter.regix_until = today - dt.timedelta(days=rng.randint(130, 170))


def _operation_pool() -> list[str]:
    pool: list[str] = []
    for prefix in POPULAR_REGISTERS:
        for operation in QueryType.objects.filter(register__code__startswith=prefix).order_by("operation"):
            if operation.operation not in pool:
                pool.append(operation.operation)
    person = "TechnoLogica.RegiX.GraoNBDAdapter.APIService.INBDAPI.PersonDataSearch"
    if person in pool:
        pool.remove(person)
        pool.insert(0, person)
    return pool[:30]


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 20:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _ramp(start: dt.date, day: dt.date) -> float:
    """Usage starts low and grows over the first year, then keeps growing slowly."""
    years = (day - start).days / 365
    return min(1.0, 0.25 + 0.75 * years) * (1 + 0.08 * years)


def regix_rows(adopters: list[Adopter], day: dt.date, working: bool, rng: random.Random, volume: float):
    for adopter in adopters:
        if adopter.regix_from is None or day < adopter.regix_from:
            continue
        if adopter.regix_until is not None and day >= adopter.regix_until:
            continue
        total = 40 * volume * (adopter.population / 10_000) ** 1.1 * _ramp(adopter.regix_from, day)
        if not working:
            total *= 0.03
        for operation, weight in adopter.operations:
            requests = poisson(rng, total * weight)
            if day == adopter.regix_from and operation == adopter.operations[0][0]:
                requests = max(requests, 1)  # the first day of use is a day of use
            if requests:
                yield day, adopter.code, operation, requests, sum(rng.random() < 0.02 for _ in range(min(requests, 50)))


def seos_rows(adopters: list[Adopter], day: dt.date, working: bool, rng: random.Random, volume: float, share: float):
    for adopter in adopters:
        if adopter.seos_from is None or day < adopter.seos_from:
            continue
        level = 3 * volume * (adopter.population / 10_000) ** 0.8 * _ramp(adopter.seos_from, day)
        if not working:
            level *= 0.03
        if day != adopter.seos_from and adopter.population < 20_000 and rng.random() > share:
            continue
        sent, received = poisson(rng, level), poisson(rng, level * 1.3)
        if day == adopter.seos_from:
            sent = max(sent, 1)
        if sent or received:
            yield day, adopter.code, sent, received


def months(since: dt.date, until: dt.date) -> Iterator[tuple[dt.date, dt.date]]:
    start = since.replace(day=1)
    while start <= until:
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        yield max(start, since), min(end, until)
        start = end + dt.timedelta(days=1)


def generate(
    out: Path,
    since: dt.date,
    until: dt.date,
    scale: str = "small",
    seed: int = 2018,
    on_month: Callable[[dt.date, list[Path], int], None] | None = None,
) -> list[Path]:
    """Write one RegiX and one SEOS file per month into `out`; return the paths written.
    `on_month(first day, files written, rows)` is called after each month (progress)."""
    settings = SCALES[scale]
    rng = random.Random(seed)  # noqa: S311 -- demo data, seeded so every run writes the same files
    adopters = plan_adopters(rng, settings["max_ops"])
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for first, last in months(since, until):
        holidays = public_holidays(first.year)
        regix, seos = [], []
        day = first
        while day <= last:
            working = is_working_day(day, holidays)
            regix.extend(regix_rows(adopters, day, working, rng, settings["volume"]))
            seos.extend(seos_rows(adopters, day, working, rng, settings["volume"], settings["seos_share"]))
            day += dt.timedelta(days=1)
        month_files = []
        if regix:
            month_files.append(_write_regix(out, first, regix, adopters))
        if seos:
            month_files.append(_write_seos(out, first, seos))
        written.extend(month_files)
        if on_month is not None:
            on_month(first, month_files, len(regix) + len(seos))
    return written


# Where the odd files go: one Windows-1251 file with a few malformed rows, one gzip, one with `;`
# and dotted dates, one JSON Lines file.
def _special(month: dt.date, kind: str) -> str:
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    if (month, kind) == (last_month, "regix"):
        return "bad_rows"
    return {
        (dt.date(2019, 3, 1), "regix"): "cp1251",
        (dt.date(2021, 11, 1), "regix"): "gzip",
        (dt.date(2020, 6, 1), "seos"): "semicolon",
        (dt.date(2022, 2, 1), "seos"): "jsonl",
    }.get((month, kind), "")


def _write_regix(out: Path, month: dt.date, rows: list, adopters: list[Adopter]) -> Path:
    special = _special(month, "regix")
    stem = f"regix-{month:%Y-%m}"
    if special == "cp1251":
        names = {adopter.code: adopter.name for adopter in adopters}
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["date", "municipality", "operation", "requests", "errors", "община"])
        for day, code, operation, requests, errors in rows:
            writer.writerow([day.isoformat(), code, operation, requests, errors, names[code]])
        first = rows[0]
        writer.writerow([first[0].isoformat(), "Бяла", first[2], 3, 0, "Бяла"])
        writer.writerow([first[0].isoformat(), first[1], "TechnoLogica.RegiX.Retired.APIService.IOld.Search", 2, 0, ""])
        path = out / f"{stem}.csv"
        path.write_bytes(buffer.getvalue().encode("cp1251"))
        return path
    lines = ["date,municipality,operation,requests,errors"]
    lines += [
        f"{day.isoformat()},{code},{operation},{requests},{errors}" for day, code, operation, requests, errors in rows
    ]
    if special == "bad_rows":  # an unknown municipality, errors above requests, a day that does not exist
        day, code, operation = rows[-1][0], rows[-1][1], rows[-1][2]
        lines += [f"{day.isoformat()},XXX99,{operation},3,0", f"{day.isoformat()},{code},{operation},1,4"]
        lines.append(f"{day:%Y-%m}-32,{code},{operation},2,0")
    if special == "gzip":
        first = rows[0]
        lines.append(f"{first[0].isoformat()},{first[1]},{first[2]},1,5")  # errors above requests
        path = out / f"{stem}.csv.gz"
        path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0))
        return path
    path = out / f"{stem}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _write_seos(out: Path, month: dt.date, rows: list) -> Path:
    special = _special(month, "seos")
    stem = f"seos-{month:%Y-%m}"
    if special == "jsonl":
        path = out / f"{stem}.jsonl"
        path.write_text(
            "".join(
                json.dumps({"date": day.isoformat(), "municipality": code, "sent": sent, "received": received}) + "\n"
                for day, code, sent, received in rows
            ),
            encoding="utf-8",
        )
        return path
    if special == "semicolon":
        lines = ["date;municipality;sent;received"]
        lines += [f"{day:%d.%m.%Y};{code};{sent};{received}" for day, code, sent, received in rows]
        lines += [f"31.02.2020;{rows[0][1]};1;1", f"{rows[0][0]:%d.%m.%Y};{rows[0][1]};-3;1"]
        path = out / f"{stem}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
    lines = ["date,municipality,sent,received"]
    lines += [f"{day.isoformat()},{code},{sent},{received}" for day, code, sent, received in rows]
    path = out / f"{stem}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
