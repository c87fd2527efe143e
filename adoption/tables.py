"""Tables of declared adoption: one definition for the screen and the CSV export."""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import F
from django.db.models.expressions import Combinable
from django.utils.translation import gettext_lazy as _

from municipalities.models import localized_name_sql

from .models import Adoption


class PendingAdoptionTable(tables.Table):  # type: ignore[misc]  # django-tables2 ships no types: its classes are Any
    """The ministry's work list: what changed, on what evidence, by whom, and the two decisions.

    Sized to fit 1,366 px with the decisions in view; on a phone the rows become cards (CSS).
    Rows are `Adoption`s annotated with the stage they replace (`views.PendingVerificationView`).
    """

    select = tables.TemplateColumn(
        template_name="adoption/includes/queue_select.html",
        verbose_name=_("Select"),
        orderable=False,
        exclude_from_export=True,
        attrs={"th": {"class": "select"}, "td": {"class": "select"}},
    )
    municipality = tables.Column(
        verbose_name=_("Municipality"),
        accessor="municipality__name_bg",
        linkify=lambda record: record.get_absolute_url(),
        order_by=("municipality__name_bg", "municipality__code"),
        attrs={"td": {"data-label": _("Municipality")}},
    )
    municipality_code = tables.Column(verbose_name=_("Code"), accessor="municipality__code", visible=False)
    service = tables.Column(
        verbose_name=_("Service"),
        accessor="service__name_bg",
        order_by=("service__order",),
        attrs={"td": {"data-label": _("Service")}},
    )
    change = tables.TemplateColumn(
        template_name="adoption/includes/queue_change.html",
        verbose_name=_("Old stage → new stage"),
        accessor="stage__order",
        order_by=("since",),
        attrs={"td": {"data-label": _("Change"), "class": "change"}},
    )
    evidence = tables.TemplateColumn(
        template_name="adoption/includes/queue_evidence.html",
        verbose_name=_("Evidence and comment"),
        orderable=False,
        attrs={"td": {"data-label": _("Evidence"), "class": "evidence-cell"}},
    )
    set_at = tables.TemplateColumn(
        template_name="adoption/includes/queue_who.html",
        verbose_name=_("Declared by"),
        attrs={"td": {"data-label": _("Declared by"), "class": "who"}},
    )
    actions = tables.TemplateColumn(
        template_name="adoption/includes/queue_actions.html",
        verbose_name=_("Decision"),
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "decision"}},
    )

    class Meta:
        model = Adoption
        fields = ["municipality", "municipality_code", "service"]
        sequence = ["select", *fields, "change", "evidence", "set_at", "actions"]
        order_by = ("set_at",)
        per_page = 50
        attrs = {"class": "data-table queue-table stack-on-narrow"}

    def render_municipality(self, record: Adoption) -> str:
        return record.municipality.name

    def render_service(self, record: Adoption) -> str:
        return record.service.name


class AdoptionTable(tables.Table):  # type: ignore[misc]  # django-tables2 ships no types: its classes are Any
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

    # The same values in SQL, so PostgreSQL writes the export (exports.sqlcolumns; a test compares).
    def sql_municipality(self) -> Combinable:
        return localized_name_sql("municipality")

    def sql_service(self) -> Combinable:
        return localized_name_sql("service")

    def sql_stage(self) -> F:
        return F("stage__name_bg")
