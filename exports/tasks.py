"""Celery tasks of the exports app: thin wrappers over exports.services."""

from __future__ import annotations

from celery import shared_task

from .models import ExportJob
from .services import claim, run_job


@shared_task(acks_late=False, ignore_result=True)
def run_export_job(job_id: int, base_url: str = "") -> str:
    """Write the file of a pending export job and e-mail its owner; a job already taken is left alone."""
    if not claim(job_id):
        return "skipped"
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    return run_job(job, base_url).status
