"""The scoring API: the index (with its method version and peer ranks), provinces, methods, targets.

The same computations and filters as the pages; officers get their own municipality only. The
index's filters are the page's IndexFilterSet, documented by drf-spectacular; `as_of` and `method`
are not filters: they choose which index is computed.
"""

from __future__ import annotations

from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import policy
from dashboards.forms import AsOfForm
from municipalities.models import Municipality

from ..filters import IndexFilterSet
from ..index import NoIndexMethod
from ..models import IndexMethod
from ..peers import ranked_rows
from ..served import served_index
from ..targets import targets_progress
from .serializers import AreaIndexSerializer, IndexRowSerializer, MethodSerializer, TargetProgressSerializer

AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="The day (YYYY-MM-DD); today if omitted.")
METHOD = OpenApiParameter("method", OpenApiTypes.INT, description="An index method version; the newest if omitted.")


def as_of_from(request):
    form = AsOfForm(request.query_params)
    if not form.is_valid():
        raise serializers.ValidationError(form.errors)
    return form.cleaned_data["as_of"]


def method_from(request) -> int | None:
    value = request.query_params.get("method", "")
    if value and not value.isdigit():
        raise serializers.ValidationError({"method": ["A method version is a whole number."]})
    return int(value) if value else None


def index_for(request):
    try:
        return served_index(as_of_from(request), method_from(request))
    except NoIndexMethod as error:
        raise Http404(str(error)) from error


class IndexListView(APIView):
    """Every municipality's adoption index on a day, with its method version, band and peer ranks
    (nationally and in the province, for the index and for each service). Officers: their own."""

    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [DjangoFilterBackend]  # names IndexFilterSet to drf-spectacular; get() applies it
    filterset_class = IndexFilterSet

    def get_queryset(self):
        """The municipalities the user may see; its model tells drf-spectacular what the FilterSet filters."""
        return Municipality.objects.visible_to(self.request.user)

    @extend_schema(tags=["index"], parameters=[AS_OF, METHOD], responses=IndexRowSerializer(many=True))
    def get(self, request):
        if not policy.can_view_targets(request.user):
            return Response(status=403)
        table = index_for(request)
        filterset = IndexFilterSet(request.query_params, rows=ranked_rows(table))
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        rows = filterset.qs
        if not policy.can_view_index_table(request.user):
            visible = set(self.get_queryset().values_list("id", flat=True))
            rows = [r for r in rows if r.id in visible]
        return Response(IndexRowSerializer(rows, many=True, context={"table": table}).data)


class ProvinceIndexListView(APIView):
    """The index of each province (the mean of its municipalities'), and the country's last."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(tags=["index"], parameters=[AS_OF, METHOD], responses=AreaIndexSerializer(many=True))
    def get(self, request):
        if not policy.can_view_index_table(request.user):
            return Response(status=403)
        table = index_for(request)
        areas = [*table.provinces, table.national]
        return Response(AreaIndexSerializer(areas, many=True, context={"table": table}).data)


class MethodListView(APIView):
    """Every version of the index method with its weights (public: the method is published)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(tags=["index"], responses=MethodSerializer(many=True))
    def get(self, request):
        methods = IndexMethod.objects.prefetch_related("service_weights__service", "stage_weights__stage__service")
        data = [
            {
                "version": m.version,
                "note": m.note,
                "created_at": m.created_at,
                "services": [
                    {"service": w.service.code, "weight": str(w.weight), "unobserved_factor": str(w.unobserved_factor)}
                    for w in m.service_weights.all()
                ],
                "stages": [
                    {"service": w.stage.service.code, "stage": w.stage.code, "worth": str(w.score)}
                    for w in m.stage_weights.all()
                ],
            }
            for m in methods
        ]
        return Response(MethodSerializer(data, many=True).data)


class TargetProgressListView(APIView):
    """Every target's progress on a day: met, needed, pace, projected date and range, on track, and the
    NSI codes of the municipalities still missing it (officers: only their own, if it misses it)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(tags=["index"], parameters=[AS_OF], responses=TargetProgressSerializer(many=True))
    def get(self, request):
        if not policy.can_view_targets(request.user):
            return Response(status=403)
        progress = targets_progress(as_of_from(request))
        visible = None
        if not policy.can_view_target_missing(request.user):
            visible = set(Municipality.objects.visible_to(request.user).values_list("id", flat=True))
        return Response(TargetProgressSerializer(progress, many=True, context={"visible_ids": visible}).data)
