"""The RegiX catalogue: registers and the query types (operations) they answer."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from municipalities.models import LocalizedNameMixin


class Register(LocalizedNameMixin, models.Model):
    """A base register reachable through RegiX, e.g. GRAO/NBD."""

    code = models.CharField(_("code"), max_length=100, unique=True)
    name_bg = models.CharField(_("name (Bulgarian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    owner = models.CharField(_("owner administration"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("register")
        verbose_name_plural = _("registers")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("catalog:register-detail", kwargs={"code": self.code})


class QueryType(models.Model):
    """A RegiX operation; the full operation name is the key used in usage files."""

    operation = models.CharField(_("operation"), max_length=300, unique=True)
    register = models.ForeignKey(
        Register, verbose_name=_("register"), on_delete=models.PROTECT, related_name="query_types"
    )
    adapter = models.CharField(_("adapter"), max_length=200, blank=True)
    name_bg = models.CharField(_("name (Bulgarian)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("query type")
        verbose_name_plural = _("query types")
        ordering = ["operation"]
        constraints = [
            models.CheckConstraint(
                name="query_type_valid_range",
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                violation_error_message=_("'Valid to' must not be before 'valid from'."),
            )
        ]

    def __str__(self) -> str:
        return self.short_name

    @property
    def short_name(self) -> str:
        """The method part of the operation, e.g. PersonDataSearch."""
        return self.operation.rsplit(".", 1)[-1]

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "bg").startswith("en"):
            return self.name_en or self.short_name
        return self.name_bg or self.short_name
