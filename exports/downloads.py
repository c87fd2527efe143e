"""Serving a registered export source over HTTP: now (streamed) or as a background job.

A download never lies: the query runs, and the first chunk is written, before the response
starts; a failure up to then is an error page with its status (500, or 400 for a workbook too
big), never a 200 with a cut-off body.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from .choices import CONTENT_TYPES, XLSX_MAX_DATA_ROWS, Flavour
from .formats import ExportStats, TooManyRowsError, write_xlsx
from .services import find_or_create_job
from .sources import ExportSource
from .tasks import run_export_job

logger = logging.getLogger(__name__)

TRIGGER = "_export"  # ?_export=excel|csv|xlsx on a page that registered a source
# CSV written before the response starts: all of a small file, the first chunk of a big one.
BUFFER_BYTES = 1024 * 1024


def serve(
    request: HttpRequest, source_class: type[ExportSource], kwargs: dict[str, Any], flavour: str | None
) -> HttpResponseBase:
    """1. Refuse an unknown format. 2. Sign in and check access as the page does.
    3. Go to the background when the planner expects more than EXPORT_ASYNC_THRESHOLD_ROWS.
    4. Otherwise write the file now."""
    if flavour not in source_class.flavours:
        return HttpResponseBadRequest(
            gettext("Unknown export format %(format)r: choose one of %(choices)s.")
            % {"format": flavour, "choices": ", ".join(source_class.flavours)},
            content_type="text/plain; charset=utf-8",
        )
    if source_class.login_required and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    source = source_class(request.user, request.GET, kwargs)
    source.check_access()  # PermissionDenied, Http404, BadRequest: the branded error pages
    try:
        estimate = source.estimated_rows()
        if estimate is not None and estimate > settings.EXPORT_ASYNC_THRESHOLD_ROWS:
            if not request.user.is_authenticated:  # the finished file is announced by e-mail
                return redirect_to_login(request.get_full_path())
            return start_job(request, source, Flavour(flavour), estimate)
        return respond(request, source, Flavour(flavour))
    except Exception:
        logger.exception("Export %s failed before its first byte", source.source_name())
        return TemplateResponse(
            request, "exports/download_failed.html", {"query": query_without_export(request)}, status=500
        )


def respond(request: HttpRequest, source: ExportSource, flavour: Flavour) -> HttpResponseBase:
    export_name = source.filename(flavour)
    filename = export_name.unicode
    if flavour == Flavour.XLSX:
        # A workbook is a zip, written whole before it can be sent: on disk, never in memory.
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it
        stats = ExportStats()
        try:
            write_xlsx(
                spool,
                source.header(),
                source.rows(),
                title=source.get_title(),
                stats=stats,
                column_formats=source.column_formats(),
            )
        except TooManyRowsError as exc:
            spool.close()
            return refuse_xlsx(request, exc.rows)
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        response: StreamingHttpResponse = FileResponse(
            spool, content_type=CONTENT_TYPES[flavour], as_attachment=True, filename=filename
        )
        response["X-Row-Count"] = str(stats.rows)
        return response
    stats = ExportStats()
    body = _written_ahead(source.csv_chunks(flavour, stats))
    response = StreamingHttpResponse(body, content_type=CONTENT_TYPES[flavour])
    response["Content-Disposition"] = export_name.content_disposition()
    if isinstance(body, list):  # complete: the count is known (a streamed file's is not, yet)
        response["X-Row-Count"] = str(stats.rows)
    return response


def _written_ahead(chunks: Iterator[bytes]) -> list[bytes] | Iterator[bytes]:
    """The chunks written before the response starts: at least the first (which runs the query),
    up to BUFFER_BYTES. A file that fits is complete before its status is sent (and holds no
    cursor open); a bigger one streams on from the open cursor."""
    written: list[bytes] = []
    size = 0
    for chunk in chunks:
        written.append(chunk)
        size += len(chunk)
        if size > BUFFER_BYTES:
            return _primed(written, chunks)
    return written


def _primed(written: list[bytes], rest: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks already written, then the others; closing it closes the cursor's generator."""
    try:
        yield from written
        written.clear()
        yield from rest
    finally:
        close = getattr(rest, "close", None)
        if close is not None:
            close()


def refuse_xlsx(request: HttpRequest, rows: int) -> HttpResponse:
    context = {"rows": rows, "limit": XLSX_MAX_DATA_ROWS, "query": query_without_export(request)}
    return TemplateResponse(request, "exports/xlsx_refused.html", context, status=400)


def start_job(request: HttpRequest, source: ExportSource, flavour: Flavour, estimate: int) -> HttpResponse:
    """Hand the export to a Celery worker by the source's name and the page's parameters."""
    job, created = find_or_create_job(
        user=request.user,
        source=source.source_name(),
        arguments=source.kwargs,
        query_string=query_without_export(request),
        flavour=flavour,
        filename=source.filename(flavour).unicode,
    )
    if created:
        run_export_job.delay(job.pk, request.build_absolute_uri("/"))
        messages.info(
            request,
            gettext(
                "The table has about %(rows)s rows, too many to download at once. The file is being prepared; "
                "we will e-mail you when it is ready."
            )
            % {"rows": estimate},
        )
    return redirect(job)


def query_without_export(request: HttpRequest) -> str:
    query = request.GET.copy()
    for name in (TRIGGER, "page"):
        query.pop(name, None)
    return query.urlencode()
