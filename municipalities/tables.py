"""Tables of municipalities: one definition for the screen and the CSV export."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.formatting import format_number

from .models import Municipality


class MunicipalityTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"))
    name_bg = tables.Column(verbose_name=_("Name"), linkify=True, order_by=("name_bg", "code"))
    name_en = tables.Column(verbose_name=_("Name (Latin)"), visible=False)
    province = tables.Column(
        verbose_name=_("Province"), accessor="province__name_bg", order_by=("province__name_bg", "name_bg")
    )
    province_code = tables.Column(verbose_name=_("Province code"), accessor="province__code", visible=False)
    seat_ekatte = tables.Column(verbose_name=_("Seat EKATTE"), visible=False)
    category = tables.Column(verbose_name=_("NSI category"), visible=False)
    population = tables.Column(verbose_name=_("Population"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})

    class Meta:
        model = Municipality
        fields = ["code", "name_bg", "name_en", "province", "province_code", "seat_ekatte", "category", "population"]
        order_by = ("name_bg",)
        per_page = 50

    def render_name_bg(self, record: Municipality) -> str:
        return record.name

    def render_province(self, record: Municipality) -> str:
        return record.province.name

    def value_name_bg(self, record: Municipality) -> str:
        return record.name_bg

    def value_province(self, record: Municipality) -> str:
        return record.province.name_bg

    def value_category(self, record: Municipality):
        return "" if record.category is None else record.category

    def render_population(self, value: int) -> str:
        return format_number(value)

    def value_population(self, value: int) -> int:
        """Exports carry plain integers, never grouped digits."""
        return value
