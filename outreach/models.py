"""The outreach log (cases), scorecard subscriptions and their recorded deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from adoption.models import Service, Stage
from municipalities.models import Municipality, Province
from scoring.models import Target

from .choices import CaseKind, CaseSource, CaseStatus, ContactRole, DeliveryStatus


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> CaseQuerySet:
        """Officers see the cases about their municipality; ministry and analysts see all."""
        return self.filter(municipality__in=Municipality.objects.visible_to(user))

    def open(self) -> CaseQuerySet:
        return self.filter(status=CaseStatus.OPEN)


class Case(models.Model):
    """A contact with a municipality to move it on: what was agreed, by when, and a follow-up."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="outreach_cases"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CaseKind.choices)
    source = models.CharField(
        _("opened from"), max_length=15, choices=CaseSource.choices, default=CaseSource.MUNICIPALITY
    )
    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contacted_on = models.DateField(_("contacted on"))
    agreed = models.TextField(_("what was agreed"))
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed_stage = models.ForeignKey(
        Stage,
        verbose_name=_("agreed stage"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The case closes by itself when this stage (or a later one) is verified."),
    )
    promised_date = models.DateField(_("promised date"), null=True, blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    reminded_on = models.DateField(_("reminder sent on"), null=True, blank=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="outreach_cases"
    )
    internal_note = models.TextField(_("internal note"), blank=True, help_text=_("Only ministry staff see this note."))
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_automatically = models.BooleanField(_("closed by itself"), default=False)
    close_reason = models.TextField(_("reason for closing"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("outreach case")
        verbose_name_plural = _("outreach cases")
        ordering = ["-contacted_on", "-id"]
        indexes = [
            # The open cases page (by owner and due date) and the daily follow-up task.
            models.Index(fields=["status", "follow_up_on"], name="outreach_case_status_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="outreach_case_closed_has_date",
                condition=Q(status=CaseStatus.OPEN) | Q(closed_on__isnull=False),
                violation_error_message=_("A closed case needs the date it was closed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.get_kind_display()} {self.contacted_on:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("outreach:case-detail", kwargs={"pk": self.pk})

    @property
    def due(self):
        return self.follow_up_on or self.promised_date


class SubscriptionQuerySet(models.QuerySet):
    def active(self) -> SubscriptionQuerySet:
        return self.filter(paused=False)


class Subscription(models.Model):
    """Who receives a monthly scorecard: a municipality's (officers, mayor, secretary) or a province's."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=12, choices=ContactRole.choices, default=ContactRole.OTHER)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    paused = models.BooleanField(_("paused"), default=False)
    paused_reason = models.CharField(_("why paused"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("scorecard subscription")
        verbose_name_plural = _("scorecard subscriptions")
        ordering = ["province__name_bg", "municipality__name_bg", "email", "id"]
        constraints = [
            models.CheckConstraint(
                name="outreach_subscription_one_area",
                condition=Q(municipality__isnull=False, province__isnull=True)
                | Q(municipality__isnull=True, province__isnull=False),
                violation_error_message=_("A subscription is to one municipality's or one province's scorecard."),
            ),
            models.UniqueConstraint(
                fields=["municipality", "email"],
                name="outreach_subscription_unique_municipality",
                violation_error_message=_("This address already receives this municipality's scorecard."),
            ),
            models.UniqueConstraint(
                fields=["province", "email"],
                name="outreach_subscription_unique_province",
                violation_error_message=_("This address already receives this province's scorecard."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} – {self.municipality or self.province}"


class Delivery(models.Model):
    """One scorecard for one period to one subscription: the record that makes sending happen once."""

    subscription = models.ForeignKey(
        Subscription, verbose_name=_("subscription"), on_delete=models.CASCADE, related_name="deliveries"
    )
    period = models.DateField(_("period"), help_text=_("The first day of the month the scorecard covers."))
    email = models.EmailField(_("e-mail"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("scorecard delivery")
        verbose_name_plural = _("scorecard deliveries")
        ordering = ["-period", "subscription_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period"],
                name="outreach_delivery_once_per_period",
                violation_error_message=_("This scorecard was already recorded for this period."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.email}: {self.status}"
