"""Bulgaria's administrative units from the NSI EKATTE classifier."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.db import models
from django.db.models import F, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import policy

from .choices import Category


def uses_english() -> bool:
    """Whether names show in English: the active language, read once where many names are picked."""
    return (get_language() or "bg").startswith("en")


def localized_name(name_bg: str, name_en: str, english: bool) -> str:
    """The English name in English when there is one, else the Bulgarian."""
    return name_en if english and name_en else name_bg


def localized_name_sql(path: str) -> Combinable:
    """`localized_name` in SQL, of the object at `path` (e.g. "municipality"): for COPY exports."""
    bulgarian = F(f"{path}__name_bg")
    if not uses_english():
        return bulgarian
    return Coalesce(NullIf(F(f"{path}__name_en"), Value("")), bulgarian)


class LocalizedNameMixin:
    """Picks the Bulgarian or English name by the active language."""

    name_bg: str
    name_en: str

    @property
    def name(self) -> str:
        return localized_name(self.name_bg, self.name_en, uses_english())


class Province(LocalizedNameMixin, models.Model):
    """An oblast (province); the NSI code such as VAR is its natural key."""

    code = models.CharField(_("NSI code"), max_length=3, unique=True)
    centre_ekatte = models.CharField(_("centre EKATTE"), max_length=5)
    name_bg = models.CharField(_("name (Bulgarian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    nuts2 = models.CharField(_("NUTS 2 region"), max_length=4)
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name_bg", "code"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class MunicipalityQuerySet(models.QuerySet):
    """Access helpers for municipalities, used by views, viewsets and tasks alike."""

    def visible_to(self, user) -> MunicipalityQuerySet:
        """The municipalities whose declarations, history and contacts the user may see."""
        return policy.declarations_scope(user).apply(self, municipality="pk")

    def editable_by(self, user) -> MunicipalityQuerySet:
        """The municipalities whose stages and contacts the user may change."""
        return policy.editable_scope(user).apply(self, municipality="pk")


class Municipality(LocalizedNameMixin, models.Model):
    """An obshtina; the NSI code such as VAR06 is its only unique key (names repeat)."""

    code = models.CharField(_("NSI code"), max_length=5, unique=True)
    seat_ekatte = models.CharField(_("seat EKATTE"), max_length=5, db_index=True)
    name_bg = models.CharField(_("name (Bulgarian)"), max_length=100, db_index=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="municipalities"
    )
    category = models.PositiveSmallIntegerField(_("NSI category"), choices=Category.choices, null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), default=0)
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name_bg", "code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("municipalities:detail", kwargs={"code": self.code})

    @staticmethod
    def absolute_urls() -> Callable[[str], str]:
        """get_absolute_url by code for many municipalities: reverse() once, each code put in its
        place (a table of 265 rows spent more time in reverse() than in its queries)."""
        marker = "0CODE0"
        pattern = reverse("municipalities:detail", kwargs={"code": marker})
        return lambda code: pattern.replace(marker, quote(code, safe=""))

    def natural_key(self) -> tuple[str]:
        return (self.code,)
