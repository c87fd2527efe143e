"""Seed the six services and their stages (only what is missing, by code)."""

from django.db import migrations


def seed(apps, schema_editor):
    from adoption.seeding import seed_services

    seed_services(apps.get_model("adoption", "Service"), apps.get_model("adoption", "Stage"))


class Migration(migrations.Migration):
    dependencies = [
        ("adoption", "0001_services_stages_adoption_history"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
