"""The reports' facts: two read-only SQL views the reports' FilterSets narrow (see reports/filters.py).

Each is a view (migrations/0001), not a table, so the FilterSets can filter one QuerySet: the
usage report's facts span two rollup tables, the matrix's cells exist for every municipality ×
service whether anyone declared it or not. A column change in the tables they read must
recreate the views in the same migration (PostgreSQL refuses to alter a column a view uses).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import UsageService


class UsageMonth(models.Model):
    """One monthly rollup of either service: `usage.RegixMonthlyUsage` or `usage.SeosMonthlyUsage`."""

    pk = models.CompositePrimaryKey("service", "source_id")
    service = models.CharField(_("service"), max_length=10, choices=UsageService.choices)
    source_id = models.BigIntegerField(_("rollup id"), help_text=_("The id of the row in its service's rollup."))
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name=_("municipality"), on_delete=models.DO_NOTHING, related_name="+"
    )
    # RegiX only (SEOS has no query types): a join on it leaves SEOS out.
    query_type = models.ForeignKey(
        "catalog.QueryType", verbose_name=_("query type"), on_delete=models.DO_NOTHING, null=True, related_name="+"
    )
    requests = models.BigIntegerField(_("requests"), null=True)
    errors = models.BigIntegerField(_("errors"), null=True)
    sent = models.BigIntegerField(_("documents sent"), null=True)
    received = models.BigIntegerField(_("documents received"), null=True)

    class Meta:
        managed = False
        db_table = "reports_usagemonth"
        verbose_name = _("monthly usage (both services)")
        verbose_name_plural = _("monthly usage (both services)")

    def __str__(self) -> str:
        return f"{self.service} {self.month:%Y-%m} {self.municipality_id}"


class MatrixCell(models.Model):
    """One municipality × service and its declaration, if there is one (`adoption.Adoption`)."""

    pk = models.CompositePrimaryKey("municipality", "service")
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name=_("municipality"), on_delete=models.DO_NOTHING, related_name="+"
    )
    service = models.ForeignKey(
        "adoption.Service", verbose_name=_("service"), on_delete=models.DO_NOTHING, related_name="+"
    )
    adoption = models.ForeignKey(
        "adoption.Adoption",
        verbose_name=_("declared adoption"),
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
    )

    class Meta:
        managed = False
        db_table = "reports_matrixcell"
        verbose_name = _("adoption matrix cell")
        verbose_name_plural = _("adoption matrix cells")

    def __str__(self) -> str:
        return f"{self.municipality_id} × {self.service_id}"
