"""Choices of the reports app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from adoption.choices import ServiceCode


class UsageService(models.TextChoices):
    """The services whose usage the operators' files report (the codes of adoption.Service)."""

    REGIX = ServiceCode.REGIX.value, _("RegiX")
    SEOS = ServiceCode.SEOS.value, _("SEOS")


class UsageBreakdown(models.TextChoices):
    """What a RegiX row of the usage report is per: a register, or one of its query types."""

    REGISTER = "register", _("Register")
    QUERY_TYPE = "query_type", _("Query type")


# A municipality × service pair no declaration exists for: shown as "not declared".
NOT_DECLARED = "not_declared"


class MatrixVerification(models.TextChoices):
    """The adoption matrix's verification column: adoption's Verification, or no declaration at all."""

    UNVERIFIED = "unverified", _("Unverified")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    NOT_DECLARED = NOT_DECLARED, _("Not declared")
