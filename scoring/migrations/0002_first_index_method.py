"""The index method's first version and the law's two targets, so a fresh portal shows an index.

The weights are written here (not imported from scoring.services) so this migration keeps working
whatever the code becomes later.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

WEIGHTS = {"seos": 3, "regix": 3, "edelivery": 2, "eauth": 1, "epayment": 1, "backup": 1}
REPORTED = {"seos", "regix"}


def forwards(apps, schema_editor):
    Service = apps.get_model("adoption", "Service")
    IndexMethod = apps.get_model("scoring", "IndexMethod")
    ServiceWeight = apps.get_model("scoring", "ServiceWeight")
    StageWeight = apps.get_model("scoring", "StageWeight")
    Target = apps.get_model("scoring", "Target")
    Stage = apps.get_model("adoption", "Stage")
    if IndexMethod.objects.exists():
        return
    method = IndexMethod.objects.create(version=1, note="Първа версия / First version")
    for service in Service.objects.order_by("order", "code"):
        factor = Decimal("0.5") if service.code in REPORTED else Decimal(1)
        ServiceWeight.objects.create(
            method=method, service=service, weight=Decimal(WEIGHTS.get(service.code, 1)), unobserved_factor=factor
        )
        stages = list(Stage.objects.filter(service=service).order_by("order", "id"))
        adopted = next((i for i, s in enumerate(stages) if s.counts_as_adopted), len(stages) - 1)
        for i, stage in enumerate(stages):
            worth = Decimal(i) / Decimal(adopted) if 0 < i <= adopted else Decimal(0)
            StageWeight.objects.create(method=method, stage=stage, score=worth.quantize(Decimal("0.01")))
    seos_real = Stage.objects.filter(service__code="seos", code="real").first()
    if seos_real is not None:
        Target.objects.create(
            name_bg="Всяка община – реален участник в СЕОС",
            name_en="Every municipality a real SEOS participant",
            service=seos_real.service,
            measure="stage",
            stage=seos_real,
            amount_kind="share",
            amount=100,
            baseline_date=date(2017, 6, 1),
            deadline=date(2018, 11, 1),
        )
    regix = Service.objects.filter(code="regix").first()
    if regix is not None:
        Target.objects.create(
            name_bg="RegiX се ползва от 200 общини",
            name_en="RegiX used by 200 municipalities",
            service=regix,
            measure="observed",
            amount_kind="count",
            amount=200,
            baseline_date=date(2018, 8, 31),
            deadline=date(2027, 12, 31),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0001_index_methods_and_targets"),
        ("adoption", "0002_seed_services"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
