"""The outreach app's downloads, registered with the exports app: cases, the effect, subscriptions and
deliveries, each the page's own table."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

import exports
from accounts import policy
from dashboards.exports import DashboardExport

from .cases import outreach_effect
from .choices import CaseStatus
from .filters import CaseFilterSet
from .models import Case, Delivery, Subscription
from .tables import CaseTable, DeliveryTable, SubscriptionTable
from .views import EffectTable


@exports.register
class CaseListExport(exports.TableExport):
    """The cases page's rows: open ones unless another status is asked for."""

    page = "outreach:cases"
    title = _("outreach cases")
    table_class = CaseTable
    filterset_class = CaseFilterSet

    def __init__(self, user: Any, params: Any = None, kwargs: Any = None) -> None:
        data = params.copy() if hasattr(params, "copy") else dict(params or {})
        if "status" not in data:
            data["status"] = CaseStatus.OPEN
        super().__init__(user, data, kwargs)

    def check_access(self) -> None:
        if not policy.can_read_all_cases(self.user):
            raise PermissionDenied

    def get_queryset(self) -> Any:
        return Case.objects.visible_to(self.user).select_related("municipality", "owner", "agreed_stage")


@exports.register
class EffectExport(DashboardExport):
    """Contacted municipalities against comparable uncontacted ones over the following 90 days."""

    page = "outreach:effect"
    title = _("outreach effect")
    every_municipality = True

    def check_access(self) -> None:
        super().check_access()
        if not policy.can_read_all_cases(self.user):
            raise PermissionDenied

    def get_table_data(self) -> Any:
        return outreach_effect(self.as_of).rows

    def make_table(self, data: Any, **kwargs: Any) -> EffectTable:
        return EffectTable(data, **kwargs)


@exports.register
class SubscriptionExport(exports.TableExport):
    page = "outreach:subscriptions"
    title = _("scorecard subscriptions")
    table_class = SubscriptionTable

    def check_access(self) -> None:
        if not policy.can_manage_outreach(self.user):
            raise PermissionDenied

    def get_queryset(self) -> Any:
        return Subscription.objects.select_related("municipality", "province").defer(
            "municipality__boundary", "province__boundary"
        )


@exports.register
class DeliveryExport(exports.TableExport):
    page = "outreach:deliveries"
    title = _("scorecard deliveries")
    table_class = DeliveryTable

    def check_access(self) -> None:
        if not policy.can_read_all_cases(self.user):
            raise PermissionDenied

    def get_queryset(self) -> Any:
        return Delivery.objects.select_related("subscription__municipality", "subscription__province").defer(
            "subscription__municipality__boundary", "subscription__province__boundary"
        )
