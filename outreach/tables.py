"""Tables of the outreach pages: cases, subscriptions, deliveries (screen and export alike)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Case, Delivery, Subscription


class CaseTable(tables.Table):
    municipality = tables.Column(
        verbose_name=_("Municipality"),
        accessor="municipality__name_bg",
        linkify=lambda record: record.get_absolute_url(),
        order_by=("municipality__name_bg",),
    )
    municipality_code = tables.Column(verbose_name=_("Code"), accessor="municipality__code", visible=False)
    kind = tables.Column(verbose_name=_("Kind"))
    contacted_on = tables.DateColumn(verbose_name=_("Contacted on"), format="d.m.Y")
    owner = tables.Column(verbose_name=_("Owner"), order_by=("owner__username",))
    follow_up_on = tables.DateColumn(verbose_name=_("Follow up on"), format="d.m.Y")
    promised_date = tables.DateColumn(verbose_name=_("Promised date"), format="d.m.Y")
    agreed = tables.Column(verbose_name=_("What was agreed"), orderable=False)
    agreed_stage = tables.Column(verbose_name=_("Agreed stage"), accessor="agreed_stage__name_bg", orderable=False)
    status = tables.Column(verbose_name=_("Status"))
    closed_on = tables.DateColumn(verbose_name=_("Closed on"), format="d.m.Y", visible=False)
    close_reason = tables.Column(verbose_name=_("Reason for closing"), visible=False, orderable=False)

    class Meta:
        model = Case
        fields = [
            "municipality", "municipality_code", "kind", "contacted_on", "owner", "follow_up_on", "promised_date",
            "agreed", "agreed_stage", "status", "closed_on", "close_reason",
        ]  # fmt: skip
        order_by = ("follow_up_on",)
        per_page = 50


class SubscriptionTable(tables.Table):
    area = tables.Column(verbose_name=_("Scorecard of"), accessor="pk", orderable=False)
    email = tables.Column(verbose_name=_("E-mail"))
    role = tables.Column(verbose_name=_("Role"))
    paused = tables.BooleanColumn(verbose_name=_("Paused"))
    paused_reason = tables.Column(verbose_name=_("Why paused"), orderable=False)
    actions = tables.TemplateColumn(
        template_name="outreach/includes/subscription_actions.html", verbose_name=_("Actions"), orderable=False,
        exclude_from_export=True,
    )  # fmt: skip

    class Meta:
        model = Subscription
        fields = ["area", "email", "role", "paused", "paused_reason"]
        per_page = 50

    def render_area(self, record):
        return str(record.municipality or record.province)

    def value_area(self, record):
        return record.municipality.code if record.municipality_id else record.province.code


class DeliveryTable(tables.Table):
    period = tables.DateColumn(verbose_name=_("Period"), format="m.Y")
    email = tables.Column(verbose_name=_("E-mail"))
    area = tables.Column(verbose_name=_("Scorecard of"), accessor="pk", orderable=False)
    status = tables.Column(verbose_name=_("Status"))
    sent_at = tables.DateTimeColumn(verbose_name=_("Sent at"), format="d.m.Y H:i")
    error = tables.Column(verbose_name=_("Error"), orderable=False)

    class Meta:
        model = Delivery
        fields = ["period", "email", "area", "status", "sent_at", "error"]
        per_page = 50

    def render_area(self, record):
        subscription = record.subscription
        return str(subscription.municipality or subscription.province)
