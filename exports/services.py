"""Background exports: create the job, build its registered source for its user, write the file, tell the user.

A job holds the source's registered name and the page's parameters, never a view.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.http import Http404, QueryDict
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from . import registry
from .choices import Flavour, JobStatus
from .formats import ExportStats, TooManyRowsError, write_xlsx
from .models import ExportJob

if TYPE_CHECKING:
    from .sources import ExportSource

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobResult:
    status: str
    rows: int | None
    error: str = ""


def find_or_create_job(
    *, user, source: str, arguments: dict, query_string: str, flavour: str, filename: str
) -> tuple[ExportJob, bool]:
    """The user's unfinished job for the same export, or a new one (a second click starts nothing)."""
    unfinished = ExportJob.objects.filter(
        user=user,
        source=source,
        arguments=arguments,
        query_string=query_string,
        flavour=flavour,
        status__in=[JobStatus.PENDING, JobStatus.RUNNING],
    ).first()
    if unfinished is not None:
        return unfinished, False
    job = ExportJob.objects.create(
        user=user,
        source=source,
        arguments=arguments,
        query_string=query_string,
        flavour=flavour,
        filename=filename,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    return job, True


def build_source(job: ExportJob) -> ExportSource:
    """The job's registered source for its user and filters, access checked as on the page.

    The rows therefore come from the source's own scoped queryset for that user: a job can
    never hold more than its owner may see now.
    """
    if not job.user.is_active:
        raise PermissionError(gettext("The account that asked for this export is no longer active."))
    source = registry.get(job.source)(job.user, QueryDict(job.query_string), job.arguments)
    try:
        source.check_access()
    except (PermissionDenied, Http404):
        raise PermissionError(gettext("The account that asked for this export may no longer see this table.")) from None
    return source


def write_file(source: ExportSource, flavour: str, path: Path, title: str) -> int:
    """Write the whole export to `path` (via a temporary file beside it); return the rows written."""
    stats = ExportStats()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as out:
            if flavour == Flavour.XLSX:
                write_xlsx(
                    out,
                    source.header(),
                    source.rows(),
                    title=title,
                    stats=stats,
                    column_formats=source.column_formats(),
                )
            else:
                for chunk in source.csv_chunks(flavour, stats):
                    out.write(chunk)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return stats.rows


def claim(job_id: int) -> bool:
    """Take a pending job; False if another worker already has it."""
    return bool(
        ExportJob.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
            status=JobStatus.RUNNING, started_at=timezone.now()
        )
    )


def run_job(job: ExportJob, base_url: str = "") -> JobResult:
    """1. Build the job's source for its user. 2. Write the file. 3. Record the outcome. 4. E-mail the user."""
    relative = Path(str(job.pk)) / job.filename_ascii
    with translation.override(job.language):
        try:
            source = build_source(job)
            title = source.get_title()
            rows = write_file(source, job.flavour, Path(settings.EXPORT_STORAGE_DIR) / relative, title)
        except Exception as exc:  # the job row, not the log, must say what went wrong
            logger.exception("Export job %s failed", job.pk)
            job.status, job.error, job.finished_at = JobStatus.FAILED, _describe(exc), timezone.now()
            job.save(update_fields=["status", "error", "finished_at"])
        else:
            job.status, job.row_count, job.file_path = JobStatus.DONE, rows, str(relative)
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "row_count", "file_path", "finished_at"])
    notify(job, base_url)
    return JobResult(status=job.status, rows=job.row_count, error=job.error)


def _describe(exc: Exception) -> str:
    if isinstance(exc, TooManyRowsError):
        return gettext(
            "The table grew to more than %(limit)s rows while it was written; an Excel workbook cannot hold it. "
            "Choose CSV or narrow the filters."
        ) % {"limit": exc.limit}
    return str(exc) or exc.__class__.__name__


def notify(job: ExportJob, base_url: str) -> bool:
    """E-mail the owner that the export is ready (with a link) or failed. False if they have no address."""
    if not job.user.email:
        return False
    with translation.override(job.language):
        context = {"job": job, "job_url": base_url.rstrip("/") + job.get_absolute_url()}
        if job.is_ready:
            context["download_url"] = base_url.rstrip("/") + job.get_download_url()
        subject = (
            gettext("Your export %(name)s is ready") if job.is_ready else gettext("Your export %(name)s failed")
        ) % {"name": job.filename}
        body = render_to_string("exports/email/job_finished.txt", context)
    send_mail(subject, body, None, [job.user.email])
    return True


def purge_expired(older_than) -> int:
    """Delete the files of exports finished before `older_than`; their rows stay, marked expired."""
    expired = ExportJob.objects.filter(status=JobStatus.DONE, finished_at__lt=older_than)
    count = 0
    for job in expired.iterator():
        job.path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            job.path.parent.rmdir()  # the job's own directory, if nothing else is in it
        ExportJob.objects.filter(pk=job.pk, status=JobStatus.DONE).update(status=JobStatus.EXPIRED, file_path="")
        count += 1
    return count


def fail_stale(started_before) -> int:
    """Mark jobs still waiting or running since before `started_before` as failed: their worker is gone."""
    stale = ExportJob.objects.filter(status__in=[JobStatus.PENDING, JobStatus.RUNNING], created_at__lt=started_before)
    return stale.update(
        status=JobStatus.FAILED,
        finished_at=timezone.now(),
        error=gettext("The export stopped before its file was written. Please ask for it again."),
    )
