"""The trends page's kept figures (the observed trend's past points, the past months' national
volumes), and the triggers on the monthly rollups that delete the figures a change to them may move.

A rollup row of month m can move the point measured on day p only when m's first day <= p <= m's
last day + (window − 1): a statement that writes the months [lo, hi] deletes, per service, the
points of the months from lo to hi + one month + (window − 2) days (each point's own window), and
the volumes of the months [lo, hi]. TRUNCATE deletes the service's figures. Statement-level, with
transition tables: two DELETEs per statement, whoever writes the rollups (the import, the admin, a
script). The import then counts the missing figures again in its transaction
(dashboards.trendpoints.keep_missing, dashboards.volumes.keep_missing).
"""

from django.db import migrations, models

ROLLUPS = {"usage_regixmonthlyusage": "regix", "usage_seosmonthlyusage": "seos"}

FUNCTION = r"""
CREATE FUNCTION dashboards_kept_figures_moved() RETURNS trigger LANGUAGE plpgsql AS $$
-- TG_ARGV[0]: the service whose rollup this is; new_rows / old_rows: the statement's rows.
DECLARE
    lo date;
    hi date;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM dashboards_observedtrendpoint WHERE service = TG_ARGV[0];
        DELETE FROM dashboards_monthlyvolume WHERE service = TG_ARGV[0];
        RETURN NULL;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT min(month), max(month) INTO lo, hi FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT min(month), max(month) INTO lo, hi FROM old_rows;
    ELSE
        SELECT min(m), max(m) INTO lo, hi
        FROM (SELECT month AS m FROM old_rows UNION ALL SELECT month FROM new_rows) AS written;
    END IF;
    IF lo IS NOT NULL THEN
        DELETE FROM dashboards_observedtrendpoint
        WHERE service = TG_ARGV[0] AND month >= lo
          AND month <= hi + interval '1 month' + (window_days - 2) * interval '1 day';
        DELETE FROM dashboards_monthlyvolume WHERE service = TG_ARGV[0] AND month BETWEEN lo AND hi;
    END IF;
    RETURN NULL;
END
$$
"""

EVENTS = {"insert": "INSERT", "update": "UPDATE", "delete": "DELETE"}


def _triggers() -> list[str]:
    statements = [FUNCTION]
    for table, service in ROLLUPS.items():
        for name, event in EVENTS.items():
            tables = {
                "insert": "NEW TABLE AS new_rows",
                "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                "delete": "OLD TABLE AS old_rows",
            }[name]
            statements.append(
                f"CREATE TRIGGER {table}_kept_figures_{name} AFTER {event} ON {table} REFERENCING {tables} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION dashboards_kept_figures_moved('{service}')"
            )
        statements.append(
            f"CREATE TRIGGER {table}_kept_figures_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION dashboards_kept_figures_moved('{service}')"
        )
    return statements


def _drop_triggers() -> list[str]:
    statements = [
        f"DROP TRIGGER {table}_kept_figures_{name} ON {table}"
        for table in ROLLUPS
        for name in (*EVENTS, "truncate")
    ]
    return [*statements, "DROP FUNCTION dashboards_kept_figures_moved()"]


class Migration(migrations.Migration):
    initial = True

    dependencies = [("usage", "0005_rollup_references_checked_by_statement")]

    operations = [
        migrations.CreateModel(
            name="ObservedTrendPoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "service",
                    models.CharField(
                        choices=[("regix", "RegiX"), ("seos", "SEOS")], max_length=30, verbose_name="service"
                    ),
                ),
                ("window_days", models.PositiveSmallIntegerField(verbose_name="observed window (days)")),
                (
                    "month",
                    models.DateField(
                        help_text="The point is measured on this month's last day.", verbose_name="month"
                    ),
                ),
                ("municipalities", models.PositiveIntegerField(verbose_name="municipalities observed")),
            ],
            options={
                "verbose_name": "observed trend point",
                "verbose_name_plural": "observed trend points",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("service", "window_days", "month"), name="dashboards_trend_point_key"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MonthlyVolume",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "service",
                    models.CharField(
                        choices=[("regix", "RegiX"), ("seos", "SEOS")], max_length=30, verbose_name="service"
                    ),
                ),
                ("month", models.DateField(verbose_name="month")),
                ("totals", models.JSONField(default=dict, verbose_name="totals")),
            ],
            options={
                "verbose_name": "monthly national volume",
                "verbose_name_plural": "monthly national volumes",
                "constraints": [
                    models.UniqueConstraint(fields=("service", "month"), name="dashboards_monthly_volume_key")
                ],
            },
        ),
        migrations.RunSQL(_triggers(), _drop_triggers()),
    ]
