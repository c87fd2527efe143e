"""API of the reports: the same FilterSets, scoping and figures as the report pages."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions

from accounts import policy
from core.filters import OrderingFilter
from municipalities.models import Municipality

from ..filters import AdoptionMatrixFilterSet, UsageReportFilterSet
from ..queries import USAGE_COLUMNS
from .serializers import AdoptionMatrixRowSerializer, UsageAggregateSerializer


class IsReader(permissions.BasePermission):
    """Analysts, ministry staff, administrators and officers (who see their own municipality)."""

    def has_permission(self, request, view) -> bool:
        return policy.can_view_reports(request.user)


class ReportAPIView(generics.ListAPIView):
    """The queryset is the municipalities the user may see; the FilterSet (through django-filter's
    backend) narrows them and the report's facts and gives the report's rows, exactly as on the
    page. drf-spectacular documents its fields as the query parameters: none is written here."""

    permission_classes = [permissions.IsAuthenticated, IsReader]

    def get_queryset(self):
        return Municipality.objects.visible_to(self.request.user).defer("boundary")


@extend_schema(tags=["reports"])
class UsageAggregateListView(ReportAPIView):
    """Usage per month × municipality × register (or query type), summed from the monthly rollups.

    The figures of the report page /reports/usage/, with its filters. RegiX rows carry requests
    and errors, SEOS rows documents sent and received. Officers get their own municipality only.
    """

    serializer_class = UsageAggregateSerializer
    filterset_class = UsageReportFilterSet
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = list(USAGE_COLUMNS)
    ordering = ["month", "municipality_code", "service", "item_code"]


@extend_schema(tags=["reports"])
class AdoptionMatrixListView(ReportAPIView):
    """One row per municipality × service: declared stage, verification, observed use, recent usage.

    The figures of the report page /reports/adoption-matrix/, with its filters; `ordering` sorts.
    """

    serializer_class = AdoptionMatrixRowSerializer
    filterset_class = AdoptionMatrixFilterSet
    filter_backends = [DjangoFilterBackend]  # `ordering` is a filter of the FilterSet: rows are a list
