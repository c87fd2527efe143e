"""The reports' downloads: the usage report (PostgreSQL COPYs it) and the adoption matrix."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

import exports
from accounts import policy
from municipalities.models import Municipality

from .choices import UsageBreakdown
from .filters import AdoptionMatrixFilterSet, UsageReportFilterSet
from .tables import AdoptionMatrixTable, UsageReportTable


class ReportExport(exports.TableExport):
    """Readers only (operators 403), rows of the municipalities the user may see."""

    strict = False  # invalid filters: the FilterSet itself gives no rows of the report's shape

    def check_access(self) -> None:
        if not policy.can_view_reports(self.user):
            raise PermissionDenied

    def get_queryset(self):
        return Municipality.objects.visible_to(self.user).defer("boundary")

    def name_parts(self) -> list[str]:
        parts = super().name_parts()
        filterset = self.filterset
        if filterset is not None and filterset.is_valid():
            data = filterset.form.cleaned_data
            for name in ("month_from", "month_to"):
                if data.get(name):
                    parts.append(data[name].strftime("%Y-%m"))
            for name in ("province", "municipality", "service"):
                parts.extend(str(getattr(value, "code", value)) for value in list(data.get(name) or ())[:5])
        return parts


@exports.register
class UsageReportExport(ReportExport):
    """Usage by month × municipality × register or query type: PostgreSQL COPYs the aggregate,
    in the page's sort order, straight into the CSV."""

    page = "reports:usage"
    title = _("usage")
    table_class = UsageReportTable
    filterset_class = UsageReportFilterSet
    copy = True

    def get_table_kwargs(self):
        by = UsageBreakdown.REGISTER
        if self.filterset.is_valid():
            by = self.filterset.form.cleaned_data.get("by") or by
        return {"by": by}


@exports.register
class AdoptionMatrixExport(ReportExport):
    page = "reports:adoption-matrix"
    title = _("adoption matrix")
    table_class = AdoptionMatrixTable
    filterset_class = AdoptionMatrixFilterSet
