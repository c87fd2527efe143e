"""Refuse UPDATE and DELETE of adoption history rows in the database itself.

The model and its queryset refuse them too; the trigger also covers raw SQL and other clients.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION adoption_history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'adoption history is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER adoption_history_append_only
    BEFORE UPDATE OR DELETE ON adoption_adoptionchange
    FOR EACH ROW EXECUTE FUNCTION adoption_history_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS adoption_history_append_only ON adoption_adoptionchange;
DROP FUNCTION IF EXISTS adoption_history_append_only();
"""


def create(apps, schema_editor):
    schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("adoption", "0002_seed_services"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
