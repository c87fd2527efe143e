"""Quarterly editions of the public figures, their files, and their publication to data.egov.bg.

An edition is immutable once visible: a correction issues a new version of the same quarter
(`2026-q3-v2`) with a note. Its figures are stored precomputed, one JSON payload per country,
province and municipality (shaped by `schema.py`, the allow-list), so the open site and the API
read one row per page instead of aggregating.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import AttemptStatus, FileFormat, Level


class EditionQuerySet(models.QuerySet):
    def visible(self) -> EditionQuerySet:
        """Editions whose figures and files all exist (they become visible in one transaction)."""
        return self.filter(is_visible=True)

    def latest_first(self) -> EditionQuerySet:
        return self.order_by("-year", "-quarter", "-version")


class Edition(models.Model):
    """A snapshot of the public figures on `as_of`, with a permanent address (its slug)."""

    slug = models.SlugField(_("edition"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    as_of = models.DateField(_("figures as of"))
    note = models.TextField(_("note"), blank=True, help_text=_("Public: what a correction changed."))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for editions issued by the quarterly job. Never shown publicly."),
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous edition"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_visible = models.BooleanField(_("visible"), default=False)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-year", "-quarter", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter", "version"],
                name="edition_unique_version_per_quarter",
                violation_error_message=_("This quarter already has an edition with this version."),
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4),
                name="edition_quarter_1_to_4",
                violation_error_message=_("A quarter is 1 to 4."),
            ),
        ]

    def __str__(self) -> str:
        return self.slug

    def get_absolute_url(self) -> str:
        return reverse("opendata:edition", kwargs={"edition": self.slug})

    @property
    def quarter_slug(self) -> str:
        return f"{self.year}-q{self.quarter}"

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Editions are never deleted: issue a corrected version instead.")


class EditionFigure(models.Model):
    """The public figures of one country, province or municipality in one edition (a JSON payload)."""

    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="figures")
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    code = models.CharField(_("code"), max_length=5, blank=True)
    payload = models.JSONField(_("figures"))

    class Meta:
        verbose_name = _("edition figures")
        verbose_name_plural = _("edition figures")
        ordering = ["edition_id", "level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "level", "code"],
                name="edition_figure_unique_code",
                violation_error_message=_("This edition already has figures for this code."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.edition_id} {self.level} {self.code}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("An edition's figures never change: issue a corrected version instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("An edition's figures are never deleted.")


class EditionFile(models.Model):
    """One download of an edition (CSV, JSON or XLSX), stored with it so it never changes."""

    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="files")
    format = models.CharField(_("format"), max_length=4, choices=FileFormat.choices)
    content = models.BinaryField(_("content"))
    byte_size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("edition file")
        verbose_name_plural = _("edition files")
        ordering = ["edition_id", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "format"],
                name="edition_file_unique_format",
                violation_error_message=_("This edition already has a file in this format."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.edition_id}.{self.format}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("An edition's files never change: issue a corrected version instead.")
        super().save(*args, **kwargs)


class DataEgovDataset(models.Model):
    """The dataset created once on data.egov.bg for the portal's figures (its URI is kept)."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    uri = models.CharField(_("dataset URI"), max_length=191)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("data.egov.bg dataset")
        verbose_name_plural = _("data.egov.bg datasets")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}: {self.uri}"


class Publication(models.Model):
    """The sending of one edition to data.egov.bg: one resource per edition, so history stays there.

    Keyed by the edition, so a retry continues where the last attempt stopped and never duplicates.
    """

    edition = models.OneToOneField(
        Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="publication"
    )
    resource_uri = models.CharField(_("resource URI"), max_length=191, blank=True)
    data_loaded = models.BooleanField(_("data loaded"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-edition__year", "-edition__quarter", "-edition__version"]

    def __str__(self) -> str:
        return f"{self.edition} → data.egov.bg"


class PublicationAttempt(models.Model):
    """One call to data.egov.bg: what was asked, when, and the answer (every call is a row)."""

    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.CASCADE, related_name="calls"
    )
    method = models.CharField(_("API method"), max_length=40)
    at = models.DateTimeField(_("at"))
    status = models.CharField(_("status"), max_length=10, choices=AttemptStatus.choices)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    response = models.TextField(_("response"), blank=True)

    class Meta:
        verbose_name = _("publication call")
        verbose_name_plural = _("publication calls")
        ordering = ["-at", "-id"]
        indexes = [
            # The ministry's publication page lists the latest calls.
            models.Index(fields=["-at"], name="opendata_call_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.status} ({self.at:%Y-%m-%d %H:%M})"
