"""Tables of the RegiX catalogue: one definition for the screen and the CSV export."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import QueryType, Register

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


class RegisterTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"), linkify=True)
    name_bg = tables.Column(verbose_name=_("Name"), order_by=("name_bg", "code"))
    name_en = tables.Column(verbose_name=_("Name (English)"), visible=False)
    owner = tables.Column(verbose_name=_("Owner administration"))
    query_type_count = tables.Column(verbose_name=_("Query types"), attrs=NUM)
    active_query_type_count = tables.Column(verbose_name=_("Active query types"), attrs=NUM)

    class Meta:
        model = Register
        fields = ["code", "name_bg", "name_en", "owner", "query_type_count", "active_query_type_count"]
        order_by = ("code",)
        per_page = 50

    def render_name_bg(self, record: Register) -> str:
        return record.name


class QueryTypeTable(tables.Table):
    short_name = tables.Column(verbose_name=_("Query type"), accessor="operation", order_by=("operation",))
    # The published catalogue has no names yet; an administrator may add them in the admin.
    name = tables.Column(verbose_name=_("Name"), accessor="name_bg", orderable=False, visible=False)
    operation = tables.Column(verbose_name=_("Operation"), attrs={"td": {"class": "operation"}})
    adapter = tables.Column(verbose_name=_("Adapter"), visible=False)
    is_active = tables.BooleanColumn(verbose_name=_("Active"))
    valid_from = tables.DateColumn(verbose_name=_("Valid from"))
    valid_to = tables.DateColumn(verbose_name=_("Valid to"))

    class Meta:
        model = QueryType
        fields = ["short_name", "name", "operation", "adapter", "is_active", "valid_from", "valid_to"]
        order_by = ("operation",)
        per_page = 100

    def render_short_name(self, record: QueryType) -> str:
        return record.short_name

    def value_short_name(self, record: QueryType) -> str:
        return record.short_name

    def render_name(self, record: QueryType) -> str:
        return record.name

    def render_operation(self, value: str) -> str:
        return value
