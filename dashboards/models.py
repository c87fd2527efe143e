"""Figures the dashboards keep in the database for the trends page: the observed trend's past points
(trendpoints.py) and the past months' national volumes (volumes.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from adoption.choices import ServiceCode


class ObservedTrendPoint(models.Model):
    """How many municipalities used a service in the observed window ending on a past month's last day.

    A past point moves only when the rollups of its window change, so it is kept rather than computed
    again for every uncached trends page: the import computes the missing points in its own transaction
    (trendpoints.keep_missing), and triggers on the monthly rollups delete the points a change to them
    may move, whoever writes them (migration 0001). Keyed by the window's length: another setting
    simply finds no points and computes them.
    """

    service = models.CharField(_("service"), max_length=30, choices=ServiceCode.choices)
    window_days = models.PositiveSmallIntegerField(_("observed window (days)"))
    month = models.DateField(_("month"), help_text=_("The point is measured on this month's last day."))
    municipalities = models.PositiveIntegerField(_("municipalities observed"))

    class Meta:
        verbose_name = _("observed trend point")
        verbose_name_plural = _("observed trend points")
        constraints = [
            models.UniqueConstraint(fields=["service", "window_days", "month"], name="dashboards_trend_point_key")
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.month:%Y-%m} ({self.window_days} d): {self.municipalities}"


class MonthlyVolume(models.Model):
    """A past month's national totals of a service: RegiX queries per query type (keys are the query
    types' ids), SEOS documents sent and received.

    Kept for the trends page as the trend's points are (see volumes.py): counted by the import for
    the months missing, deleted by the rollups' triggers for the months a write to them touches.
    """

    service = models.CharField(_("service"), max_length=30, choices=ServiceCode.choices)
    month = models.DateField(_("month"))
    totals = models.JSONField(_("totals"), default=dict)

    class Meta:
        verbose_name = _("monthly national volume")
        verbose_name_plural = _("monthly national volumes")
        constraints = [models.UniqueConstraint(fields=["service", "month"], name="dashboards_monthly_volume_key")]

    def __str__(self) -> str:
        return f"{self.service} {self.month:%Y-%m}"
