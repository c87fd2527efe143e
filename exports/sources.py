"""Where exported rows come from: a django-tables2 table, or SQL that PostgreSQL copies out.

Both stream from a server-side cursor inside a transaction, so the serving process holds
one chunk at a time however many rows there are.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from functools import partial
from typing import Any, Protocol

import django_tables2 as tables
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, transaction
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.utils.encoding import force_str
from django_tables2.data import TableQuerysetData
from django_tables2.rows import BoundRow
from django_tables2.utils import signature

from .formats import COPY_CHUNK_BYTES, DIALECTS, ExportStats, crlf_line_ends, csv_chunks, csv_header_bytes


def count_rows(queryset: QuerySet) -> int:
    """The number of rows an export will hold: one COUNT(*) over the export's own query."""
    return queryset.count()


def chunk_size() -> int:
    return settings.EXPORT_CHUNK_SIZE


class ExportSource(Protocol):
    """What the writers need: a translated header, a row count, rows, and CSV chunks."""

    def header(self) -> list[str]: ...

    def count(self) -> int: ...

    def rows(self) -> Iterator[Sequence[Any]]: ...

    def csv_chunks(self, flavour: str, stats: ExportStats | None = None) -> Iterator[bytes]: ...


def iter_records(queryset: QuerySet, size: int) -> Iterator[Any]:
    """A queryset's records through a server-side cursor, `size` rows per fetch.

    The transaction keeps PostgreSQL from materialising a WITH HOLD cursor before the first row.
    """
    with transaction.atomic(using=queryset.db):
        yield from queryset.iterator(chunk_size=size)


class TableSource:
    """The rows of a django-tables2 table exactly as its export shows them.

    Every column counts, visible or not, except `exclude_from_export` and `exclude_columns`;
    cells go through the table's `value_<name>` (or `render_<name>`) methods as in django-tables2.
    """

    def __init__(self, table: tables.Table, exclude_columns: Sequence[str] = ()):
        self.table = table
        self.columns = [
            column
            for column in table.columns.iterall()
            if not (column.column.exclude_from_export or column.name in exclude_columns)
        ]

    def header(self) -> list[str]:
        return [force_str(column.header) for column in self.columns]

    def count(self) -> int:
        data = self.table.data
        if isinstance(data, TableQuerysetData):
            return count_rows(data.data)
        return len(data)

    def records(self) -> Iterator[Any]:
        data = self.table.data
        if isinstance(data, TableQuerysetData):
            return iter_records(data.data, chunk_size())
        return iter(data.data)

    def rows(self) -> Iterator[list[Any]]:
        """Each record's cells as BoundRow.get_cell_value gives them, without its per-cell cost.

        get_cell_value inspects the signature of the value method for every cell, which made
        that inspection 70% of an export's time; here each column's signature is read once.
        """
        table = self.table
        fields = _plain_fields(table, self.columns)
        if fields is not None:
            yield from self._plain_rows(fields)
            return
        plan = [(column, _value_caller(column), _retyper(table, column)) for column in self.columns]
        for record in self.records():
            row = BoundRow(record, table=table)
            yield [
                retype(row._get_and_render_with(column, render_func=partial(call, row), default=None))
                for column, call, retype in plan
            ]

    def _plain_rows(self, fields: list[tuple[str, tuple]]) -> Iterator[list[Any]]:
        for record in self.records():
            yield [None if (value := getattr(record, name)) in empty else value for name, empty in fields]

    def csv_chunks(self, flavour: str, stats: ExportStats | None = None) -> Iterator[bytes]:
        return csv_chunks(self.header(), self.rows(), flavour, stats)


def _same(value: Any) -> Any:
    return value


# Columns whose export value, once retyped, is the field's own value (ISO text back to a date).
_PLAIN_COLUMNS = (tables.Column, tables.DateColumn, tables.DateTimeColumn)


def _plain_fields(table: tables.Table, columns) -> list[tuple[str, tuple]] | None:
    """(attribute, empty values) per column when every cell is a model field's own value.

    That is: a queryset of model instances, plain Columns (or Date/DateTime columns) without
    value_/render_ methods, each reading one concrete field without choices. Then a cell is getattr(record, field),
    exactly what get_cell_value would return, at a fraction of its cost.
    """
    if not isinstance(table.data, TableQuerysetData) or table.data.data._iterable_class is not ModelIterable:
        return None  # lists, and .values() querysets whose records are dicts
    model = table.data.data.model
    fields = []
    for bound_column in columns:
        column = bound_column.column
        accessor = str(bound_column.accessor)
        name = bound_column.name
        if hasattr(table, f"value_{name}") or hasattr(table, f"render_{name}"):
            return None
        if type(column) not in _PLAIN_COLUMNS:
            return None
        if type(column) is tables.Column and _value_caller(bound_column) is not _plain_value:
            return None
        try:
            field = model._meta.get_field(accessor)
        except FieldDoesNotExist:
            return None
        if not field.concrete or field.is_relation or field.choices:
            return None
        fields.append((field.attname, tuple(column.empty_values)))
    return fields


