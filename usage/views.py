"""Pages of the usage app: batches, a batch with its rejected rows, the upload form, re-processing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from accounts import policy

from . import services
from .choices import Door
from .filters import ImportBatchFilterSet
from .forms import UploadForm
from .models import ImportBatch, ImportBatchQuerySet
from .outcome import outcome
from .tables import ImportBatchTable, OperatorBatchTable, RejectedRowTable


class BatchAccessMixin(LoginRequiredMixin):
    """Batches hold every municipality's figures: ministry, analysts and administrators only (403)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not policy.can_view_batches(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class BatchListView(BatchAccessMixin, SingleTableMixin, FilterView):  # type: ignore[misc]  # django-tables2 and django-filter ship no types: their classes are Any
    """Every import batch, newest first; `?_export=excel|csv|xlsx` downloads the filtered table."""

    table_class = ImportBatchTable
    filterset_class = ImportBatchFilterSet
    template_name = "usage/batch_list.html"

    def get_queryset(self) -> ImportBatchQuerySet:
        return ImportBatch.objects.visible_to(self.request.user).select_related("uploaded_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "can_upload": policy.can_upload_on_page(self.request.user)}


class BatchDetailView(LoginRequiredMixin, DetailView[ImportBatch]):
    """A batch: what happened, its warnings and its rejected rows (line, raw text, reason)."""

    template_name = "usage/batch_detail.html"
    context_object_name = "batch"

    def get_object(self, queryset: QuerySet[ImportBatch] | None = None) -> ImportBatch:
        if not policy.can_follow_batches(self.request.user):
            raise Http404
        return get_object_or_404(
            ImportBatch.objects.visible_to(self.request.user).select_related("uploaded_by"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        table = RejectedRowTable(self.object.rejected_rows.all())
        RequestConfig(self.request, paginate={"per_page": 100}).configure(table)
        context["rejected_table"] = table
        context["can_reprocess"] = policy.can_reprocess_batches(self.request.user)
        context["outcome"] = outcome(self.object)
        return context


class BatchStatusView(BatchDetailView):
    """The batch's outcome as JSON, polled by the batch page until the import ends (usage/batch.js)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        batch = self.get_object()
        data = {
            "id": batch.pk,
            "status": batch.status,
            "rows_read": batch.rows_read,
            "rows_accepted": batch.rows_accepted,
            "rows_rejected": batch.rows_rejected,
            **outcome(batch).as_dict(),
        }
        return JsonResponse(data, headers={"Cache-Control": "no-store"})


class MyFilesView(LoginRequiredMixin, SingleTableMixin, FormView[UploadForm]):  # type: ignore[misc]  # django-tables2 ships no types: its classes are Any
    """A service operator's own page: send a file, and follow every file they sent to its end."""

    form_class = UploadForm
    table_class = OperatorBatchTable
    template_name = "usage/my_files.html"
    table_pagination = {"per_page": 25}

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not policy.can_view_own_uploads(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    http_method_names = ["get"]  # the form posts to the upload page (UploadView)

    def get_table_data(self) -> ImportBatchQuerySet:
        user = self.request.user
        if not user.is_authenticated:  # never: dispatch sent them to sign in
            return ImportBatch.objects.none()
        return ImportBatch.objects.filter(uploaded_by=user).select_related("uploaded_by")


class ReprocessView(BatchDetailView):
    """Administrators apply the rules again to the kept file (POST, CSRF-protected)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        batch = self.get_object()
        if not policy.can_reprocess_batches(request.user):
            raise PermissionDenied
        if services.reprocess(batch):
            messages.success(request, _("Batch #%(id)d is queued to be processed again.") % {"id": batch.pk})
        else:
            messages.error(request, _("Batch #%(id)d is already waiting or running.") % {"id": batch.pk})
        return HttpResponseRedirect(batch.get_absolute_url())


class UploadView(LoginRequiredMixin, FormView[UploadForm]):
    """Ministry staff and administrators send a usage file; it is kept before anything else happens."""

    form_class = UploadForm
    template_name = "usage/upload.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not policy.can_upload_on_page(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: UploadForm) -> HttpResponse:
        upload = form.cleaned_data["file"]
        batch = services.receive_file(
            upload,
            file_name=upload.name,
            door=Door.UPLOAD,
            kind=form.cleaned_data["kind"],
            user=self.request.user,
            queue=False,
        )
        # No "received" banner: the batch page says what happened, and follows the import to its end.
        if not services.enqueue(batch.pk):
            messages.warning(
                self.request,
                _(
                    "The file was received and kept as batch #%(id)d, but the task queue is unavailable: "
                    "the import will start by itself as soon as the queue is back."
                )
                % {"id": batch.pk},
            )
        if _wants_json(self.request):
            return JsonResponse({"id": batch.pk, "url": batch.get_absolute_url()}, status=201)
        return HttpResponseRedirect(batch.get_absolute_url())

    def form_invalid(self, form: UploadForm) -> HttpResponse:
        if _wants_json(self.request):
            errors = [str(error) for errors in form.errors.values() for error in errors]
            return JsonResponse({"errors": errors}, status=400)
        return super().form_invalid(form)


def _wants_json(request: HttpRequest) -> bool:
    """The upload page's script sends the file itself (to show its progress) and asks for JSON."""
    return "application/json" in request.headers.get("Accept", "")


__all__ = [
    "BatchDetailView",
    "BatchListView",
    "BatchStatusView",
    "MyFilesView",
    "ReprocessView",
    "UploadView",
]
