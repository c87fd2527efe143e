"""The download of a page-less export source, and the "my exports" pages of background exports."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import DetailView
from django_tables2 import SingleTableView

from . import registry
from .choices import CONTENT_TYPES
from .downloads import TRIGGER, serve
from .models import ExportJob
from .tables import ExportJobTable


class SourceDownloadView(View):
    """`/exports/download/<name>/?_export=csv&...`: a registered source that has no page of its own
    (a batch's rejected rows, say); the page-less twin of `?_export=` on a page."""

    def get(self, request, name: str):
        try:
            source_class = registry.get(name)
        except LookupError:
            raise Http404("No such export.") from None
        flavour = request.GET.get(TRIGGER) or source_class.flavours[0]
        return serve(request, source_class, {}, flavour)


class ExportJobListView(LoginRequiredMixin, SingleTableView):
    """The signed-in user's background exports, newest first."""

    model = ExportJob
    table_class = ExportJobTable
    template_name = "exports/exportjob_list.html"

    def get_queryset(self):
        return ExportJob.objects.filter(user=self.request.user)


class ExportJobDetailView(LoginRequiredMixin, DetailView):
    model = ExportJob
    template_name = "exports/exportjob_detail.html"
    context_object_name = "job"

    def get_queryset(self):
        return ExportJob.objects.visible_to(self.request.user).select_related("user")


class ExportJobDownloadView(LoginRequiredMixin, View):
    """The finished file, to its owner and ministry staff only; anyone else gets 404."""

    def get(self, request, pk: int):
        job = get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk)
        if not job.is_ready:
            raise Http404("This export is not ready.")
        try:
            handle = job.path.open("rb")
        except FileNotFoundError:
            raise Http404("The file of this export is gone.") from None
        response = FileResponse(handle, content_type=CONTENT_TYPES[job.flavour])
        response["Content-Disposition"] = job.content_disposition()
        response["X-Row-Count"] = str(job.row_count)
        return response
