"""The analysts' report pages: usage by month × municipality × register, and the adoption matrix.

Readers (analysts, ministry staff, administrators, officers) may open them; officers see only
their own municipality (the views' queryset is `Municipality.objects.visible_to`),
operators get 403 and anonymous users are sent to sign in. Every page downloads as CSV for
Excel, plain CSV and XLSX: see reports/exports.py.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.http import HttpRequest
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import policy
from municipalities.models import Municipality

from .choices import UsageBreakdown
from .filters import AdoptionMatrixFilterSet, UsageReportFilterSet
from .queries import usage_window_start
from .tables import AdoptionMatrixTable, UsageReportTable


class ReaderRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Anonymous users sign in first; signed-in users who are not readers (operators) get 403."""

    request: HttpRequest

    def test_func(self) -> bool:
        return policy.can_view_reports(self.request.user)

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()


class ReportIndexView(ReaderRequiredMixin, TemplateView):
    template_name = "reports/index.html"


class ReportViewMixin(ReaderRequiredMixin):
    """The report's rows come from the municipalities this user may see, through its FilterSet."""

    # Invalid filters: the FilterSet itself gives no rows of the report's shape (see ReportFilterSet).
    strict = False

    def get_queryset(self):
        return Municipality.objects.visible_to(self.request.user).defer("boundary")


class UsageReportView(ReportViewMixin, SingleTableMixin, FilterView):
    """Usage by month × municipality × register or query type, summed in the database."""

    table_class = UsageReportTable
    filterset_class = UsageReportFilterSet
    template_name = "reports/usage_report.html"

    def get_table_kwargs(self):
        filterset = getattr(self, "filterset", None)
        by = UsageBreakdown.REGISTER
        if filterset is not None and filterset.is_valid():
            by = filterset.form.cleaned_data.get("by") or by
        return {**super().get_table_kwargs(), "by": by}


class AdoptionMatrixView(ReportViewMixin, SingleTableMixin, FilterView):
    """One row per municipality × service: declared stage, verification, observed use, recent usage."""

    table_class = AdoptionMatrixTable
    filterset_class = AdoptionMatrixFilterSet
    template_name = "reports/adoption_matrix.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "usage_since": usage_window_start()}
