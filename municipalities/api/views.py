"""Read-only API of provinces and municipalities, filtered like the list page."""

from __future__ import annotations

from rest_framework import viewsets

from municipalities.filters import MunicipalityFilterSet, ProvinceFilterSet
from municipalities.models import Municipality, Province

from .serializers import MunicipalityDetailSerializer, MunicipalitySerializer, ProvinceSerializer


class ProvinceViewSet(viewsets.ReadOnlyModelViewSet):
    """The 28 provinces (области)."""

    queryset = Province.objects.defer("boundary")
    serializer_class = ProvinceSerializer
    filterset_class = ProvinceFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "name_bg"]


class MunicipalityViewSet(viewsets.ReadOnlyModelViewSet):
    """The 265 municipalities (общини); the detail includes the boundary as GeoJSON."""

    filterset_class = MunicipalityFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "name_bg", "population"]

    def get_queryset(self):
        queryset = Municipality.objects.select_related("province")
        return queryset if self.action == "retrieve" else queryset.defer("boundary", "province__boundary")

    def get_serializer_class(self):
        return MunicipalityDetailSerializer if self.action == "retrieve" else MunicipalitySerializer
