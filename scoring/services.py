"""Writing index methods: a new version with every service and stage weighted, or nothing at all."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from adoption.choices import ServiceCode
from adoption.models import Service
from dashboards.snapshots import USAGE_ROLLUPS

from .models import IndexMethod, ServiceWeight, StageWeight

# The first version's weights: SEOS and RegiX, which the law names, count most.
DEFAULT_SERVICE_WEIGHTS = {
    ServiceCode.SEOS.value: 3,
    ServiceCode.REGIX.value: 3,
    "edelivery": 2,
    "eauth": 1,
    "epayment": 1,
    "backup": 1,
}
DEFAULT_UNOBSERVED_FACTOR = Decimal("0.5")


@dataclass(frozen=True)
class MethodInput:
    """Weights as given: service code -> (weight, factor without use); (service code, stage code) -> worth."""

    services: dict[str, tuple[Decimal, Decimal]]
    stages: dict[tuple[str, str], Decimal]


def default_input(services: list[Service]) -> MethodInput:
    """Stages before the adopted one go up evenly from 0 to 1; stages after it (suspended) are worth 0."""
    weights, worths = {}, {}
    for service in services:
        factor = DEFAULT_UNOBSERVED_FACTOR if service.code in USAGE_ROLLUPS else Decimal(1)
        weights[service.code] = (Decimal(DEFAULT_SERVICE_WEIGHTS.get(service.code, 1)), factor)
        stages = list(service.stages.all())
        adopted = next((i for i, s in enumerate(stages) if s.counts_as_adopted), len(stages) - 1)
        for i, stage in enumerate(stages):
            worth = Decimal(i) / Decimal(adopted) if 0 < i <= adopted else Decimal(0)
            worths[(service.code, stage.code)] = worth.quantize(Decimal("0.01"))
    return MethodInput(weights, worths)


def check_complete(given: MethodInput, services: list[Service]) -> None:
    """Every service and every stage weighted, in range, and some weight above zero; else ValidationError."""
    errors = []
    for service in services:
        if service.code not in given.services:
            errors.append(_("The service %(service)s has no weight.") % {"service": service.name})
        for stage in service.stages.all():
            if (service.code, stage.code) not in given.stages:
                errors.append(
                    _("The stage “%(stage)s” of %(service)s has no worth.")
                    % {"stage": stage.name, "service": service.name}
                )
    for weight, factor in given.services.values():
        if weight < 0 or not 0 <= factor <= 1:
            errors.append(_("Weights cannot be negative and factors must be between 0 and 1."))
            break
    if any(not 0 <= worth <= 1 for worth in given.stages.values()):
        errors.append(_("A stage's worth must be between 0 and 1."))
    if given.services and sum(w for w, _f in given.services.values()) <= 0:
        errors.append(_("At least one service needs a weight above zero."))
    if errors:
        raise ValidationError(errors)


def new_method(given: MethodInput, services: list[Service], note: str = "", user=None) -> IndexMethod:
    """Save the weights as the next version, in one transaction: all of it or nothing."""
    check_complete(given, services)
    with transaction.atomic():
        IndexMethod.objects.select_for_update().order_by("version").first()  # serialise version numbers
        version = (IndexMethod.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        method = IndexMethod.objects.create(version=version, note=note, created_by=user)
        ServiceWeight.objects.bulk_create(
            ServiceWeight(
                method=method, service=s, weight=given.services[s.code][0], unobserved_factor=given.services[s.code][1]
            )
            for s in services
        )
        StageWeight.objects.bulk_create(
            StageWeight(method=method, stage=stage, score=given.stages[(s.code, stage.code)])
            for s in services
            for stage in s.stages.all()
        )
    return method
