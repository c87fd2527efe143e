"""The reports' tables: one definition for the screen and the three export flavours."""

from __future__ import annotations

from typing import TYPE_CHECKING

import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from adoption.choices import Verification
from core.formatting import format_month

from .choices import NOT_DECLARED, UsageBreakdown, UsageService
from .queries import MatrixRow

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# Keyed by the `?by=` value as sent (a str); its labels.
ITEM_LABELS: dict[str, tuple[StrPromise, StrPromise]] = {
    UsageBreakdown.REGISTER: (_("Register code"), _("Register")),
    UsageBreakdown.QUERY_TYPE: (_("Query type (operation)"), _("Query type")),
}


class UsageReportTable(tables.Table):
    """Rows of `reports.queries.usage_aggregates` (dicts); the COPY export writes the same columns."""

    month = tables.DateColumn(verbose_name=_("Month"), format="Y-m")
    province = tables.Column(verbose_name=_("Province"))
    municipality_code = tables.Column(verbose_name=_("Municipality code"))
    municipality_name = tables.Column(
        verbose_name=_("Municipality"),
        linkify=lambda record: reverse("municipalities:detail", kwargs={"code": record["municipality_code"]}),
    )
    service = tables.Column(verbose_name=_("Service"))
    item_code = tables.Column(verbose_name=_("Register code"), visible=False)
    item_name = tables.Column(verbose_name=_("Register"))
    requests = tables.Column(verbose_name=_("RegiX requests"), attrs={"td": {"class": "number"}})
    errors = tables.Column(verbose_name=_("RegiX errors"), attrs={"td": {"class": "number"}})
    sent = tables.Column(verbose_name=_("SEOS documents sent"), attrs={"td": {"class": "number"}})
    received = tables.Column(verbose_name=_("SEOS documents received"), attrs={"td": {"class": "number"}})

    class Meta:
        per_page = 50
        order_by = ("month", "municipality_code", "service", "item_code")
        empty_text = _("No usage for these filters.")

    def __init__(self, *args, by: str = UsageBreakdown.REGISTER, **kwargs):
        super().__init__(*args, **kwargs)
        code_label, name_label = ITEM_LABELS.get(by, ITEM_LABELS[UsageBreakdown.REGISTER])
        # The columns are this instance's copies (django-tables2 deep-copies them per table).
        self.columns["item_code"].column.verbose_name = code_label
        self.columns["item_name"].column.verbose_name = name_label

    def render_month(self, value) -> str:
        return format_month(value)

    def value_month(self, value):
        return value

    def render_service(self, value: str) -> str:
        return str(UsageService(value).label) if value in UsageService.values else value

    def value_service(self, value: str) -> str:
        return value  # the code stays in the export, for scripts


class AdoptionMatrixTable(tables.Table):
    """Rows of `reports.queries.adoption_matrix` (MatrixRow objects, sorted in memory)."""

    municipality_code = tables.Column(verbose_name=_("Municipality code"))
    municipality = tables.Column(
        verbose_name=_("Municipality"),
        accessor="municipality_name",
        linkify=lambda record: reverse("municipalities:detail", kwargs={"code": record.municipality_code}),
    )
    province = tables.Column(verbose_name=_("Province"))
    service = tables.Column(verbose_name=_("Service"))
    service_name = tables.Column(verbose_name=_("Service name"), visible=False)
    stage_code = tables.Column(verbose_name=_("Stage code"), visible=False)
    stage = tables.Column(verbose_name=_("Declared stage"), order_by=("service", "stage_order"))
    counts_as_adopted = tables.BooleanColumn(verbose_name=_("Counts as adopted"), visible=False)
    since = tables.DateColumn(verbose_name=_("Since"))
    verification = tables.Column(verbose_name=_("Verification"))
    first_use = tables.DateColumn(verbose_name=_("First observed use"))
    last_use = tables.DateColumn(verbose_name=_("Last observed use"))
    usage_90_days = tables.Column(verbose_name=_("Usage, last 90 days"), attrs={"td": {"class": "number"}})

    class Meta:
        per_page = 50
        empty_text = _("No municipality matches these filters.")

    def render_municipality(self, record: MatrixRow, value: str) -> str:
        if (get_language() or "bg").startswith("en") and record.municipality_name_en:
            return record.municipality_name_en
        return value

    def value_municipality(self, record: MatrixRow, value: str) -> str:
        return value  # the files keep the official (Bulgarian) name

    def render_service(self, record: MatrixRow, value: str) -> str:
        return record.service_name

    def value_service(self, record: MatrixRow, value: str) -> str:
        return value  # the code stays in the export, for scripts

    def render_verification(self, record: MatrixRow, value: str) -> str:
        if value == NOT_DECLARED:
            return str(_("Not declared"))
        return str(Verification(value).label)

    def value_verification(self, record: MatrixRow, value: str) -> str:
        return self.render_verification(record, value)