def _value_caller(bound_column):
    """BoundRow._call_value for one column, its signature read once instead of once per cell.

    A plain Column whose value is its render is the cell's value itself.
    """
    value = bound_column.value
    column = bound_column.column
    if (
        getattr(value, "__func__", None) is tables.Column.value
        and getattr(column.render, "__func__", None) is tables.Column.render
    ):
        return _plain_value
    names, takes_any = signature(value)

    def call(row, bound_column, value_=None):
        kwargs = row._optional_cell_arguments(bound_column, value_)
        if not takes_any:
            if any(name not in kwargs for name in names):
                return None  # as django-tables2's call_with_appropriate does
            kwargs = {name: kwargs[name] for name in names}
        return value(**kwargs)

    return call


def _plain_value(row, bound_column, value=None):
    return value


def _retyper(table: tables.Table, bound_column):
    """Undo the str() that django-tables2's own date and boolean columns apply to export values.

    A table's value_/render_ method is the author's word and is kept as it is.
    """
    name = bound_column.name
    if hasattr(table, f"value_{name}") or hasattr(table, f"render_{name}"):
        return _same
    column = bound_column.column
    if isinstance(column, tables.BooleanColumn):
        return lambda value: {"True": True, "False": False}.get(value, value)
    if isinstance(column, tables.DateTimeColumn):
        return _iso_parser(datetime.fromisoformat, bound_column.default)
    if isinstance(column, tables.DateColumn):
        return _iso_parser(date.fromisoformat, bound_column.default)
    return _same


def _iso_parser(parse, placeholder):
    """Dates back from ISO text; the column's empty placeholder ('—') back to an empty cell."""

    def retype(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if value == placeholder:
            return None
        try:
            return parse(value)
        except ValueError:
            return value

    return retype


class SQLSource:
    """Rows of one SQL query, written by PostgreSQL's COPY for CSV (the fast path for big aggregates).

    The SQL selects the columns in the order of `header`, already as the export should show them:
    booleans as words (CASE ... THEN 'да'), dates as dates. Use `from_queryset` so the rows are
    the ones the view's get_queryset lets the user see.
    """

    def __init__(self, header: Sequence[Any], sql: str, params: Sequence[Any] = (), using: str = "default"):
        self._header = list(header)
        self.sql = sql
        self.params = list(params)
        self.using = using

    @classmethod
    def from_queryset(cls, header: Sequence[Any], queryset: QuerySet) -> SQLSource:
        """A source over `queryset.values_list(...)`: the view's own filters and scoping, COPY's speed."""
        sql, params = queryset.query.sql_with_params()
        return cls(header, sql, params, using=queryset.db)

    def header(self) -> list[str]:
        return [force_str(name) for name in self._header]

    def count(self) -> int:
        with connections[self.using].cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({self.sql}) AS export_rows", self.params)  # noqa: S608
            return cursor.fetchone()[0]

    def rows(self) -> Iterator[Sequence[Any]]:
        with transaction.atomic(using=self.using):
            cursor = connections[self.using].chunked_cursor()
            try:
                self._prepare(cursor)
                cursor.execute(self.sql, self.params)
                size = chunk_size()
                while batch := cursor.fetchmany(size):
                    yield from batch
            finally:
                cursor.close()

    def csv_chunks(self, flavour: str, stats: ExportStats | None = None) -> Iterator[bytes]:
        dialect = DIALECTS[flavour]
        yield csv_header_bytes(self.header(), flavour)
        body = self._copy(dialect.delimiter, stats)
        yield from crlf_line_ends(body) if dialect.lineterminator == "\r\n" else body

    def _prepare(self, cursor) -> None:
        # ISO dates whatever the server's DateStyle; timestamps in the portal's time zone.
        cursor.execute("SELECT set_config('DateStyle', 'ISO, YMD', true), set_config('TimeZone', %s, true)",
                       [settings.TIME_ZONE])  # fmt: skip

    def _copy(self, delimiter: str, stats: ExportStats | None) -> Iterator[bytes]:
        """COPY (sql) TO STDOUT, regrouped from one message per row into chunks of COPY_CHUNK_BYTES."""
        statement = f"COPY ({self.sql}) TO STDOUT WITH (FORMAT csv, DELIMITER '{delimiter}')"
        with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
            self._prepare(cursor)
            raw = cursor.cursor  # psycopg's cursor: Django has no COPY API
            buffer = bytearray()
            with raw.copy(statement, self.params or None) as copy:
                for data in copy:
                    buffer += data
                    if len(buffer) >= COPY_CHUNK_BYTES:
                        yield bytes(buffer)
                        buffer.clear()
            yield bytes(buffer)
            if stats is not None:
                stats.rows = raw.rowcount
