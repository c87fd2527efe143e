"""The usage files API: operators' systems POST files; readers list batches and their rejected rows."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from accounts import policy
from usage import services
from usage.choices import Door
from usage.filters import ImportBatchFilterSet
from usage.models import ImportBatch, ImportBatchQuerySet

from .serializers import ImportBatchSerializer, RejectedRowSerializer, UploadSerializer


class BatchPermission(permissions.BasePermission):
    """Upload: ministry, administrators, operators. Read: whoever sees the batch. Re-process: administrators."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        action = getattr(view, "action", None)  # the viewset's; None on a plain view
        if action == "create":
            return policy.can_upload_files(user)
        if action == "reprocess":
            return policy.can_reprocess_batches(user)
        return policy.can_use_batch_api(user)


BATCH_ID = OpenApiParameter("id", int, "path", description="Id of the import batch; 404 when the user may not see it.")


@extend_schema_view(
    list=extend_schema(summary="List the import batches the user may see"),
    retrieve=extend_schema(summary="One import batch: status and counts", parameters=[BATCH_ID]),
)
class UsageFileViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ImportBatch]
):
    """Import batches of usage files (RegiX and SEOS exports). POST a file to import it."""

    serializer_class = ImportBatchSerializer
    permission_classes = [BatchPermission]
    filterset_class = ImportBatchFilterSet
    ordering_fields = ["created_at", "id", "rows_read"]
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> ImportBatchQuerySet:
        return ImportBatch.objects.visible_to(self.request.user).select_related("uploaded_by")

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        # POST takes a file: the browsable API's form is built for POST, so it offers the file field.
        if self.request is not None and self.request.method == "POST" and self.action in ("create", "list"):
            return UploadSerializer
        return super().get_serializer_class()

    @extend_schema(
        summary="Upload a usage file (ministry, administrators, operators)",
        request=UploadSerializer,
        responses={201: ImportBatchSerializer, 202: ImportBatchSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Keep the file as a batch and queue its import; 202 when the queue is down (it is queued later)."""
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        batch = services.receive_file(
            file,
            file_name=file.name,
            door=Door.API,
            kind=upload.validated_data.get("kind", ""),
            user=request.user,
            queue=False,
        )
        queued = services.enqueue(batch.pk)
        batch.refresh_from_db()
        data = ImportBatchSerializer(batch, context=self.get_serializer_context()).data
        headers = {"Location": request.build_absolute_uri(f"{batch.pk}/")}
        return Response(data, status=status.HTTP_201_CREATED if queued else status.HTTP_202_ACCEPTED, headers=headers)

    @extend_schema(
        summary="The rejected rows of a batch, by line",
        parameters=[BATCH_ID],
        responses=RejectedRowSerializer(many=True),
        filters=False,  # the batch filters do not filter rows; only page and page_size apply
    )
    @action(detail=True, methods=["get"], url_path="rejected-rows")
    def rejected_rows(self, request: Request, pk: str | None = None) -> Response:
        """The batch's rejected rows: line, raw text and reason, paginated."""
        batch = self.get_object()
        # drf-stubs tie paginate_queryset to the viewset's own model; DRF pages any queryset.
        page = self.paginate_queryset(batch.rejected_rows.order_by("line"))  # type: ignore[arg-type]
        return self.get_paginated_response(RejectedRowSerializer(page, many=True).data)

    @extend_schema(
        summary="Import a batch again (administrators)",
        parameters=[BATCH_ID],
        request=None,
        responses={
            202: ImportBatchSerializer,
            409: OpenApiResponse(description="The batch is already waiting or running: nothing was done."),
        },
    )
    @action(detail=True, methods=["post"])
    def reprocess(self, request: Request, pk: str | None = None) -> Response:
        """Administrators: apply the rules again to the kept file; 409 when it is waiting or running."""
        batch = self.get_object()
        if not services.reprocess(batch):
            return Response({"detail": "The batch is already waiting or running."}, status=status.HTTP_409_CONFLICT)
        batch.refresh_from_db()
        return Response(ImportBatchSerializer(batch).data, status=status.HTTP_202_ACCEPTED)
