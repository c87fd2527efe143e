"""The open API: read-only, anonymous, rate-limited per client address on the shared cache."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from .. import reading
from ..choices import Level
from ..editions import summary
from ..filters import OpenMunicipalityFilterSet
from ..models import Edition, EditionFigure
from .serializers import EditionDetailSerializer, EditionSerializer, MunicipalitySerializer, ProvinceSerializer

TAG = "open"
EDITION = "An edition's slug, e.g. 2026-q3 or 2026-q3-v2, or 'latest' for the newest."
SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description=EDITION)
EDITION_SLUG = OpenApiParameter("edition_slug", str, OpenApiParameter.PATH, description=EDITION)
CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="NSI code, e.g. VAR06 or VAR.")


class OpenApiThrottle(SimpleRateThrottle):
    """Every client, signed in or not, by address: OPEN_API_RATE (429 with Retry-After beyond)."""

    scope = "open-api"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class OpenViewSet(viewsets.ViewSet):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenApiThrottle]


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="Editions, newest first"),
    retrieve=extend_schema(
        tags=[TAG], summary="One edition and its national figures ('latest' for the newest)", parameters=[SLUG]
    ),
)
class EditionViewSet(OpenViewSet):
    lookup_field = "slug"
    lookup_value_regex = r"[a-z0-9-]+"
    serializer_class = EditionSerializer

    def list(self, request):
        editions = Edition.objects.visible().latest_first().select_related("previous")
        return Response(EditionSerializer([summary(e) for e in editions], many=True).data)

    @extend_schema(responses=EditionDetailSerializer)
    def retrieve(self, request, slug=None):
        edition = reading.resolve(slug)
        return Response(
            EditionDetailSerializer({"edition": summary(edition), "national": reading.national(edition)}).data
        )


class _EditionFigures(OpenViewSet, viewsets.GenericViewSet):
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9]+"
    level = ""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EditionFigure.objects.none()
        edition = reading.resolve(self.kwargs["edition_slug"])
        return EditionFigure.objects.filter(edition=edition, level=self.level).order_by("payload__name_bg", "code")

    def list(self, request, edition_slug=None):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer([row.payload for row in page], many=True).data)

    def retrieve(self, request, edition_slug=None, code=None):
        edition = reading.resolve(edition_slug)
        return Response(self.get_serializer(reading.payload(edition, self.level, (code or "").upper())).data)


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary="Municipalities of an edition, with the open site's filters",
        parameters=[EDITION_SLUG],  # the filters: OpenMunicipalityFilterSet's, documented by drf-spectacular
    ),
    retrieve=extend_schema(tags=[TAG], summary="One municipality in an edition", parameters=[EDITION_SLUG, CODE]),
)
class MunicipalityFiguresViewSet(_EditionFigures):
    level = Level.MUNICIPALITY
    serializer_class = MunicipalitySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = OpenMunicipalityFilterSet


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="Provinces of an edition", parameters=[EDITION_SLUG]),
    retrieve=extend_schema(tags=[TAG], summary="One province in an edition", parameters=[EDITION_SLUG, CODE]),
)
class ProvinceFiguresViewSet(_EditionFigures):
    level = Level.PROVINCE
    serializer_class = ProvinceSerializer
    filter_backends: list = []
