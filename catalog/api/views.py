"""Read-only API of the RegiX catalogue, filtered like the pages.

The list filters are the pages' FilterSets (DEFAULT_FILTER_BACKENDS: django-filter's backend and
ordering); drf-spectacular documents them from the filters' help_text.
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from catalog.filters import QueryTypeFilterSet, RegisterFilterSet
from catalog.models import QueryType
from catalog.views import registers_with_counts

from .serializers import QueryTypeSerializer, RegisterDetailSerializer, RegisterSerializer


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[OpenApiParameter("code", str, "path", description="Register code, e.g. GRAO/NBD.")]
    ),
)
class RegisterViewSet(viewsets.ReadOnlyModelViewSet):
    """RegiX registers with their query type counts; the detail lists the query types."""

    filterset_class = RegisterFilterSet
    lookup_field = "code"
    lookup_value_regex = r"[^.]+?"  # codes contain a slash, e.g. GRAO/NBD
    ordering_fields = ["code", "name_bg"]

    def get_queryset(self):
        queryset = registers_with_counts().order_by("code")
        if self.action == "retrieve":
            return queryset.prefetch_related(
                Prefetch("query_types", queryset=QueryType.objects.select_related("register"))
            )
        return queryset

    def get_serializer_class(self):
        return RegisterDetailSerializer if self.action == "retrieve" else RegisterSerializer


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[OpenApiParameter("operation", str, "path", description="The full operation name.")]
    ),
)
class QueryTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """RegiX query types (operations); the full operation name is the key."""

    queryset = QueryType.objects.select_related("register")
    serializer_class = QueryTypeSerializer
    filterset_class = QueryTypeFilterSet
    lookup_field = "operation"
    lookup_value_regex = r"[^/]+"
    ordering_fields = ["operation"]
