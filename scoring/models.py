"""The adoption index's method as versioned data, and targets with deadlines.

An `IndexMethod` is never edited: changing a weight saves a new version (see `services.new_method`),
so every index figure can name the version that produced it. A `Target` is a dated goal such as
"every municipality a real SEOS participant by 01.11.2018".
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, router
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from adoption.models import Service, Stage
from municipalities.models import LocalizedNameMixin

from .choices import AmountKind, Measure

UNIT = [MinValueValidator(0), MaxValueValidator(1)]


class IndexMethodQuerySet(models.QuerySet):
    def current(self) -> IndexMethod | None:
        """The newest version: pages and the API use it unless asked for another."""
        return self.order_by("-version").first()


class IndexMethod(models.Model):
    """One version of the index's weights. Immutable: a change is a new version."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    note = models.TextField(_("what changed"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, null=True, blank=True
    )

    objects = IndexMethodQuerySet.as_manager()

    class Meta:
        verbose_name = _("index method")
        verbose_name_plural = _("index methods")
        ordering = ["-version"]

    def __str__(self) -> str:
        return _("method v%(version)s") % {"version": self.version}

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("An index method is never changed: save a new version instead.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("scoring:method") + f"?method={self.version}"


class ServiceWeight(models.Model):
    """How much a service counts in the index, and how much a stage is worth without observed use."""

    method = models.ForeignKey(IndexMethod, on_delete=models.CASCADE, related_name="service_weights")
    # CASCADE, not PROTECT: a service or stage can be deleted only while nothing declares it (the
    # adoption history PROTECTs them), and then no figure can depend on its weight.
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="+")
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    unobserved_factor = models.DecimalField(
        _("factor without observed use"),
        max_digits=4,
        decimal_places=2,
        default=1,
        validators=UNIT,
        help_text=_("For services with usage reports: the share of the stage's worth kept when no use is observed."),
    )

    class Meta:
        verbose_name = _("service weight")
        verbose_name_plural = _("service weights")
        ordering = ["method", "service__order", "service__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["method", "service"],
                name="scoring_service_weight_unique",
                violation_error_message=_("This method already weighs this service."),
            ),
            models.CheckConstraint(
                name="scoring_unobserved_factor_unit",
                condition=Q(unobserved_factor__gte=0, unobserved_factor__lte=1),
                violation_error_message=_("The factor must be between 0 and 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.service}: {self.weight}"


class StageWeight(models.Model):
    """What a verified stage is worth (0 = nothing, 1 = full adoption) under one method."""

    method = models.ForeignKey(IndexMethod, on_delete=models.CASCADE, related_name="stage_weights")
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(_("worth"), max_digits=4, decimal_places=2, validators=UNIT)

    class Meta:
        verbose_name = _("stage worth")
        verbose_name_plural = _("stage worths")
        ordering = ["method", "stage__service__order", "stage__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["method", "stage"],
                name="scoring_stage_weight_unique",
                violation_error_message=_("This method already gives this stage a worth."),
            ),
            models.CheckConstraint(
                name="scoring_stage_score_unit",
                condition=Q(score__gte=0, score__lte=1),
                violation_error_message=_("A stage's worth must be between 0 and 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.stage}: {self.score}"


class Target(LocalizedNameMixin, models.Model):
    """A dated goal: a share or number of municipalities at a stage of a service, or observed using it."""

    name_bg = models.CharField(_("name (Bulgarian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(_("measure"), max_length=10, choices=Measure.choices, default=Measure.STAGE)
    stage = models.ForeignKey(
        Stage,
        verbose_name=_("stage"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a stage target: this stage or a later one that still counts."),
    )
    amount_kind = models.CharField(_("amount"), max_length=10, choices=AmountKind.choices, default=AmountKind.SHARE)
    amount = models.PositiveIntegerField(_("share or number"))
    baseline_date = models.DateField(_("baseline date"))
    deadline = models.DateField(_("deadline"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                name="scoring_target_deadline_after_baseline",
                condition=Q(deadline__gt=F("baseline_date")),
                violation_error_message=_("The deadline must come after the baseline date."),
            ),
            models.CheckConstraint(
                name="scoring_target_stage_given",
                condition=~Q(measure=Measure.STAGE) | Q(stage__isnull=False),
                violation_error_message=_("A stage target needs a stage."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scoring:target-detail", kwargs={"pk": self.pk})


def scoring_version() -> str:
    """Part of the dashboards' cache key for scoring figures: a new method version or target shows at once
    (the dashboards' data version already follows imports and the adoption history)."""
    methods, targets = IndexMethod._meta.db_table, Target._meta.db_table
    # One round trip: every served index reads it (scoring/served.py).
    with connections[router.db_for_read(IndexMethod)].cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT max(version) FROM {methods}), (SELECT count(*) FROM {targets}), "  # noqa: S608 - the models' tables
            f"(SELECT max(id) FROM {targets})"
        )
        last_method, count, last_target = cursor.fetchone()
    return f"m{last_method}:t{count}:{last_target}"
