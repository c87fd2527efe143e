"""What changes the dashboards' data schedules a warming of their cache, once committed; an import
also brings the trends page's kept figures up to date in its transaction.

Listening here keeps the imports flowing one way: the usage and adoption apps know nothing of the
dashboards. An import is a Celery task (its success is the signal); a declaration, confirmation or
verification adds an adoption history entry.
"""

from __future__ import annotations

from typing import Any

from celery.signals import task_success
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from adoption.models import AdoptionChange
from usage.models import ImportBatch
from usage.signals import rollups_written

from . import tasks, trendpoints, volumes

IMPORT_TASK = "usage.tasks.ingest_batch"


@receiver(post_save, sender=AdoptionChange, dispatch_uid="dashboards-warm-after-change")
def warm_after_change(sender: type[AdoptionChange], created: bool, **kwargs: Any) -> None:
    if created:
        transaction.on_commit(tasks.schedule)


@task_success.connect(dispatch_uid="dashboards-warm-after-import")
def warm_after_import(sender: object = None, result: object = None, **kwargs: Any) -> None:
    if getattr(sender, "name", None) == IMPORT_TASK and result is not None:
        tasks.schedule()


@receiver(rollups_written, sender=ImportBatch, dispatch_uid="dashboards-keep-trend-figures")
def keep_trend_figures(sender: type[ImportBatch], kind: str, **kwargs: Any) -> None:
    """The trend's past points and months' volumes the import's rollup changes deleted (or never
    kept), counted again in its transaction: an uncached trends page then counts only the running month."""
    trendpoints.keep_missing(kind)
    volumes.keep_missing(kind)
