"""A table's export columns as SQL, so that PostgreSQL writes a queryset table's CSV (COPY).

The tables' Python writer reads every cell through django-tables2's value methods; profiled on
the adoption list that per-cell dispatch is most of the time, and COPY does the same work in C.
A column is SQL when its export value is a model field's own value: a plain, date or boolean
column reading a field (through foreign keys) with no `value_`/`render_` method of the table;
a choices field reads as its label in the active language, a date column over a date-time as
the local date. A table method's value can declare its SQL twin beside it, `sql_<name>()`
(tests compare the two writers cell by cell). Any other column keeps the table on Python.
"""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Case, F, Value, When
from django.db.models.functions import NullIf, TruncDate

# Columns whose export value is the field's own (dates come back as such, booleans as yes/no).
_SQL_COLUMNS = (tables.Column, tables.DateColumn, tables.DateTimeColumn, tables.BooleanColumn)


def sql_columns(table: tables.Table, columns, model: type[models.Model]) -> list[Any] | None:
    """One SQL expression per exported column, in order; None if any column needs Python."""
    expressions = []
    for bound_column in columns:
        expression = column_sql(table, bound_column, model)
        if expression is None:
            return None
        expressions.append(expression)
    return expressions


def column_sql(table: tables.Table, bound_column, model: type[models.Model]) -> Any:
    name = bound_column.name
    twin = getattr(table, f"sql_{name}", None)
    if twin is not None:
        return twin()
    if hasattr(table, f"value_{name}") or hasattr(table, f"render_{name}"):
        return None  # the author's Python, with no SQL twin declared
    column = bound_column.column
    if type(column) not in _SQL_COLUMNS:
        return None
    bits = tables.A(bound_column.accessor).bits
    field = model_field(model, bits)
    if field is None:
        return None
    path = "__".join(bits)
    if field.choices:
        labels = [When(**{path: value}, then=Value(str(label))) for value, label in field.flatchoices]
        return Case(*labels, default=F(path), output_field=models.CharField())
    if isinstance(column, tables.DateColumn) and isinstance(field, models.DateTimeField):
        return TruncDate(path)  # in the portal's time zone, as the Python writer's local date
    if isinstance(field, models.CharField | models.TextField):
        # an empty text is an empty cell, as a column's empty values are in the Python writer
        return NullIf(F(path), Value(""), output_field=field)
    return F(path)


def model_field(model: type[models.Model], bits: list[str]) -> models.Field | None:
    """The concrete field at the end of a path of foreign keys, or None (a method, m2m, reverse)."""
    owner: Any = model
    field: Any = None
    for index, bit in enumerate(bits):
        try:
            field = owner._meta.get_field(bit)
        except FieldDoesNotExist:
            return None
        last = index == len(bits) - 1
        if not isinstance(field, models.Field) or not field.concrete:
            return None
        if field.is_relation and (last or not (field.many_to_one or field.one_to_one)):
            return None
        owner = field.related_model
    return field
