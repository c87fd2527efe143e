"""Background jobs name a registered export source and its arguments, no longer a view.

The old view names are the pages' URL names, which are the registered sources' default names,
so existing rows keep working.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0001_export_job"),
    ]

    operations = [
        migrations.RenameField(model_name="exportjob", old_name="view_name", new_name="source"),
        migrations.RenameField(model_name="exportjob", old_name="view_kwargs", new_name="arguments"),
        migrations.AlterField(
            model_name="exportjob",
            name="source",
            field=models.CharField(
                help_text="The registered name of the exported table.", max_length=200, verbose_name="export source"
            ),
        ),
        migrations.AlterField(
            model_name="exportjob",
            name="arguments",
            field=models.JSONField(
                blank=True, default=dict, help_text="The page's URL arguments.", verbose_name="arguments"
            ),
        ),
    ]
