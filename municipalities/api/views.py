"""Read-only API of provinces and municipalities, filtered like the list page.

The list filters are the page's FilterSets (DEFAULT_FILTER_BACKENDS); drf-spectacular documents
them from the filters' help_text.
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from adoption.models import Adoption
from municipalities.filters import MunicipalityFilterSet, ProvinceFilterSet
from municipalities.models import Municipality, Province

from .serializers import MunicipalityDetailSerializer, MunicipalitySerializer, ProvinceSerializer


@extend_schema_view(
    retrieve=extend_schema(parameters=[OpenApiParameter("code", str, "path", description="NSI province code.")]),
)
class ProvinceViewSet(viewsets.ReadOnlyModelViewSet):
    """The 28 provinces (области)."""

    queryset = Province.objects.defer("boundary")
    serializer_class = ProvinceSerializer
    filterset_class = ProvinceFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "name_bg"]


@extend_schema_view(
    retrieve=extend_schema(parameters=[OpenApiParameter("code", str, "path", description="Municipality code.")]),
)
class MunicipalityViewSet(viewsets.ReadOnlyModelViewSet):
    """The 265 municipalities (общини); the detail includes the boundary as GeoJSON."""

    filterset_class = MunicipalityFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "name_bg", "population"]

    def get_queryset(self):
        # Declared stages only of municipalities the user may see (one prefetch query, none for anonymous).
        declared = Adoption.objects.visible_to(self.request.user)
        stages = Prefetch(
            "adoptions",
            queryset=declared.select_related("service", "stage").order_by("service__order", "service__code"),
            to_attr="visible_adoptions",
        )
        queryset = Municipality.objects.select_related("province").prefetch_related(stages)
        return queryset if self.action == "retrieve" else queryset.defer("boundary", "province__boundary")

    def get_serializer_class(self):
        return MunicipalityDetailSerializer if self.action == "retrieve" else MunicipalitySerializer
