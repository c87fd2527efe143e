"""Declared adoption of the central e-government services by the municipalities.

Services and their ordered stages are data an administrator edits. `Adoption` is the current
declaration of one municipality for one service; `AdoptionChange` is its append-only history,
from which the stage on any past date is computed (see `services.stages_on`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NoReturn

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import policy
from municipalities.models import LocalizedNameMixin, Municipality

from .choices import ChangeKind, Verification

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


class Service(LocalizedNameMixin, models.Model):
    """A central e-government service a municipality adopts, e.g. SEOS or RegiX.

    The code is a stable key: usage ingestion and the dashboards refer to services by it.
    """

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_bg = models.CharField(_("name (Bulgarian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def first_stage(self) -> Stage:
        """The stage of a municipality that has declared nothing for this service: the one home of that rule.

        Reads the prefetched stages when the caller has them (`services_with_stages`), else one query.
        """
        return next(iter(self.stages.all()), None)  # type: ignore[return-value]  # seeded with stages


class Stage(LocalizedNameMixin, models.Model):
    """One step of a service's adoption; `counts_as_adopted` says whether it is adoption."""

    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="stages")
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=40)
    name_bg = models.CharField(_("name (Bulgarian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    counts_as_adopted = models.BooleanField(_("counts as adopted"), default=False)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["service__order", "service__code", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "code"],
                name="stage_unique_code_per_service",
                violation_error_message=_("This service already has a stage with this code."),
            ),
            models.UniqueConstraint(
                fields=["service", "order"],
                name="stage_unique_order_per_service",
                violation_error_message=_("This service already has a stage at this position."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AdoptionQuerySet(models.QuerySet["Adoption"]):
    """Access helpers for declarations, used by views, viewsets and tasks alike."""

    def visible_to(self, user: User | AnonymousUser) -> AdoptionQuerySet:
        return policy.declarations_scope(user).apply(self)

    def editable_by(self, user: User | AnonymousUser) -> AdoptionQuerySet:
        return policy.editable_scope(user).apply(self)

    def verifiable_by(self, user: User | AnonymousUser) -> AdoptionQuerySet:
        """What the user may verify: for staff, everything but what they set themselves (four eyes)."""
        if not user.is_authenticated or not policy.can_verify_changes(user):
            return self.none()
        return self.exclude(set_by=user)

    def pending_verification_for(self, user: User | AnonymousUser) -> AdoptionQuerySet:
        """The ministry's queue, oldest first: the pending page and the pending API list exactly this."""
        return (
            self.verifiable_by(user)
            .filter(verification=Verification.UNVERIFIED)
            .select_related("municipality", "municipality__province", "service", "stage", "set_by")
            .defer("municipality__boundary", "municipality__province__boundary")
            .order_by("set_at", "id")
        )

    def delete(self) -> NoReturn:
        raise PermissionDenied("Declarations are never deleted: declare a new stage instead.")

    def stale(self, now: datetime | None = None) -> AdoptionQuerySet:
        """Declarations nobody has confirmed for more than ADOPTION_STALE_AFTER_DAYS."""
        return self.filter(last_confirmed_at__lt=stale_cutoff(now))


def stale_cutoff(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    return now - timedelta(days=settings.ADOPTION_STALE_AFTER_DAYS)


class Adoption(models.Model):
    """A municipality's current declaration for one service. Changed only through `services.py`."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="adoptions"
    )
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="adoptions")
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="adoptions")
    since = models.DateField(_("since"))
    evidence = models.CharField(_("evidence"), max_length=500, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"))
    verification = models.CharField(
        _("verification"), max_length=12, choices=Verification.choices, default=Verification.UNVERIFIED
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_comment = models.TextField(_("verification comment"), blank=True)
    last_confirmed_at = models.DateTimeField(_("last confirmed at"))

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("declared adoption")
        verbose_name_plural = _("declared adoptions")
        ordering = ["municipality__name_bg", "municipality__code", "service__order", "service__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "service"],
                name="adoption_unique_municipality_service",
                violation_error_message=_("This municipality already has a declaration for this service."),
            )
        ]
        indexes = [
            # The ministry's pending-verification queue and the reminder task filter on these.
            models.Index(fields=["verification", "set_at"], name="adoption_verification_idx"),
            models.Index(fields=["last_confirmed_at"], name="adoption_confirmed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.service}: {self.stage}"

    def get_absolute_url(self) -> str:
        return (
            reverse("municipalities:detail", kwargs={"code": self.municipality.code}) + f"#service-{self.service.code}"
        )

    @property
    def is_stale(self) -> bool:
        return self.last_confirmed_at < stale_cutoff()

    @property
    def replaced_stage_name(self) -> str:
        """The stage the latest change replaced, where `queue.with_replaced_stage` annotated it."""
        english = (get_language() or "bg").startswith("en")
        name_en = getattr(self, "replaced_stage_en", "")
        return (name_en if english and name_en else getattr(self, "replaced_stage_bg", "")) or ""

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionDenied("Declarations are never deleted: declare a new stage instead.")


class AdoptionChangeQuerySet(models.QuerySet["AdoptionChange"]):
    """The history refuses bulk updates and deletes: it is append-only."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionDenied("The adoption history is append-only: entries cannot be changed.")

    def bulk_update(
        self, objs: Iterable[AdoptionChange], fields: Iterable[str], batch_size: int | None = None
    ) -> NoReturn:
        raise PermissionDenied("The adoption history is append-only: entries cannot be changed.")

    def delete(self) -> NoReturn:
        raise PermissionDenied("The adoption history is append-only: entries cannot be deleted.")

    def visible_to(self, user: User | AnonymousUser) -> AdoptionChangeQuerySet:
        return policy.declarations_scope(user).apply(self)


class AdoptionChange(models.Model):
    """One entry of the append-only history: a stage change, a confirmation or a verification.

    `effective_date` is the date the stage took effect (the declaration's "since"); the past
    stage of a municipality is computed from stage entries by it.
    """

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="adoption_changes"
    )
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("kind"), max_length=12, choices=ChangeKind.choices, default=ChangeKind.STAGE)
    from_stage = models.ForeignKey(
        Stage, verbose_name=_("from stage"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_stage = models.ForeignKey(Stage, verbose_name=_("to stage"), on_delete=models.PROTECT, related_name="+")
    effective_date = models.DateField(_("effective date"))
    evidence = models.CharField(_("evidence"), max_length=500, blank=True)
    comment = models.TextField(_("comment"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adoption_changes",
        help_text=_("Empty for entries made by the system (e.g. demo data)."),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = AdoptionChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("adoption history entry")
        verbose_name_plural = _("adoption history")
        ordering = ["municipality_id", "service_id", "effective_date", "id"]
        indexes = [
            # services.stages_on / stage_on: the latest stage entry per pair on or before a date.
            models.Index(
                fields=["municipality", "service", "kind", "effective_date", "id"], name="adoption_change_stage_on_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.service}: {self.from_stage} → {self.to_stage} ({self.effective_date})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionDenied("The adoption history is append-only: entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionDenied("The adoption history is append-only: entries cannot be deleted.")


EIK_VALIDATOR = RegexValidator(r"^(\d{9}|\d{13})$", _("An EIK (BULSTAT) has 9 or 13 digits."))


class ContactQuerySet(models.QuerySet["MunicipalityContact"]):
    def visible_to(self, user: User | AnonymousUser) -> ContactQuerySet:
        return policy.declarations_scope(user).apply(self)


class MunicipalityContact(models.Model):
    """Whom the ministry calls about a municipality's e-government services; kept by its officers."""

    municipality = models.OneToOneField(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="contact"
    )
    eik = models.CharField(_("EIK of the administration"), max_length=13, blank=True, validators=[EIK_VALIDATOR])
    address = models.CharField(_("address"), max_length=300, blank=True)
    responsible_person = models.CharField(_("person responsible for e-government"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality contact")
        verbose_name_plural = _("municipality contacts")
        ordering = ["municipality__name_bg", "municipality__code"]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.responsible_person or '—'}"
