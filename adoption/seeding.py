"""The initial services and their adoption stages.

Used by the data migration and by `manage.py seed_services`. Seeding only adds what is
missing, by code: an administrator's later renames and reorderings are never overwritten.
"""

from __future__ import annotations

from typing import Any

from .choices import ServiceCode

# (code, name_bg, name_en, [(stage code, name_bg, name_en, counts_as_adopted), ...])
SERVICES: list[tuple[str, str, str, list[tuple[str, str, str, bool]]]] = [
    (
        ServiceCode.SEOS.value,
        "СЕОС (система за електронен обмен на съобщения)",
        "SEOS (electronic document exchange)",
        [
            ("not_applied", "Не е кандидатствала", "Not applied", False),
            ("applied", "Подадено заявление", "Applied", False),
            ("test", "Присъединена в тестова среда", "Joined in test", False),
            ("real", "Реален участник", "Real participant", True),
            ("suspended", "Спряна", "Suspended", False),
        ],
    ),
    (
        ServiceCode.REGIX.value,
        "RegiX (справки от регистрите)",
        "RegiX (register queries)",
        [
            ("not_requested", "Не е заявен достъп", "Not requested", False),
            ("access_requested", "Заявен достъп", "Access requested", False),
            ("access_granted", "Предоставен достъп", "Access granted", False),
            ("production", "В реална употреба", "In production use", True),
            ("suspended", "Спрян", "Suspended", False),
        ],
    ),
    (
        "edelivery",
        "ССЕВ (система за сигурно електронно връчване)",
        "eDelivery (secure electronic delivery)",
        [
            ("no_profile", "Няма профил", "No profile", False),
            ("applied", "Заявен профил", "Profile requested", False),
            ("active", "Активен профил", "Active profile", True),
            ("suspended", "Спрян", "Suspended", False),
        ],
    ),
    (
        "eauth",
        "Електронна автентикация (eAuth)",
        "Electronic authentication (eAuth)",
        [
            ("not_integrated", "Не е интегрирана", "Not integrated", False),
            ("requested", "Заявена интеграция", "Integration requested", False),
            ("test", "Интегрирана в тестова среда", "Integrated in test", False),
            ("production", "В реална употреба", "In production use", True),
            ("suspended", "Спряна", "Suspended", False),
        ],
    ),
    (
        "epayment",
        "Електронни плащания (pay.egov.bg)",
        "ePayment (pay.egov.bg)",
        [
            ("not_registered", "Не е регистрирана", "Not registered", False),
            ("applied", "Подадено заявление", "Applied", False),
            ("registered", "Регистрирана", "Registered", False),
            ("accepting", "Приема плащания", "Accepting payments", True),
            ("suspended", "Спряна", "Suspended", False),
        ],
    ),
    (
        "backup",
        "Архивиране в Държавния хибриден частен облак",
        "Backup in the State Hybrid Private Cloud",
        [
            ("none", "Без архивиране", "No backup", False),
            ("requested", "Заявено пространство", "Storage requested", False),
            ("allocated", "Предоставено пространство", "Storage allocated", False),
            ("regular", "Редовно архивиране", "Regular backups", True),
            ("suspended", "Спряно", "Suspended", False),
        ],
    ),
]

SERVICE_CODES = [code for code, *_ in SERVICES]


def seed_services(service_model: Any, stage_model: Any) -> tuple[int, int]:
    """Create the missing services and stages; return (services created, stages created).

    The models are a migration's historical ones or the real ones (`manage.py seed_services`)."""
    services_created = stages_created = 0
    for position, (code, name_bg, name_en, stages) in enumerate(SERVICES, start=1):
        service, created = service_model.objects.get_or_create(
            code=code, defaults={"name_bg": name_bg, "name_en": name_en, "order": position * 10}
        )
        services_created += created
        existing = set(stage_model.objects.filter(service=service).values_list("code", flat=True))
        used_orders = set(stage_model.objects.filter(service=service).values_list("order", flat=True))
        for index, (stage_code, stage_bg, stage_en, adopted) in enumerate(stages, start=1):
            if stage_code in existing:
                continue
            order = index * 10
            while order in used_orders:
                order += 1
            stage_model.objects.create(
                service=service,
                code=stage_code,
                order=order,
                name_bg=stage_bg,
                name_en=stage_en,
                counts_as_adopted=adopted,
            )
            used_orders.add(order)
            stages_created += 1
    return services_created, stages_created
