"""The benchmark's table: shaped like the monthly usage rollup, created and filled by bench/export.py."""

from __future__ import annotations

from django.db import models


class BenchUsage(models.Model):
    """One month of one municipality's queries of one type to one register (bench data only)."""

    month = models.DateField()
    municipality_code = models.TextField()
    register_code = models.TextField()
    query_type = models.TextField()
    requests = models.IntegerField()
    errors = models.IntegerField()

    class Meta:
        managed = False
        db_table = "bench_usage"
        ordering: list[str] = []  # heap order: the benchmark compares writers, not sorts

    def __str__(self) -> str:
        return f"{self.month} {self.municipality_code} {self.query_type}"
