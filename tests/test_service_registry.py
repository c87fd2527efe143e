"""One registry of services: the codes the code names are `adoption.choices.ServiceCode`; every other
service is a row; observed adoption links to its service; the stage rules each have one home."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from adoption import services
from adoption.choices import ServiceCode
from adoption.models import Service
from municipalities.models import Municipality
from usage.choices import Kind
from usage.models import ObservedAdoption

ROOT = Path(settings.BASE_DIR)
# Where a code may still be written out, and why.
ALLOWED = {
    "adoption/choices.py": "the registry itself",
    "usage/reader/detect.py": "names of a message's placeholders, not codes",
    "demo/adoption.py": "the demo app's data",
    "demo/usage.py": "the demo app's data",
    "egov_portal/settings/base.py": "settings are read before the apps load: the plausibility limits keyed by kind",
    "catalog/management/commands/import_regix_catalog.py": "the reference data's folder name",
}


def test_no_product_module_spells_a_service_code_out():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.split("/")[0] in {".venv", "tests", "bench", "scripts"} or "/migrations/" in relative:
            continue
        if relative in ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in set(ServiceCode.values):
                offenders.append(f"{relative}:{node.lineno} {node.value!r}")
    assert offenders == []


def test_the_usage_kinds_are_the_registrys_codes():
    assert set(Kind.values) == set(ServiceCode.values)


@pytest.mark.django_db
def test_every_registered_code_is_a_seeded_service():
    assert set(ServiceCode.values) <= set(Service.objects.values_list("code", flat=True))


@pytest.mark.django_db
def test_observed_adoption_links_to_its_service():
    varna = Municipality.objects.get(code="VAR06")
    row = ObservedAdoption.objects.create(
        municipality=varna, service_id=ServiceCode.REGIX, first_day=date(2024, 1, 1), last_day=date(2024, 2, 1)
    )
    assert row.service == Service.objects.get(code="regix")
    assert list(Service.objects.get(code="regix").observed_adoption.all()) == [row]
    with transaction.atomic():
        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")  # Django's foreign keys are deferred
        with pytest.raises(IntegrityError):
            ObservedAdoption.objects.create(
                municipality=varna, service_id="fax", first_day=date(2024, 1, 1), last_day=date(2024, 2, 1)
            )


@pytest.mark.django_db
def test_an_undeclared_pair_is_at_the_services_first_stage_everywhere():
    regix = Service.objects.get(code="regix")
    first = regix.first_stage()
    assert first.code == "not_requested"
    varna = Municipality.objects.get(code="VAR06")
    assert services.stage_on(varna, regix, date(2024, 1, 1)) == first
    assert services.stages_on(date(2024, 1, 1))[(varna.pk, "regix")] == first
    status = next(s for s in services.statuses_for(varna) if s.service.code == "regix")
    assert status.stage == first
