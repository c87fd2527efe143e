"""The outreach API: cases (the page's FilterSet), scorecard deliveries, the effect of outreach."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import policy
from scoring.api.views import AS_OF, as_of_from

from ..cases import outreach_effect
from ..filters import CaseFilterSet
from ..models import Case, Delivery
from .serializers import CaseSerializer, CaseWithNoteSerializer, DeliverySerializer, EffectRowSerializer


class CanReadAll(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return policy.can_read_all_cases(request.user)


@extend_schema(tags=["outreach"])
class CaseListView(generics.ListAPIView):
    """Outreach cases the user may see (officers: about their municipality), with the open cases
    page's filters; the internal note only for ministry staff."""

    permission_classes = [permissions.IsAuthenticated]
    filterset_class = CaseFilterSet
    filter_backends = [DjangoFilterBackend]

    def get_serializer_class(self):
        return CaseWithNoteSerializer if policy.can_see_internal_notes(self.request.user) else CaseSerializer

    def get_queryset(self):
        return (
            Case.objects.visible_to(self.request.user)
            .select_related("municipality", "owner", "service", "agreed_stage")
            .defer("municipality__boundary")
            .order_by("owner__username", "follow_up_on", "id")
        )


@extend_schema(tags=["outreach"])
class DeliveryListView(generics.ListAPIView):
    """Scorecard deliveries: one row per subscription and period, with its status."""

    permission_classes = [permissions.IsAuthenticated, CanReadAll]
    serializer_class = DeliverySerializer
    filter_backends = []

    def get_queryset(self):
        return Delivery.objects.select_related("subscription__municipality", "subscription__province").defer(
            "subscription__municipality__boundary", "subscription__province__boundary"
        )


class EffectView(APIView):
    """Each contacted municipality's index and adopted services over the 90 days after its first
    contact, beside its uncontacted peers' (same population band)."""

    permission_classes = [permissions.IsAuthenticated, CanReadAll]

    @extend_schema(tags=["outreach"], parameters=[AS_OF], responses=EffectRowSerializer(many=True))
    def get(self, request):
        effect = outreach_effect(as_of_from(request))
        return Response(EffectRowSerializer(effect.rows, many=True).data)
