"""Turning stored payloads into what the open pages show: labels in the visitor's language,
shares, the map and the trend chart. Pure functions of the payloads; no query except the
map's boundaries (cached by the dashboards)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from adoption.choices import ServiceCode
from dashboards.charts import Chart, Series
from dashboards.maps import MapCategory, MapValue, NationalMap, national_map
from municipalities.choices import PopulationBand
from scoring.choices import Band, PeerScope, band_of
from scoring.models import IndexMethod

from .schema import CHANGE_KINDS


def english() -> bool:
    return (get_language() or "bg").startswith("en")


def label(item: dict[str, Any], prefix: str = "") -> str:
    """The name in the visitor's language (`name_en` / `name_bg`, or `<prefix>name_…`)."""
    return item[f"{prefix}name_en"] if english() and item.get(f"{prefix}name_en") else item[f"{prefix}name_bg"]


def iso(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Catalogue:
    """The services and stages of an edition, by code, for labelling cells."""

    services: dict[str, dict]
    stages: dict[tuple[str, str], dict]

    @classmethod
    def of(cls, national: dict) -> Catalogue:
        return cls(
            services={s["code"]: s for s in national["services"]},
            stages={(s["code"], st["code"]): st for s in national["services"] for st in s["stages"]},
        )

    def service(self, code: str) -> str:
        return label(self.services[code])

    def short(self, code: str) -> str:
        return self.service(code).split(" (")[0]

    def stage(self, service: str, stage: str | None) -> str:
        return label(self.stages[(service, stage)]) if stage else "–"


def share(part: int | None, whole: int) -> Decimal | None:
    """The share rounded half-up to a tenth of a percent (the `percent` filter only truncates)."""
    if part is None or not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def service_rows(national: dict) -> list[dict]:
    whole = national["municipalities"]
    return [
        {
            "code": s["code"],
            "name": label(s),
            "short": label(s).split(" (")[0],
            "declared": s["declared"],
            "declared_share": share(s["declared"], whole),
            "observed": s["observed"],
            "observed_share": share(s["observed"], whole),
            "stages": [{"name": label(st), "count": s["at_stage"].get(st["code"], 0)} for st in s["stages"]],
        }
        for s in national["services"]
    ]


def cells(municipality: dict, catalogue: Catalogue) -> list[dict]:
    return [
        {
            "service": cell["service"],
            "name": catalogue.service(cell["service"]),
            "short": catalogue.short(cell["service"]),
            "stage": catalogue.stage(cell["service"], cell["stage"]),
            "adopted": cell["adopted"],
            "since": iso(cell["since"]),
            "observed": cell["observed"],
            "usage": cell["usage"],
        }
        for cell in municipality["services"]
    ]


def municipality_href(edition_slug: str, code: str) -> str:
    return reverse("opendata:municipality", kwargs={"edition": edition_slug, "code": code})


def adoption_map(edition_slug: str, national: dict, municipalities: list[dict]) -> NationalMap:
    """Each municipality coloured by which of RegiX and SEOS it has adopted (verified declarations)."""
    labels = {
        "both": _("RegiX and SEOS"),
        ServiceCode.REGIX.value: _("RegiX only"),
        ServiceCode.SEOS.value: _("SEOS only"),
        "neither": _("Neither"),
    }
    fills = {"both": 4, ServiceCode.REGIX.value: 2, ServiceCode.SEOS.value: 6, "neither": 0}
    categories = [MapCategory(key, str(text), fill=fills[key]) for key, text in labels.items()]
    rows, values = [], {}
    for m in municipalities:
        adopted = {c["service"] for c in m["services"] if c["adopted"]}
        key = (
            "both"
            if {ServiceCode.REGIX, ServiceCode.SEOS} <= adopted
            else ServiceCode.REGIX.value
            if ServiceCode.REGIX in adopted
            else ServiceCode.SEOS.value
            if ServiceCode.SEOS in adopted
            else "neither"
        )
        name, province = label(m), label(m, "province_")
        rows.append(
            SimpleNamespace(
                code=m["code"], name=name, province=province, href=municipality_href(edition_slug, m["code"])
            )
        )
        values[m["code"]] = MapValue(
            category=key,
            details=f"{name}, {province}: {labels[key]}",
            figures=(number_format(m["population"], force_grouping=True),),
        )
    title = _("Declared adoption of RegiX and SEOS on %(date)s (verified declarations)") % {
        "date": date_format(date.fromisoformat(national["as_of"]), "SHORT_DATE_FORMAT")
    }
    return national_map(str(title), rows, values, categories, (str(_("Population")),))


def trend_chart(national: dict, catalogue: Catalogue, csv_url: str) -> Chart:
    trend = national["trend"]
    series = []
    for s in trend["series"]:
        name = catalogue.short(s["service"])
        series.append(Series(_("%(service)s declared") % {"service": name}, s["declared"]))
        if s["observed"] is not None:
            series.append(Series(_("%(service)s observed") % {"service": name}, s["observed"]))
    return Chart(
        key="trend",
        title=str(_("Municipalities adopting each service, month by month since 2016")),
        x_title=str(_("Month")),
        y_title=str(_("Municipalities")),
        x=[date.fromisoformat(m) for m in trend["months"]],
        series=series,
        csv_url=csv_url,
    )


def changes(national: dict, catalogue: Catalogue, edition_slug: str) -> list[dict]:
    result = []
    for change in national["changes"]:
        kind = change["kind"]
        what = str(CHANGE_KINDS[kind])
        if kind == "stage":
            code = change["service"]
            what = f"{catalogue.stage(code, change['from_stage'])} → {catalogue.stage(code, change['to_stage'])}"
        result.append(
            {
                "kind": kind,
                "kind_label": str(CHANGE_KINDS[kind]),
                "municipality": label(change, "municipality_"),
                "href": municipality_href(edition_slug, change["municipality"]),
                "service": catalogue.short(change["service"]),
                "what": what,
            }
        )
    return result


def band_label(band: str) -> str:
    return str(PopulationBand(band).label)


def peers(national: dict, municipality: dict, catalogue: Catalogue) -> dict:
    """The municipality's population band: how many peers, and how many of them adopted each service."""
    band = next(b for b in national["bands"] if b["band"] == municipality["population_band"])
    rows = []
    for count in band["services"]:
        rows.append(
            {
                "name": catalogue.short(count["service"]),
                "declared": count["declared"],
                "declared_share": share(count["declared"], band["municipalities"]),
                "observed": count["observed"],
                "observed_share": share(count["observed"], band["municipalities"]),
            }
        )
    return {"label": band_label(band["band"]), "municipalities": band["municipalities"], "services": rows}


def index_figure(item: dict) -> dict | None:
    """An index (of a municipality, a province or the country) with its colour band and the method
    version that computed it; None when the edition has none."""
    value = item.get("index")
    if value is None:
        return None
    band = band_of(value)
    method = item["index_method"]
    return {
        "value": value,
        "band": band,
        "band_label": str(Band(band).label),
        "method": method,
        "method_href": IndexMethod(version=method).get_absolute_url(),
    }


def peer_ranks(municipality: dict) -> list[dict]:
    """The municipality's rank by index among its peers, in the country and then in its province."""
    ranks = {rank["scope"]: rank for rank in municipality.get("peer_ranks", [])}
    return [{**ranks[scope], "label": str(scope.label)} for scope in PeerScope if scope in ranks]


BADGE_LINE = 16  # px between the badge's lines of text


def badge_lines(cells: list[dict], with_index: bool) -> dict:
    """Where the SVG badge writes each service (a baseline per line) and how tall it is: the name,
    the index when there is one, then one line per service."""
    first = 58 if with_index else 38  # the name's baseline is 18, the index's 38
    lines = [{**cell, "y": first + BADGE_LINE * i} for i, cell in enumerate(cells)]
    return {"lines": lines, "height": (lines[-1]["y"] if lines else first) + 10}
