"""What the dashboards add to a municipality's page: monthly usage, top query types, peers.

The stage, since, verification and history of every service are the adoption app's section of
the same page; this module adds the usage side and the comparison with similar municipalities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, Sum

from catalog.models import QueryType
from municipalities.models import Municipality
from usage.models import RegixMonthlyUsage, SeosMonthlyUsage

from .snapshots import add_months, all_services, latest_stages, month_start

PEERS = 5
MONTHS_SHOWN = 36


@dataclass(frozen=True)
class MonthlyUsage:
    months: list[date]
    regix_requests: list[int]
    seos_sent: list[int]
    seos_received: list[int]


@dataclass(frozen=True)
class TopQueryType:
    name: str
    operation: str
    register: str
    requests: int


@dataclass(frozen=True)
class Peer:
    code: str
    name: str
    href: str
    population: int
    stages: dict[str, str]  # service code -> current stage name
    adopted: dict[str, bool]
    regix_per_1000: float | None  # RegiX queries per 1,000 inhabitants in the last 12 months
    seos_documents: int
    is_self: bool


@dataclass(frozen=True)
class MunicipalityUsage:
    as_of: date
    usage: MonthlyUsage
    first_month_top: date
    top_query_types: list[TopQueryType]
    services: list[tuple[str, str]]  # (code, short name) of the peers table's columns
    peers: list[Peer]


def municipality_usage(municipality: Municipality, as_of: date) -> MunicipalityUsage:
    """The last 36 months of use, the top query types of the last 12, and the peers (about 8 queries)."""
    last = month_start(as_of)
    months = [add_months(last, -i) for i in range(MONTHS_SHOWN - 1, -1, -1)]
    position = {m: i for i, m in enumerate(months)}
    requests, sent, received = [0] * len(months), [0] * len(months), [0] * len(months)
    for month, total in (
        RegixMonthlyUsage.objects.filter(municipality=municipality, month__gte=months[0], month__lte=last)
        .values("month")
        .annotate(total=Sum("requests"))
        .values_list("month", "total")
    ):
        requests[position[month]] = total
    for month, s, r in SeosMonthlyUsage.objects.filter(
        municipality=municipality, month__gte=months[0], month__lte=last
    ).values_list("month", "sent", "received"):
        sent[position[month]], received[position[month]] = s, r
    first_top = add_months(last, -11)
    return MunicipalityUsage(
        as_of=as_of,
        usage=MonthlyUsage(months=months, regix_requests=requests, seos_sent=sent, seos_received=received),
        first_month_top=first_top,
        top_query_types=_top_query_types(municipality, first_top, last),
        **_peers(municipality, as_of, first_top, last),
    )


def _top_query_types(municipality: Municipality, first: date, last: date, limit: int = 10) -> list[TopQueryType]:
    rows = list(
        RegixMonthlyUsage.objects.filter(municipality=municipality, month__gte=first, month__lte=last)
        .values("query_type_id")
        .annotate(total=Sum("requests"))
        .order_by("-total", "query_type_id")
        .values_list("query_type_id", "total")[:limit]
    )
    types = QueryType.objects.select_related("register").in_bulk([type_id for type_id, _ in rows])
    return [
        TopQueryType(types[t].name, types[t].short_name, types[t].register.code, total) for t, total in rows if total
    ]


def _peers(municipality: Municipality, as_of: date, first: date, last: date) -> dict[str, Any]:
    """The municipality and its nearest in population (by ratio) in the same province."""
    candidates = list(
        Municipality.objects.filter(province_id=municipality.province_id).only(
            "code", "name_bg", "name_en", "population"
        )
    )

    def distance(m: Municipality) -> float:
        return abs(math.log(max(m.population, 1) / max(municipality.population, 1)))

    chosen = sorted(candidates, key=lambda m: (m.pk != municipality.pk, distance(m), m.code))[: PEERS + 1]
    ids = [m.pk for m in chosen]
    services = all_services()
    codes = {s.id: s.code for s in services}
    stages = {stage.id: stage for s in services for stage in s.stages.all()}
    current = {
        (m_id, codes[s_id]): stages[stage_id]
        for m_id, s_id, stage_id, _ in latest_stages(as_of).filter(municipality_id__in=ids)
        if s_id in codes
    }
    regix = dict(
        RegixMonthlyUsage.objects.filter(municipality_id__in=ids, month__gte=first, month__lte=last)
        .values("municipality_id")
        .annotate(total=Sum("requests"))
        .values_list("municipality_id", "total")
    )
    seos = dict(
        SeosMonthlyUsage.objects.filter(municipality_id__in=ids, month__gte=first, month__lte=last)
        .values("municipality_id")
        .annotate(total=Sum(F("sent") + F("received")))
        .values_list("municipality_id", "total")
    )
    peers = []
    for m in sorted(chosen, key=lambda m: -m.population):
        here = {s.code: current.get((m.pk, s.code)) or s.first_stage() for s in services}
        peers.append(
            Peer(
                code=m.code,
                name=m.name,
                href=m.get_absolute_url(),
                population=m.population,
                stages={code: stage.name if stage else "" for code, stage in here.items()},
                adopted={code: bool(stage and stage.counts_as_adopted) for code, stage in here.items()},
                regix_per_1000=(regix.get(m.pk) or 0) * 1000 / m.population if m.population else None,
                seos_documents=seos.get(m.pk) or 0,
                is_self=m.pk == municipality.pk,
            )
        )
    return {"services": [(s.code, s.name.split(" (")[0]) for s in services], "peers": peers}
