"""Plausible demo histories of declared adoption, consistent with the published figures in
../shared/data/timeline.csv: 14 named SEOS participants by 2017-10-09, 80 by 2017-12-05,
220 municipalities real SEOS participants by 2018-10-02, 49 using RegiX by 2018-08-31, nearly
all of them on both today. Deterministic (a fixed seed) and idempotent: a pair that already
has a declaration is left alone.

Worth looking at (issue 12): eAuth, ePayment and backup are still rolling out, so some municipalities
reach them within the last 30 days and many within the year; a few SEOS and RegiX participants are
suspended recently; about a third of the declarations were last confirmed more than 180 days ago
(stale); the municipalities that stop short are the laggards.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from adoption.choices import ChangeKind, Verification
from adoption.models import Adoption, AdoptionChange, Service
from municipalities.models import Municipality

DEMO_COMMENT = "Демонстрационни данни"
# Left at the first stage so the walkthrough (an officer of Варна requests RegiX access) works.
UNTOUCHED = {("VAR06", "regix")}
SEOS_NAMED_FIRST = [
    "Родопи", "Руен", "Челопеч", "Димитровград", "Стралджа", "Антон", "Мирково",
    "Струмяни", "Каолиново", "Кричим", "Брусарци", "Чавдар", "Крушари", "Искър",
]  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """When a service's adopted stage is reached, by rank: (rank below, date) breakpoints."""

    service: str
    steps: list[str]  # stage codes in the order a municipality walks them to adoption
    breakpoints: list[tuple[int, date | None]]  # ranks below the first number adopted by that date; None: today
    adopted_total: int  # how many adopted today; the rest stop one or two steps short
    suspended: int = 0  # of the adopted, how many were suspended in the last months


PLANS = [
    Plan(
        "seos",
        ["applied", "test", "real"],
        [(0, date(2017, 6, 1)), (14, date(2017, 10, 9)), (80, date(2017, 12, 5)), (101, date(2018, 2, 28)),
         (220, date(2018, 10, 2)), (262, date(2021, 12, 31))],
        262,
        suspended=2,
    ),
    Plan(
        "regix",
        ["access_requested", "access_granted", "production"],
        [(0, date(2017, 9, 1)), (49, date(2018, 8, 31)), (150, date(2019, 12, 31)), (250, date(2023, 6, 30))],
        250,
        suspended=3,
    ),
    Plan("edelivery", ["applied", "active"], [(0, date(2019, 3, 1)), (240, date(2022, 12, 31))], 240),
    Plan("eauth", ["requested", "test", "production"],
         [(0, date(2020, 5, 1)), (120, date(2025, 6, 30)), (150, None)], 150),
    Plan("epayment", ["applied", "registered", "accepting"],
         [(0, date(2018, 6, 1)), (200, date(2024, 6, 30)), (215, None)], 215),
    Plan("backup", ["requested", "allocated", "regular"],
         [(0, date(2021, 1, 1)), (90, date(2025, 10, 31)), (112, None)], 112),
]  # fmt: skip


def _date_for_rank(rank: int, breakpoints: list[tuple[int, date | None]], today: date) -> date:
    points = [(count, day or today - timedelta(days=1)) for count, day in breakpoints]  # None: until yesterday
    for (low, start), (high, end) in zip(points, points[1:], strict=False):
        if rank < high:
            span = (end - start).days
            return start + timedelta(days=1 + (span - 1) * (rank - low) // (high - low))
    return points[-1][1]


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _ordered(municipalities: list, plan: Plan, rng: random.Random) -> list:
    """A shuffled adoption order; for SEOS the municipalities the press named come first."""
    order = sorted(municipalities, key=lambda m: rng.random())
    order = [m for m in order if (m.code, plan.service) not in UNTOUCHED]
    if plan.service == "seos":
        order.sort(key=lambda m: m.name_bg not in SEOS_NAMED_FIRST)
    return order


def _walk(plan: Plan, rank: int, rng: random.Random, today: date) -> list[tuple[str, date]]:
    """The (stage code, date) steps of the municipality at this rank, ending on or before today."""
    if rank < plan.adopted_total:
        steps = plan.steps
        final = min(_date_for_rank(rank, plan.breakpoints, today), today - timedelta(days=1))
    else:  # not adopted: stopped one or more steps short, recently
        steps = plan.steps[: rng.randint(1, len(plan.steps) - 1)]
        final = today - timedelta(days=rng.randint(20, 400))
    gaps = [rng.randint(15, 60) for _ in steps]
    walk = [(code, final - timedelta(days=sum(gaps[i + 1 :]))) for i, code in enumerate(steps)]
    middle = plan.adopted_total // 2  # mid-table adopters (the named pioneers keep their history)
    if middle <= rank < middle + plan.suspended:
        walk.append(("suspended", today - timedelta(days=rng.randint(5, 100))))
    return walk


def _records(municipality, service, walk, rng: random.Random, today: date) -> tuple[Adoption, list[AdoptionChange]]:
    """The history entries and the current declaration for one walk."""
    stages = {s.code: s for s in service.stages.all()}
    previous = min(stages.values(), key=lambda s: s.order)
    changes = []
    for code, day in walk:
        changes.append(
            AdoptionChange(
                municipality=municipality, service=service, kind=ChangeKind.STAGE, from_stage=previous,
                to_stage=stages[code], effective_date=day, comment=DEMO_COMMENT, created_at=_at(day),
            )
        )  # fmt: skip
        previous = stages[code]
    since = walk[-1][1]
    set_at = _at(since)
    confirmed = _at(today - timedelta(days=rng.choice([10, 40, 90, 150, 150, 150, 200, 400])))
    recent = (today - since).days < 60
    adoption = Adoption(
        municipality=municipality, service=service, stage=previous, since=since, comment=DEMO_COMMENT,
        set_at=set_at, last_confirmed_at=max(confirmed, set_at),
        verification=Verification.UNVERIFIED if recent else Verification.VERIFIED,
        verified_at=None if recent else set_at + timedelta(days=3),
    )  # fmt: skip
    return adoption, changes


def seed_demo_adoption(seed: int = 2018) -> int:
    """Create demo declarations and histories for pairs without one; return how many."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    municipalities = list(Municipality.objects.order_by("code").only("id", "code", "name_bg"))
    services = {s.code: s for s in Service.objects.prefetch_related("stages")}
    existing = set(Adoption.objects.values_list("municipality_id", "service__code"))
    today = timezone.localdate()
    adoptions, changes = [], []
    for plan in PLANS:
        service = services.get(plan.service)
        if service is None:
            continue
        for rank, municipality in enumerate(_ordered(municipalities, plan, rng)):
            walk = _walk(plan, rank, rng, today)
            if (municipality.id, plan.service) in existing:
                continue
            adoption, entries = _records(municipality, service, walk, rng, today)
            adoptions.append(adoption)
            changes.extend(entries)
    with transaction.atomic():
        AdoptionChange.objects.bulk_create(changes, batch_size=1000)
        Adoption.objects.bulk_create(adoptions, batch_size=1000)
    return len(adoptions)
