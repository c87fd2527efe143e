"""Tables of declared adoption: one definition for the screen and the CSV export."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Adoption


class PendingAdoptionTable(tables.Table):
    municipality = tables.Column(
        verbose_name=_("Municipality"),
        accessor="municipality__name_bg",
        linkify=lambda record: record.get_absolute_url(),
        order_by=("municipality__name_bg", "municipality__code"),
    )
    municipality_code = tables.Column(verbose_name=_("Code"), accessor="municipality__code", visible=False)
    service = tables.Column(verbose_name=_("Service"), accessor="service__name_bg", order_by=("service__order",))
    stage = tables.Column(verbose_name=_("Declared stage"), accessor="stage__name_bg", orderable=False)
    since = tables.DateColumn(verbose_name=_("Since"))
    evidence = tables.Column(verbose_name=_("Evidence"), orderable=False)
    comment = tables.Column(verbose_name=_("Comment"), orderable=False)
    set_by = tables.Column(verbose_name=_("Set by"), orderable=False)
    set_at = tables.DateTimeColumn(verbose_name=_("Set at"))
    actions = tables.TemplateColumn(
        template_name="adoption/includes/verify_cell.html",
        verbose_name=_("Verify or reject"),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = Adoption
        fields = ["municipality", "municipality_code", "service", "stage", "since", "evidence", "comment", "set_by"]
        sequence = [*fields, "set_at", "actions"]
        order_by = ("set_at",)
        per_page = 50

    def render_municipality(self, record: Adoption) -> str:
        return record.municipality.name

    def render_service(self, record: Adoption) -> str:
        return record.service.name

    def render_stage(self, record: Adoption) -> str:
        return record.stage.name


class AdoptionTable(tables.Table):
    """Every declaration the user may see; the screen and the CSV export."""

    municipality = tables.Column(
        verbose_name=_("Municipality"),
        accessor="municipality__name_bg",
        linkify=lambda record: record.get_absolute_url(),
        order_by=("municipality__name_bg", "municipality__code"),
    )
    municipality_code = tables.Column(verbose_name=_("Code"), accessor="municipality__code")
    province = tables.Column(verbose_name=_("Province"), accessor="municipality__province__code", visible=False)
    service = tables.Column(verbose_name=_("Service"), accessor="service__code", order_by=("service__order",))
    service_code = tables.Column(verbose_name=_("Service code"), accessor="service__code", visible=False)
    stage = tables.Column(
        verbose_name=_("Stage"), accessor="stage__name_bg", order_by=("service__order", "stage__order")
    )
    stage_code = tables.Column(verbose_name=_("Stage code"), accessor="stage__code", visible=False)
    adopted = tables.BooleanColumn(verbose_name=_("Counts as adopted"), accessor="stage__counts_as_adopted")
    since = tables.DateColumn(verbose_name=_("Since"))
    verification = tables.Column(verbose_name=_("Verification"))
    last_confirmed_at = tables.DateColumn(verbose_name=_("Last confirmed"))
    evidence = tables.Column(verbose_name=_("Evidence"), visible=False)
    comment = tables.Column(verbose_name=_("Comment"), visible=False)

    class Meta:
        model = Adoption
        fields = [
            "municipality",
            "municipality_code",
            "province",
            "service",
            "service_code",
            "stage",
            "stage_code",
            "adopted",
            "since",
            "verification",
            "last_confirmed_at",
            "evidence",
            "comment",
        ]
        order_by = ("municipality", "service")
        per_page = 50

    def render_municipality(self, record: Adoption) -> str:
        return record.municipality.name

    def render_service(self, record: Adoption) -> str:
        return record.service.name

    def render_stage(self, record: Adoption) -> str:
        return record.stage.name

    def value_stage(self, record: Adoption) -> str:
        return record.stage.name_bg
