"""The index table: one definition for the screen and the export (rows are `index.IndexRow`s)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dashboards.tables import short_name
from municipalities.choices import PopulationBand

from .choices import Band

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


def one_decimal(value) -> str:
    return number_format(value, decimal_pos=1, force_grouping=True)


class IndexColumn(tables.Column):
    """The index with its colour band."""

    def render(self, value, record):
        return format_html(
            '<span class="index-band band-{}" title="{}">{}</span>',
            record.band,
            Band(record.band).label,
            one_decimal(value),
        )

    def value(self, value):
        return str(value)


class ServiceScoreColumn(tables.Column):
    def __init__(self, service, **kwargs) -> None:
        super().__init__(
            verbose_name=_("%(service)s: score") % {"service": short_name(service)},
            accessor=tables.A(f"services__{service.code}__score"),
            attrs=NUM,
            **kwargs,
        )

    def render(self, value):
        return one_decimal(value)

    def value(self, value):
        return str(value)


class IndexTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"))
    name = tables.Column(
        verbose_name=_("Municipality"), order_by=("name_bg", "code"), linkify=lambda record: record.href
    )
    province = tables.Column(verbose_name=_("Province"), order_by=("province", "name_bg"))
    population_band = tables.Column(verbose_name=_("Population band"))
    index = IndexColumn(verbose_name=_("Index"), attrs=NUM)
    band = tables.Column(verbose_name=_("Band"), visible=False)
    national_rank = tables.Column(
        verbose_name=_("Rank among peers (country)"), attrs=NUM, accessor="peers__national__rank"
    )
    national_percentile = tables.Column(
        verbose_name=_("Percentile among peers (country)"), attrs=NUM, accessor="peers__national__percentile"
    )
    national_median = tables.Column(
        verbose_name=_("Peer median (country)"), attrs=NUM, accessor="peers__national__median"
    )
    province_rank = tables.Column(
        verbose_name=_("Rank among peers (province)"), attrs=NUM, accessor="peers__province__rank"
    )
    province_median = tables.Column(
        verbose_name=_("Peer median (province)"), attrs=NUM, accessor="peers__province__median", visible=False
    )
    method_version = tables.Column(verbose_name=_("Method version"), attrs=NUM, visible=False)

    class Meta:
        orderable = True
        order_by = ("-index",)
        attrs = {"class": "data-table index-table"}

    def __init__(self, data, services=(), **kwargs) -> None:
        extra = [(f"score_{s.code}", ServiceScoreColumn(s, visible=False)) for s in services]
        super().__init__(data, extra_columns=extra, **kwargs)

    def render_population_band(self, value):
        return PopulationBand(value).label

    def render_band(self, value):
        return Band(value).label

    def render_national_median(self, value):
        return one_decimal(value)

    def render_province_median(self, value):
        return one_decimal(value)


class TargetProgressTable(tables.Table):
    """The targets' export: progress, pace and projection on the day shown."""

    name = tables.Column(verbose_name=_("Target"), accessor="target__name")
    service = tables.Column(verbose_name=_("Service"), accessor="target__service__code")
    measure = tables.Column(verbose_name=_("measure"), accessor="target__measure")
    stage = tables.Column(verbose_name=_("stage"), accessor="target__stage__code", default="")
    met = tables.Column(verbose_name=_("Meeting it"), attrs=NUM)
    needed = tables.Column(verbose_name=_("Needed"), attrs=NUM)
    total = tables.Column(verbose_name=_("Municipalities"), attrs=NUM)
    deadline = tables.DateColumn(verbose_name=_("Deadline"), accessor="target__deadline", format="Y-m-d")
    per_month = tables.Column(verbose_name=_("Pace per month"), attrs=NUM)
    projected = tables.DateColumn(verbose_name=_("Projected date"), format="Y-m-d", default="")
    earliest = tables.DateColumn(verbose_name=_("Earliest"), format="Y-m-d", default="")
    latest = tables.DateColumn(verbose_name=_("Latest"), format="Y-m-d", default="")
    on_track = tables.BooleanColumn(verbose_name=_("On track"))
    missing = tables.Column(verbose_name=_("Missing (NSI codes)"), orderable=False)

    class Meta:
        orderable = False

    def value_per_month(self, value):
        return f"{value:.2f}"

    def value_missing(self, value):
        return " ".join(m.code for m in value)

    def value_on_track(self, value):
        return "1" if value else "0"
