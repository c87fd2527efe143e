"""API of declared adoption, with exactly the pages' rules (it calls the same services)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer, Serializer

from accounts import policy
from accounts.permissions import IsVerifier
from adoption import services
from adoption.filters import PendingAdoptionFilterSet
from adoption.models import Adoption, AdoptionChange, AdoptionQuerySet, MunicipalityContact, Service, Stage
from adoption.services import ServiceStatus
from municipalities.filters import MunicipalityFilterSet
from municipalities.models import Municipality

from .serializers import (
    AdoptionSerializer,
    ConfirmInputSerializer,
    MunicipalityAdoptionDetailSerializer,
    MunicipalityAdoptionSerializer,
    PendingAdoptionSerializer,
    ServiceSerializer,
    StageChangeInputSerializer,
    VerifyInputSerializer,
)

# The path parameters, described once: the model fields carry no help_text (it would need a migration).
SERVICE_CODE = OpenApiParameter("code", str, "path", description="Service code, e.g. seos or regix.")
MUNICIPALITY_CODE = OpenApiParameter(
    "code", str, "path", description="Municipality code, e.g. VAR06; 404 when the user may not see it."
)


@extend_schema_view(
    list=extend_schema(summary="List the services and their stages"),
    retrieve=extend_schema(summary="One service and its stages", parameters=[SERVICE_CODE]),
)
class ServiceViewSet(viewsets.ReadOnlyModelViewSet[Service]):
    """The services municipalities adopt, each with its ordered stages."""

    queryset = Service.objects.prefetch_related(Prefetch("stages", queryset=Stage.objects.order_by("order", "id")))
    serializer_class = ServiceSerializer
    lookup_field = "code"
    pagination_class = None
    filter_backends: list[type[Any]] = []


@dataclass(frozen=True)
class MunicipalityAdoption:
    """A municipality with what its serializers read besides its own fields (those it passes on)."""

    municipality: Municipality
    statuses: list[ServiceStatus]
    history: list[AdoptionChange] | None = None  # the detail's
    contact_or_none: MunicipalityContact | None = None  # the detail's

    def __getattr__(self, name: str) -> Any:
        return getattr(self.municipality, name)


@extend_schema_view(
    list=extend_schema(summary="Declared adoption of the municipalities the user may see"),
    retrieve=extend_schema(
        summary="One municipality's declared adoption, contacts and history", parameters=[MUNICIPALITY_CODE]
    ),
)
class AdoptionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Municipality]):
    """Each municipality's declared stage per service; the detail adds contacts and history.

    Officers see only their own municipality (others are 404), analysts read everything,
    and the POST actions follow the same rules as the forms.
    """

    permission_classes = [permissions.IsAuthenticated]
    filterset_class = MunicipalityFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "name_bg"]

    def get_queryset(self) -> QuerySet[Municipality]:
        adoptions = Adoption.objects.select_related("stage")
        queryset = (
            Municipality.objects.visible_to(self.request.user)
            .prefetch_related(Prefetch("adoptions", queryset=adoptions))
            .defer("boundary")
            .order_by("name_bg", "code")
        )
        if self.action == "retrieve":
            history = AdoptionChange.objects.select_related("service", "from_stage", "to_stage", "user").order_by(
                "-created_at", "-id"
            )
            queryset = queryset.prefetch_related(Prefetch("adoption_changes", queryset=history)).select_related(
                "contact"
            )
        return queryset

    def get_serializer_class(self) -> type[BaseSerializer[Municipality]]:
        if self.action == "retrieve":
            return MunicipalityAdoptionDetailSerializer
        return MunicipalityAdoptionSerializer

    def _decorate(self, municipalities: Iterable[Municipality]) -> list[MunicipalityAdoption]:
        """Add statuses (and history) computed from the prefetched rows: no query per row."""
        all_services = services.services_with_stages()
        decorated = []
        for municipality in municipalities:
            by_service = {a.service_id: a for a in municipality.adoptions.all()}
            statuses = [
                ServiceStatus(
                    service=s,
                    stage=by_service[s.pk].stage if s.pk in by_service else s.first_stage(),
                    adoption=by_service.get(s.pk),
                )
                for s in all_services
            ]
            if self.action == "retrieve":
                history = list(municipality.adoption_changes.all())
                contact = getattr(municipality, "contact", None)
                decorated.append(MunicipalityAdoption(municipality, statuses, history, contact))
            else:
                decorated.append(MunicipalityAdoption(municipality, statuses))
        return decorated

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = self._decorate(queryset if page is None else page)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        (municipality,) = self._decorate([self.get_object()])
        return Response(self.get_serializer(municipality).data)

    def _writable_municipality(self, check: Callable[[Any, Municipality], bool]) -> Municipality:
        visible = Municipality.objects.visible_to(self.request.user)
        municipality: Municipality = get_object_or_404(visible, code=self.kwargs["code"])
        if not check(self.request.user, municipality):
            raise PermissionDenied()
        return municipality

    @extend_schema(
        summary="Declare a new stage",
        parameters=[MUNICIPALITY_CODE],
        request=StageChangeInputSerializer,
        responses={201: AdoptionSerializer},
    )
    @action(detail=True, methods=["post"])
    def changes(self, request: Request, code: str | None = None) -> Response:
        """Declare a new stage (officers of this municipality and ministry staff)."""
        municipality = self._writable_municipality(policy.can_change_declarations_of)
        data = _valid(StageChangeInputSerializer, request)
        try:
            adoption = services.change_stage(
                request.user,
                municipality,
                data["service"],
                data["stage"],
                data["comment"],
                data["evidence"],
                since=data["since"],
            )
        except DjangoValidationError as error:
            raise ValidationError(_messages(error)) from None
        return Response(AdoptionSerializer(adoption).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Confirm a declaration is still current",
        parameters=[MUNICIPALITY_CODE],
        request=ConfirmInputSerializer,
        responses={200: AdoptionSerializer},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, code: str | None = None) -> Response:
        """Confirm a declaration is still current, which clears its stale flag.

        Officers of this municipality and ministry staff; 404 when the municipality has no
        declaration for the service.
        """
        municipality = self._writable_municipality(policy.can_change_declarations_of)
        data = _valid(ConfirmInputSerializer, request)
        adoption = get_object_or_404(Adoption, municipality=municipality, service=data["service"])
        return Response(AdoptionSerializer(services.confirm(request.user, adoption, data["comment"])).data)

    @extend_schema(
        summary="Verify or reject a declaration (ministry staff)",
        parameters=[MUNICIPALITY_CODE],
        request=VerifyInputSerializer,
        responses={200: AdoptionSerializer},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, code: str | None = None) -> Response:
        """Ministry staff verify (approve=true) or reject a declaration, with a comment; others get 403."""
        municipality = self._writable_municipality(lambda user, _m: policy.can_verify_changes(user))
        data = _valid(VerifyInputSerializer, request)
        adoption = get_object_or_404(Adoption, municipality=municipality, service=data["service"])
        adoption = services.verify(request.user, adoption, data["approve"], data["comment"])
        return Response(AdoptionSerializer(adoption).data)


@extend_schema_view(
    list=extend_schema(
        summary="Declarations awaiting verification (ministry staff)",
        description="The ministry's queue, as on the pending page: every unverified declaration, oldest first "
        "(by set_at). Verifying or rejecting one through POST /api/adoption/{code}/verify/ removes it. "
        "Ministry staff and administrators only; everybody else gets 403.",
    ),
)
class PendingVerificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Adoption]):
    """Declarations waiting for the ministry's verification: the pending page's queue as an API."""

    permission_classes = [IsVerifier]
    serializer_class = PendingAdoptionSerializer
    filterset_class = PendingAdoptionFilterSet
    # The queue's order is fixed (oldest first), as on the page: no ?ordering=.
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self) -> AdoptionQuerySet:
        return Adoption.objects.pending_verification_for(self.request.user)


def _valid(serializer_class: type[Serializer[None]], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    data: dict[str, Any] = serializer.validated_data
    return data


def _messages(error: DjangoValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
