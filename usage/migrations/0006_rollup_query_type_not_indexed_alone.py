"""The RegiX rollups' query type loses its index of its own: every reader narrows by a month range or
a municipality (the (month, query type) index and the unique key), and the third btree cost each
rollup written ~1 µs (47,700 rollups of a million-row import: 227–309 → 185–248 ms in psql; a
day's file's 15,900 rollup updates likewise). Deleting a query type (rare: the catalogue import
retires them) now scans the rollups to refuse one still referenced.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0001_initial'),
        ('usage', '0005_rollup_references_checked_by_statement'),
    ]

    operations = [
        migrations.AlterField(
            model_name='regixmonthlyusage',
            name='query_type',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, to='catalog.querytype', verbose_name='query type'),
        ),
    ]
