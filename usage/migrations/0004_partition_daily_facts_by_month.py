"""The daily facts become tables partitioned by month (see usage/partitions.py).

Same columns, check constraints and BRIN date index (by name), so Django's model state is unchanged;
the rows are copied into monthly partitions from the oldest stored month to three months ahead.
"""

from datetime import date

from django.db import migrations

TABLES = {
    "usage_regixdailyusage": "usage_regix_daily_date_brin",
    "usage_seosdailyusage": "usage_seos_daily_date_brin",
}


def partition(apps, schema_editor):
    from usage.partitions import MONTHS_AHEAD, ensure_partitions, next_month, partition_name

    today = date.today()  # noqa: DTZ011 - a month boundary a day off is harmless here
    last = today.replace(day=1)
    for _ in range(MONTHS_AHEAD):
        last = next_month(last)
    with schema_editor.connection.cursor() as cursor:
        for table, index in TABLES.items():
            old = f"{table}_unpartitioned"
            cursor.execute(f"ALTER TABLE {table} RENAME TO {old}")
            cursor.execute(f"ALTER INDEX {index} RENAME TO {index}_unpartitioned")
            cursor.execute(
                f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (date)"
            )
            cursor.execute(f"CREATE INDEX {index} ON {table} USING brin (date) WITH (autosummarize = on)")
            cursor.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
            cursor.execute(f"SELECT min(date) FROM {old}")
            month = (cursor.fetchone()[0] or today).replace(day=1)
            while month <= last:
                end = next_month(month)
                cursor.execute(
                    f"CREATE TABLE {partition_name(table, month)} PARTITION OF {table} FOR VALUES FROM (%s) TO (%s)",
                    [month, end],
                )
                month = end
            cursor.execute(f"INSERT INTO {table} SELECT * FROM {old}")  # each row into its month
            cursor.execute(f"DROP TABLE {old}")
    ensure_partitions(today)


def unpartition(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table, index in TABLES.items():
            old = f"{table}_partitioned"
            cursor.execute(f"ALTER TABLE {table} RENAME TO {old}")
            cursor.execute(f"ALTER INDEX {index} RENAME TO {index}_partitioned")
            cursor.execute(f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            cursor.execute(f"INSERT INTO {table} SELECT * FROM {old}")
            cursor.execute(f"DROP TABLE {old}")
            cursor.execute(f"CREATE INDEX {index} ON {table} USING brin (date) WITH (autosummarize = on)")


class Migration(migrations.Migration):
    dependencies = [("usage", "0003_observed_adoption_service_foreign_key")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
