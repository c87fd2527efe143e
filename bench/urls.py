"""Two pages over bench_usage, the same table exported by the two writers of the exports app."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import path
from django.views.generic import ListView
from django_tables2 import SingleTableMixin

from exports.sources import SQLSource
from exports.views import TableExportMixin

from .models import BenchUsage

COLUMNS = ["month", "municipality_code", "register_code", "query_type", "requests", "errors"]


class BenchUsageTable(tables.Table):
    month = tables.DateColumn(verbose_name="Месец")
    municipality_code = tables.Column(verbose_name="Община")
    register_code = tables.Column(verbose_name="Регистър")
    query_type = tables.Column(verbose_name="Вид справка")
    requests = tables.Column(verbose_name="Заявки")
    errors = tables.Column(verbose_name="Грешки")

    class Meta:
        model = BenchUsage
        fields = COLUMNS
        orderable = False


class PythonWriterView(TableExportMixin, SingleTableMixin, ListView):
    """The default path: rows through django-tables2 and Python's csv module."""

    model = BenchUsage
    table_class = BenchUsageTable
    export_name = "bench-usage"

    def get_queryset(self):
        queryset = BenchUsage.objects.all()
        limit = self.request.GET.get("limit")  # the Python writer's run is cut short to save time
        return queryset[: int(limit)] if limit else queryset


class CopyWriterView(PythonWriterView):
    """The path for big aggregates: PostgreSQL COPY over the view's own queryset."""

    def get_export_source(self):
        rows = self.get_queryset().values_list(*COLUMNS)
        header = [BenchUsageTable.base_columns[name].verbose_name for name in COLUMNS]
        return SQLSource.from_queryset(header, rows)


urlpatterns = [
    path("python/", PythonWriterView.as_view(), name="bench-python"),
    path("copy/", CopyWriterView.as_view(), name="bench-copy"),
]
