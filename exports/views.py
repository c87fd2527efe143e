"""The export mixin for table pages, and the "my exports" pages of background exports."""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView
from django_tables2 import RequestConfig, SingleTableView

from .choices import CONTENT_TYPES, XLSX_MAX_DATA_ROWS, Flavour
from .formats import ExportFilename, TooManyRowsError, export_filename, write_xlsx
from .models import ExportJob
from .services import find_or_create_job
from .sources import ExportSource, TableSource
from .tables import ExportJobTable


class TableExportMixin:
    """`?_export=excel|csv|xlsx` on a SingleTableMixin (+ FilterView) page downloads its table.

    Put it first in the bases: `class V(TableExportMixin, SingleTableMixin, FilterView)`.
    The export is the filtered, sorted table of the page, every row of it (not one page),
    from the view's own get_queryset, so a user exports only what they may see. Views over
    big aggregates override `get_export_source` to return an `SQLSource` (PostgreSQL COPY).
    """

    export_trigger_param = "_export"
    export_flavours: tuple[str, ...] = (Flavour.EXCEL, Flavour.CSV, Flavour.XLSX)
    export_name = _("export")  # the start of the file name, in the user's language
    exclude_columns: tuple[str, ...] = ()

    def get(self, request, *args, **kwargs):
        flavour = request.GET.get(self.export_trigger_param)
        if flavour is None:
            return super().get(request, *args, **kwargs)
        if flavour not in self.export_flavours:
            return HttpResponseBadRequest(
                gettext("Unknown export format %(format)r: choose one of %(choices)s.")
                % {"format": flavour, "choices": ", ".join(self.export_flavours)},
                content_type="text/plain; charset=utf-8",
            )
        return self.export(Flavour(flavour))

    def get_context_data(self, **kwargs):
        """`export` for exports/_download_links.html: the row count and one link per flavour."""
        context = super().get_context_data(**kwargs)
        table = context.get("table")
        rows = table.paginator.count if getattr(table, "paginator", None) else len(table.rows) if table else 0
        help_texts = {
            Flavour.EXCEL: _("choose this to open the table in Excel: Cyrillic letters and columns come out right."),
            Flavour.CSV: _("for scripts, databases and LibreOffice: UTF-8, comma-separated."),
            Flavour.XLSX: _("a workbook with real numbers and dates; at most %(limit)s rows.")
            % {"limit": f"{XLSX_MAX_DATA_ROWS:,}".replace(",", "\u00a0")},
        }
        links = []
        for flavour in self.export_flavours:
            query = self.request.GET.copy()
            query.pop("page", None)
            query[self.export_trigger_param] = flavour
            links.append(
                {
                    "flavour": flavour,
                    "label": Flavour(flavour).label,
                    "help": help_texts.get(flavour, ""),
                    "url": "?" + query.urlencode(),
                    "available": not (flavour == Flavour.XLSX and rows > XLSX_MAX_DATA_ROWS),
                }
            )
        context["export"] = {
            "rows": rows,
            "links": links,
            "background": rows > settings.EXPORT_ASYNC_THRESHOLD_ROWS,
        }
        return context

    # ---- what is exported --------------------------------------------------------------------

    def get_export_object_list(self):
        """The rows of the page before pagination: django-filter's FilterView.get, without rendering."""
        if not hasattr(self, "get_filterset_class"):
            return self.get_queryset()
        self.filterset = self.get_filterset(self.get_filterset_class())
        if not self.filterset.is_bound or self.filterset.is_valid() or not self.get_strict():
            return self.filterset.qs
        return self.filterset.queryset.none()

    def get_export_table(self):
        """The page's table, sorted as on the page (`?sort=`), with all rows instead of one page."""
        self.object_list = self.get_export_object_list()
        table = self.get_table_class()(data=self.get_table_data(), **self.get_table_kwargs())
        return RequestConfig(self.request, paginate=False).configure(table)

    def get_export_source(self) -> ExportSource:
        return TableSource(self.get_export_table(), exclude_columns=self.exclude_columns)

    def get_export_name_parts(self) -> list[str]:
        """Words of the file name, e.g. ['общини', 'област Варна']; add the active filters."""
        return [str(self.export_name)]

    def get_export_title(self) -> str:
        return str(self.export_name)

    def get_export_filename(self, flavour: str) -> ExportFilename:
        return export_filename(self.get_export_name_parts(), flavour)

    # ---- how ------------------------------------------------------------------------------------

    def export(self, flavour: Flavour) -> HttpResponse:
        """1. Count the rows. 2. Refuse what an XLSX sheet cannot hold. 3. Go to the background
        above EXPORT_ASYNC_THRESHOLD_ROWS. 4. Otherwise stream the file now."""
        source = self.get_export_source()
        rows = source.count()
        if flavour == Flavour.XLSX and rows > XLSX_MAX_DATA_ROWS:
            return self.refuse_export(rows)
        if rows > settings.EXPORT_ASYNC_THRESHOLD_ROWS:
            return self.start_export_job(flavour, rows)
        return self.export_response(source, flavour, rows)

    def export_response(self, source: ExportSource, flavour: Flavour, rows: int) -> HttpResponse:
        filename = self.get_export_filename(flavour)
        if flavour == Flavour.XLSX:
            # A workbook is a zip, written whole before it can be sent: on disk, never in memory.
            spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it
            try:
                write_xlsx(spool, source.header(), source.rows(), title=self.get_export_title())
            except TooManyRowsError as exc:  # the table grew past a sheet after it was counted
                spool.close()
                return self.refuse_export(exc.rows)
            spool.seek(0)
            response: HttpResponse = FileResponse(spool, content_type=CONTENT_TYPES[flavour])
        else:
            response = StreamingHttpResponse(source.csv_chunks(flavour), content_type=CONTENT_TYPES[flavour])
        response["Content-Disposition"] = filename.content_disposition()
        response["X-Row-Count"] = str(rows)
        return response

    def refuse_export(self, rows: int) -> HttpResponse:
        context = {"rows": rows, "limit": XLSX_MAX_DATA_ROWS, "query": self._query_without_export()}
        return TemplateResponse(self.request, "exports/xlsx_refused.html", context, status=400)

    def start_export_job(self, flavour: Flavour, rows: int) -> HttpResponse:
        from .tasks import run_export_job

        request = self.request
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        match = request.resolver_match
        job, created = find_or_create_job(
            user=request.user,
            view_name=match.view_name,
            view_kwargs=dict(match.kwargs),
            query_string=self._query_without_export(),
            flavour=flavour,
            filename=self.get_export_filename(flavour).unicode,
        )
        if created:
            run_export_job.delay(job.pk, request.build_absolute_uri("/"))
            messages.info(
                request,
                gettext(
                    "The table has %(rows)s rows, too many to download at once. The file is being prepared; "
                    "we will e-mail you when it is ready."
                )
                % {"rows": rows},
            )
        return redirect(job)

    def _query_without_export(self) -> str:
        query = self.request.GET.copy()
        for name in (self.export_trigger_param, "page"):
            query.pop(name, None)
        return query.urlencode()


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
