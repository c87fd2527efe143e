"""Usage statistics sent by the service operators: import batches, daily facts and monthly rollups.

Daily facts are what the files carry; monthly rollups and observed adoption are derived from them by
each import, in the same transaction, so dashboards never aggregate daily rows on a request.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy

from .choices import Door, Kind, Status

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from accounts.models import User


def _usage_reference(to: str, verbose_name: StrOrPromise) -> models.ForeignKey[Any, Any]:
    """A reference from usage figures to a municipality or a query type: protected in Django, and
    without a per-row foreign key or an index of its own in the database (the daily facts' and the
    rollups' comments say why and what checks and finds them instead)."""
    return models.ForeignKey(
        to, verbose_name=verbose_name, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )


class ImportBatchQuerySet(models.QuerySet["ImportBatch"]):
    """Access helpers for batches, used by pages, the API and the tasks alike."""

    def visible_to(self, user: User | AnonymousUser) -> ImportBatchQuerySet:
        """Batches carry every municipality's figures: officers never see them; operators see their own."""
        return policy.batches_scope(user).apply(self, owner="uploaded_by")


def batch_upload_to(batch: ImportBatch, filename: str) -> str:
    """usage/2026/11/<first 16 hex of the sha256>-<name>: the original name, never overwritten."""
    return f"usage/{timezone.now():%Y/%m}/{batch.sha256[:16]}-{filename}"


class ImportBatch(models.Model):
    """One file received through one door, and what importing it did. Every import is a row."""

    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=Kind.choices,
        blank=True,
        help_text=_("Empty until the import has read the header, when the sender did not say."),
    )
    file = models.FileField(_("file"), upload_to=batch_upload_to, max_length=500)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    door = models.CharField(_("door"), max_length=10, choices=Door.choices)
    source_path = models.CharField(
        _("inbox copy"), max_length=500, blank=True, help_text=_("Where the inbox door archived the file.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="usage_batches",
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # A fresh token per claim: only the worker holding the current token may finish the batch.
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_accepted = models.PositiveIntegerField(_("rows accepted"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    error = models.TextField(_("error"), blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The beat task that re-queues pending and stale running batches.
            models.Index(fields=["status", "created_at"], name="usage_batch_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="usage_batch_rows_add_up",
                condition=Q(rows_accepted__lte=models.F("rows_read")) & Q(rows_rejected__lte=models.F("rows_read")),
                violation_error_message=_("Accepted and rejected rows cannot exceed the rows read."),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("usage:batch-detail", kwargs={"pk": self.pk})

    @property
    def duration(self) -> timedelta | None:
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class RejectedRow(models.Model):
    """A row of a batch's file that failed validation: kept with its line, raw text and reason."""

    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("batch"),
        on_delete=models.CASCADE,
        related_name="rejected_rows",
        db_index=False,  # the (batch, line) index below serves it
    )
    line = models.PositiveIntegerField(_("line"))
    raw = models.TextField(_("raw text"))
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("rejected row")
        verbose_name_plural = _("rejected rows")
        ordering = ["batch", "line"]
        indexes = [
            # The batch page and its CSV download list a batch's rows by line.
            models.Index(fields=["batch", "line"], name="usage_rejected_batch_line_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.line}"


class RegixDailyUsage(models.Model):
    """RegiX queries of one municipality's administration with one query type on one day.

    The natural key is Django's primary key but has NO unique index in the database
    (migration 0002, docs/ingestion.md "Why the daily facts have no unique index"): maintaining that
    btree cost 1.6 s of a million-row import. The import alone writes this table and keeps one row per
    key itself (keys added up within a file, replaced across files, one import per kind at a time);
    it finds a file's months through the BRIN index on the date. Every other reader goes through the
    monthly rollups.
    """

    pk = models.CompositePrimaryKey("date", "municipality_id", "query_type_id")
    date = models.DateField(_("date"))
    # No database-level foreign keys on the daily facts: Django's are deferred to the commit and cost
    # two trigger calls per row (a third of a million-row import). Integrity holds all the same: the
    # import resolves every id from the tables in the same run, and each fact's (municipality, query
    # type) gets a monthly rollup row in the same transaction, whose references ARE checked (by
    # statement, see RegixMonthlyUsage).
    municipality = _usage_reference("municipalities.Municipality", _("municipality"))
    query_type = _usage_reference("catalog.QueryType", _("query type"))
    requests = models.PositiveBigIntegerField(_("requests"))
    errors = models.PositiveBigIntegerField(_("errors"), default=0)

    class Meta:
        verbose_name = _("RegiX daily usage")
        verbose_name_plural = _("RegiX daily usage")
        ordering = ["date", "municipality", "query_type"]
        constraints = [
            models.CheckConstraint(
                name="usage_regix_daily_errors_lte_requests",
                condition=Q(errors__lte=models.F("requests")),
                violation_error_message=_("Errors cannot exceed requests."),
            ),
        ]
        indexes = [
            # The import: whether a file's months hold facts, and the replacement and rollup
            # recomputation of a month range. Rows arrive day by day, so block ranges map to dates.
            # BRIN: a few pages summarising each range of the heap's blocks, nearly free on insert.
            BrinIndex(fields=["date"], name="usage_regix_daily_date_brin", autosummarize=True),
        ]
        # No index on municipality or query type alone: retiring one that has usage is refused
        # (PROTECT) and is rare.

    def __str__(self) -> str:
        return f"{self.date} {self.municipality_id} {self.query_type_id}: {self.requests}"


class SeosDailyUsage(models.Model):
    """Documents one municipality's administration sent and received through SEOS on one day.

    The natural key (day, municipality) is Django's primary key, without a unique index in the
    database, for the same reasons as RegiX's and through the same import code.
    """

    pk = models.CompositePrimaryKey("date", "municipality_id")
    date = models.DateField(_("date"))
    # No database-level foreign key, as for RegiX: the monthly rollup's checks cover it.
    municipality = _usage_reference("municipalities.Municipality", _("municipality"))
    sent = models.PositiveBigIntegerField(_("documents sent"))
    received = models.PositiveBigIntegerField(_("documents received"))

    class Meta:
        verbose_name = _("SEOS daily usage")
        verbose_name_plural = _("SEOS daily usage")
        ordering = ["date", "municipality"]
        indexes = [
            # The import, as for RegiX.
            BrinIndex(fields=["date"], name="usage_seos_daily_date_brin", autosummarize=True),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.municipality_id}: {self.sent}/{self.received}"


class RegixMonthlyUsage(models.Model):
    """Monthly RegiX totals per municipality and query type, maintained by the import.

    The references to the municipality and the query type are checked by the database once per
    statement, not per row (migration 0005): a foreign key's deferred per-row checks cost 0.33 s of a
    million-row import's 2.3 s. Triggers with transition tables lock and look up the referenced rows
    of all the statement's rows at once, and refuse deleting or renumbering a referenced row, as the
    foreign keys did."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    municipality = _usage_reference("municipalities.Municipality", _("municipality"))
    # Not indexed on its own: every reader comes through a month range or a municipality (the two
    # indexes below), and a third btree cost every import 1 µs a rollup written (usage migration 0006).
    query_type = _usage_reference("catalog.QueryType", _("query type"))
    requests = models.PositiveBigIntegerField(_("requests"))
    errors = models.PositiveBigIntegerField(_("errors"))
    active_days = models.PositiveSmallIntegerField(_("days with queries"))
    first_day = models.DateField(_("first day with queries"), null=True, blank=True)
    last_day = models.DateField(_("last day with queries"), null=True, blank=True)

    class Meta:
        verbose_name = _("RegiX monthly usage")
        verbose_name_plural = _("RegiX monthly usage")
        ordering = ["month", "municipality", "query_type"]
        constraints = [
            # The rollup upsert key; also a municipality's page (its months, per query type) and
            # observed adoption (first/last day per municipality).
            models.UniqueConstraint(
                fields=["municipality", "query_type", "month"],
                name="usage_regix_monthly_key",
                violation_error_message=_("There is already a total for this month, municipality and query type."),
            ),
        ]
        indexes = [
            # National dashboards: a month range, optionally one register through its query types.
            models.Index(fields=["month", "query_type"], name="usage_regix_monthly_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.municipality_id} {self.query_type_id}: {self.requests}"


class SeosMonthlyUsage(models.Model):
    """Monthly SEOS totals per municipality, maintained by the import; the reference to the
    municipality checked by statement, as RegixMonthlyUsage's."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    municipality = _usage_reference("municipalities.Municipality", _("municipality"))
    sent = models.PositiveBigIntegerField(_("documents sent"))
    received = models.PositiveBigIntegerField(_("documents received"))
    active_days = models.PositiveSmallIntegerField(_("days with documents"))
    first_day = models.DateField(_("first day with documents"), null=True, blank=True)
    last_day = models.DateField(_("last day with documents"), null=True, blank=True)

    class Meta:
        verbose_name = _("SEOS monthly usage")
        verbose_name_plural = _("SEOS monthly usage")
        ordering = ["month", "municipality"]
        constraints = [
            # The rollup upsert key; a municipality's page; observed adoption.
            models.UniqueConstraint(
                fields=["municipality", "month"],
                name="usage_seos_monthly_key",
                violation_error_message=_("There is already a total for this month and municipality."),
            ),
        ]
        indexes = [
            # National dashboards: a month range over all municipalities.
            models.Index(fields=["month"], name="usage_seos_monthly_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.municipality_id}: {self.sent}/{self.received}"


class ObservedAdoption(models.Model):
    """First and last day a municipality used a service, as the usage files show it."""

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="observed_adoption",
        db_index=False,
    )
    # Keyed by the service's code (to_field), in the same column as before: the import's SQL writes codes.
    service = models.ForeignKey(
        "adoption.Service",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        to_field="code",
        db_column="service",
        related_name="observed_adoption",
        db_index=False,  # the unique key (municipality, service) serves the municipality's lookups
    )
    first_day = models.DateField(_("first day of use"))
    last_day = models.DateField(_("last day of use"))

    class Meta:
        verbose_name = _("observed adoption")
        verbose_name_plural = _("observed adoption")
        ordering = ["service", "municipality"]
        constraints = [
            # The import's upsert key and a municipality's page.
            models.UniqueConstraint(
                fields=["municipality", "service"],
                name="usage_observed_adoption_key",
                violation_error_message=_("This municipality already has an observed adoption of this service."),
            ),
            models.CheckConstraint(
                name="usage_observed_adoption_range",
                condition=Q(last_day__gte=models.F("first_day")),
                violation_error_message=_("The last day of use cannot be before the first."),
            ),
        ]
        indexes = [
            # Adoption dashboards: how many municipalities had started using a service by a date.
            models.Index(fields=["service", "first_day"], name="usage_adoption_service_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.service} {self.first_day}–{self.last_day}"
