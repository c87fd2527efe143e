"""Exports too big for one request: each is a row, written to a file by a Celery task."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import policy

from .choices import Flavour, JobStatus
from .formats import ExportFilename


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> ExportJobQuerySet:
        """The jobs a user may see and download: their own; ministry staff see every job."""
        return policy.export_jobs_scope(user).apply(self, owner="user")


class ExportJob(models.Model):
    """One background export: who asked, for which export source and filters, and how it went."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="export_jobs"
    )
    source = models.CharField(
        _("export source"), max_length=200, help_text=_("The registered name of the exported table.")
    )
    arguments = models.JSONField(_("arguments"), default=dict, blank=True, help_text=_("The page's URL arguments."))
    query_string = models.TextField(_("filters"), blank=True, help_text=_("The page's query string."))
    flavour = models.CharField(_("format"), max_length=10, choices=Flavour.choices)
    language = models.CharField(_("language"), max_length=10, default="bg")
    filename = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    row_count = models.PositiveBigIntegerField(_("rows"), null=True, blank=True)
    file_path = models.CharField(
        _("file"), max_length=500, blank=True, help_text=_("Relative to the EXPORT_STORAGE_DIR setting.")
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The "my exports" page lists a user's jobs, newest first.
            models.Index(fields=["user", "-created_at"], name="exportjob_user_created"),
        ]

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("exports:detail", kwargs={"pk": self.pk})

    def get_download_url(self) -> str:
        return reverse("exports:download", kwargs={"pk": self.pk})

    @property
    def is_ready(self) -> bool:
        return self.status == JobStatus.DONE and bool(self.file_path)

    @property
    def filename_ascii(self) -> str:
        return ExportFilename(self.filename).ascii

    def content_disposition(self) -> str:
        return ExportFilename(self.filename).content_disposition()

    @property
    def path(self) -> Path:
        return Path(settings.EXPORT_STORAGE_DIR) / self.file_path
