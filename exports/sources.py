"""The interface a page declares to offer a download, and its table-backed implementation.

A source is built from what a request or a background job holds: the user, the page's query
string and its URL arguments. It checks access the way its page does, gives a translated
header and streams rows; no view is ever built for it, in a request or in a Celery worker.

Rows stream from a server-side cursor inside a transaction, so the serving process holds one
chunk at a time however many rows there are. A queryset table whose columns are SQL (see
sqlcolumns), or whose rows are a plain `values()` query (`copy = True`), has PostgreSQL write
the CSV itself (COPY ... TO STDOUT), with the bytes the Python writer would write.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from itertools import islice
from operator import attrgetter
from typing import Any, ClassVar

import django_tables2 as tables
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable
from django.http import QueryDict
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .choices import Flavour
from .formats import (
    COPY_CHUNK_BYTES,
    DIALECTS,
    FORMULA_STARTS,
    ExportFilename,
    ExportStats,
    crlf_line_ends,
    csv_chunks,
    csv_header_bytes,
    export_filename,
    yes_no_words,
)
from .sqlcolumns import sql_columns


def chunk_size() -> int:
    return settings.EXPORT_CHUNK_SIZE


class ExportSource:
    """Rows a page offers as a download. Subclass it in your app's `exports.py` and register it.

    `page` is the URL name of the page whose `?_export=` serves this source (its links appear
    there); `name` is the registry key kept by background jobs (the page's name by default).
    """

    name: ClassVar[str] = ""
    page: ClassVar[str] = ""
    title: ClassVar[Any] = _("export")  # the start of the file name and the sheet's title
    flavours: ClassVar[tuple[str, ...]] = (Flavour.EXCEL, Flavour.CSV, Flavour.XLSX)
    login_required: ClassVar[bool] = True

    def __init__(self, user, params: QueryDict | Mapping[str, Any] | None = None, kwargs: Mapping | None = None):
        self.user = user
        if not isinstance(params, QueryDict):
            query = QueryDict(mutable=True)
            given: Mapping[str, Any] = params or {}
            for key, value in given.items():
                query.setlist(key, value if isinstance(value, list) else [value])
            params = query
        self.params = params
        self.kwargs = dict(kwargs or {})

    @classmethod
    def source_name(cls) -> str:
        return cls.name or cls.page

    def check_access(self) -> None:
        """Raise PermissionDenied (403), Http404 or BadRequest exactly where the page would."""

    def header(self) -> list[str]:
        raise NotImplementedError

    def column_formats(self) -> list[str | None]:
        """Per column, an export format such as formats.PERCENT, or None."""
        return []

    def rows(self) -> Iterator[Sequence[Any]]:
        raise NotImplementedError

    def estimated_rows(self) -> int | None:
        """How many rows the export will hold, cheaply (never a count(*) pass); None if unknown."""
        return None

    def csv_chunks(self, flavour: str, stats: ExportStats | None = None) -> Iterator[bytes]:
        return csv_chunks(self.header(), self.rows(), flavour, stats)

    def get_title(self) -> str:
        return str(self.title)

    def name_parts(self) -> list[str]:
        """Words of the file name, e.g. ['общини', 'област Варна']; add the active filters."""
        return [self.get_title()]

    def filename(self, flavour: str) -> ExportFilename:
        return export_filename(self.name_parts(), flavour)


class TableExport(ExportSource):
    """The filtered, sorted django-tables2 table of a page, every row and column of it.

    Declare `table_class`, `get_queryset()` (scoped to `self.user` as the page's is) and,
    for a filtered page, `filterset_class`. Every column counts, visible or not, except
    `exclude_from_export` columns and `exclude_columns`; cells are what django-tables2's
    public export API (`Table.as_values`) gives. A column may say `export_format = PERCENT`.
    """

    table_class: ClassVar[type[tables.Table]]
    filterset_class: ClassVar[Any] = None
    strict: ClassVar[bool] = True  # as django-filter's FilterView: invalid filters give no rows
    exclude_columns: ClassVar[tuple[str, ...]] = ()
    copy: ClassVar[bool] = False  # the table's data is a values() query PostgreSQL may COPY out

    def get_queryset(self) -> Any:
        raise NotImplementedError

    @cached_property
    def filterset(self):
        if self.filterset_class is None:
            return None
        return self.filterset_class(self.params or None, queryset=self.get_queryset())

    def get_table_data(self) -> Any:
        """The rows before the table sorts them: FilterView.get's object_list, without a view."""
        filterset = self.filterset
        if filterset is None:
            return self.get_queryset()
        if not filterset.is_bound or filterset.is_valid() or not self.strict:
            return filterset.qs
        return filterset.queryset.none()

    def get_table_kwargs(self) -> dict[str, Any]:
        return {}

    def make_table(self, data: Any, **kwargs: Any) -> tables.Table:
        """A table over `data` (all rows, or one chunk of them)."""
        return self.table_class(data, **self.get_table_kwargs(), **kwargs)

    @cached_property
    def table(self) -> tables.Table:
        """The table sorted by `?sort=` as on the page (what RequestConfig does), not paginated."""
        table = self.make_table(self.get_table_data())
        order_by = self.params.getlist(table.prefixed_order_by_field)
        if order_by and table.orderable:
            table.order_by = order_by
        return table

    @cached_property
    def columns(self) -> list[tables.columns.BoundColumn]:
        return [
            column
            for column in self.table.columns.iterall()
            if not (column.column.exclude_from_export or column.name in self.exclude_columns)
        ]

    def header(self) -> list[str]:
        return [force_str(column.header) for column in self.columns]

    def column_formats(self) -> list[str | None]:
        return [getattr(column.column, "export_format", None) for column in self.columns]

    @property
    def queryset(self) -> QuerySet | None:
        data = self.table.data.data
        return data if isinstance(data, QuerySet) else None

    @cached_property
    def sql(self) -> SQLRows | None:
        """The query PostgreSQL writes: the `copy` table's own `values()` query, or the model
        table's columns as SQL (see sqlcolumns); None when a column needs Python or nothing
        can match (invalid filters: an empty table)."""
        queryset = self.queryset
        if queryset is None:
            return None
        if not self.copy:
            if queryset._iterable_class is not ModelIterable:  # .values() rows are dicts
                return None
            expressions = sql_columns(self.table, self.columns, queryset.model)
            if expressions is None:
                return None
            queryset = queryset.values_list(*expressions)
        try:
            return SQLRows.from_queryset(queryset)
        except EmptyResultSet:  # nothing can match (invalid filters): an empty table, no SQL
            return None

    def estimated_rows(self) -> int | None:
        if self.sql is not None:
            return self.sql.estimate()
        queryset = self.queryset
        if queryset is None:
            return len(self.table.data)
        try:
            return SQLRows.from_queryset(queryset).estimate()
        except EmptyResultSet:
            return 0

    def rows(self) -> Iterator[Sequence[Any]]:
        if self.sql is not None:
            return self.sql.rows()
        queryset = self.queryset
        if queryset is None:
            return self._table_rows(self.table)
        return self._chunked_rows(queryset)

    def csv_chunks(self, flavour: str, stats: ExportStats | None = None) -> Iterator[bytes]:
        if self.sql is not None:
            return self.sql.csv_chunks(self.header(), flavour, stats)
        return super().csv_chunks(flavour, stats)

    def _table_rows(self, table: tables.Table) -> Iterator[list[Any]]:
        """Each record's cells as `Table.as_values` gives them, each column's method read once."""
        names = {column.name for column in self.columns}
        readers = [CellReader(table, column) for column in table.columns.iterall() if column.name in names]
        for row in table.rows:
            record = row.record
            yield [reader(record, row) for reader in readers]

    def _chunked_rows(self, queryset: QuerySet) -> Iterator[list[Any]]:
        """Records in chunks from a server-side cursor, each chunk through a table of its own.

        The table over the whole queryset would fetch every row at once; a table per chunk
        keeps memory flat and still gives each cell through the table's own value methods.
        """
        records = _iterate(queryset)
        while chunk := list(islice(records, chunk_size())):
            yield from self._table_rows(self.make_table(chunk, order_by=()))  # sorted by the query


class QueryExport(ExportSource):
    """Rows of a query, written by PostgreSQL's COPY for CSV (the fast path for big tables).

    Declare `columns` as (label, field) pairs and `get_queryset()` scoped to `self.user`;
    the query selects `values_list(*fields)` in that order, so COPY writes what the header says.
    """

    columns: ClassVar[Sequence[tuple[Any, str]]] = ()

    def get_queryset(self) -> QuerySet:
        raise NotImplementedError

    def header(self) -> list[str]:
        return [force_str(label) for label, _field in self.columns]

    @cached_property
    def sql(self) -> SQLRows | None:
        queryset = self.get_queryset().values_list(*(field for _label, field in self.columns))
        try:
            return SQLRows.from_queryset(queryset)
        except EmptyResultSet:
            return None

    def estimated_rows(self) -> int | None:
        return 0 if self.sql is None else self.sql.estimate()

    def rows(self) -> Iterator[Sequence[Any]]:
        return iter(()) if self.sql is None else self.sql.rows()

    def csv_chunks(self, flavour: str, stats: ExportStats | None = None) -> Iterator[bytes]:
        if self.sql is None:
            return super().csv_chunks(flavour, stats)
        return self.sql.csv_chunks(self.header(), flavour, stats)


def _iterate(queryset: QuerySet) -> Iterator[Any]:
    """A queryset through a server-side cursor; the transaction stops PostgreSQL from
    materialising a WITH HOLD cursor before the first row."""
    with transaction.atomic(using=queryset.db):
        yield from queryset.iterator(chunk_size=chunk_size())


def _same(value: Any) -> Any:
    return value


class CellReader:
    """One column's export value for a record, as django-tables2 documents `as_values`:

    the accessor's value (a choices field's display), None where it is one of the column's
    empty values, else the table's `value_<name>`, its `render_<name>`, or the column's
    `value` (which by default is its `render`), called with the keyword arguments it names
    (value, record, column, bound_column, bound_row, table); None if it asks for another.
    django-tables2 inspects that signature for every cell (70% of an export's time); here
    it is read once per column. Date and boolean columns get their type back (`_retyper`).
    """

    def __init__(self, table: tables.Table, bound_column) -> None:
        name = bound_column.name
        column = bound_column.column
        self.table, self.column, self.bound_column = table, column, bound_column
        self.accessor = tables.A(bound_column.accessor)
        self.empty = column.empty_values
        self.many = isinstance(column, tables.ManyToManyColumn)
        function = getattr(table, f"value_{name}", None) or getattr(table, f"render_{name}", None)
        if function is None:
            plain_value = getattr(type(column).value, "__func__", type(column).value) is tables.Column.value
            function = column.render if plain_value else column.value
        self.function = function
        parameters = inspect.signature(function).parameters.values()
        self.takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters)
        self.names = [p.name for p in parameters if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
        self.retype = _retyper(table, bound_column)
        path, _, self.remainder = self.accessor.rpartition(self.accessor.SEPARATOR)
        self.penultimate = tables.A(path) if path else None
        self.attributes = attrgetter(".".join(self.accessor.bits)) if self.accessor.bits else None
        self.has_display: dict[type, bool] = {}  # per model class: is the last bit a choices field?
        self.labels: dict[Any, Any] = {}  # choice → its label, in this export's language

    def __call__(self, record: Any, row: Any) -> Any:
        value = self._value(record)
        if value in self.empty or (self.many and not value.exists()):
            return None
        return self.retype(self._call(record, row, value))

    def _value(self, record: Any) -> Any:
        if self.penultimate is None:
            owner = record
        else:
            owner = self._resolve(self.penultimate, record)
        if isinstance(owner, Model):
            has_display = self.has_display.get(type(owner))
            if has_display is None:
                has_display = self.has_display[type(owner)] = hasattr(owner, f"get_{self.remainder}_display")
            if has_display:
                raw = getattr(owner, self.remainder)
                if raw not in self.labels:
                    self.labels[raw] = getattr(owner, f"get_{self.remainder}_display")()
                return self.labels[raw]
            if self.attributes is not None and not isinstance(record, dict):
                try:
                    value = self.attributes(record)  # model attributes: no need for the generic walk
                except AttributeError:
                    return self.accessor.resolve(record, quiet=True)
                if callable(value):  # a method or manager: django-tables2's rules decide
                    return self.accessor.resolve(record, quiet=True)
                return value
        return self.accessor.resolve(record, quiet=True)

    @staticmethod
    def _resolve(accessor, record: Any) -> Any:
        return accessor.resolve(record, quiet=True)

    def _call(self, record: Any, row: Any, value: Any) -> Any:
        available = {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound_column,
            "bound_row": row,
            "table": self.table,
        }
        if self.takes_any:
            return self.function(**available)
        if any(name not in available for name in self.names):
            return None
        return self.function(**{name: available[name] for name in self.names})


def _retyper(table: tables.Table, bound_column):
    """Undo the str() that django-tables2's date and boolean columns apply to export values.

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
        return _iso_parser(_local_date, bound_column.default)
    return _same


def _local_date(text: str) -> date:
    """A date column's ISO text back to a date; over a date-time field, its local date."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        moment = datetime.fromisoformat(text)
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


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


# PostgreSQL type OIDs: text-like columns get the formula guard, decimals the Excel comma,
# booleans the yes/no words and timestamps the local time that formats.text_formatter writes.
_TEXT_TYPES = {25, 1042, 1043, 19}
_DECIMAL_TYPES = {700, 701, 1700}
_BOOLEAN_TYPES = {16}
_TIMESTAMP_TYPES = {1114, 1184}
_FORMULA_SQL = ", ".join("E'\\t'" if c == "\t" else "E'\\r'" if c == "\r" else f"'{c}'" for c in FORMULA_STARTS)


class SQLRows:
    """Rows of one SQL query: fetched in chunks for XLSX, written by PostgreSQL's COPY for CSV."""

    def __init__(self, sql: str, params: Sequence[Any] = (), using: str = "default"):
        self.sql = sql
        self.params = list(params)
        self.using = using

    @classmethod
    def from_queryset(cls, queryset: QuerySet) -> SQLRows:
        """Raises EmptyResultSet when the query can match nothing."""
        sql, params = queryset.query.sql_with_params()
        return cls(sql, params, using=queryset.db)

    def estimate(self) -> int:
        """The planner's row estimate: no count(*) pass before streaming."""
        with connections[self.using].cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {self.sql}", self.params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return int(plan[0]["Plan"]["Plan Rows"])

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

    def csv_chunks(self, header: Sequence[Any], flavour: str, stats: ExportStats | None = None) -> Iterator[bytes]:
        """The header, then COPY's output; the first chunk carries the header and the first rows."""
        dialect = DIALECTS[Flavour(flavour)]
        body = self._copy(dialect.delimiter, flavour, stats)
        if dialect.lineterminator == "\r\n":
            body = crlf_line_ends(body)
        first = csv_header_bytes(header, flavour) + next(body, b"")
        yield first
        yield from body

    def _prepare(self, cursor) -> None:
        # ISO dates whatever the server's DateStyle; timestamps in the portal's time zone.
        cursor.execute("SELECT set_config('DateStyle', 'ISO, YMD', true), set_config('TimeZone', %s, true)",
                       [settings.TIME_ZONE])  # fmt: skip

    def _guarded_sql(self, cursor, flavour: str) -> str:
        """The query wrapped so text cells that would be formulas start with an apostrophe.

        The column types come from PostgreSQL (a LIMIT 0 run); numbers are left as numbers,
        and CSV for Excel in a comma-decimal language gets its decimals with a comma.
        """
        cursor.execute(f"SELECT * FROM ({self.sql}) AS export_rows LIMIT 0", self.params)  # noqa: S608
        types = [column.type_code for column in cursor.description]
        comma = Flavour(flavour) == Flavour.EXCEL and _decimal_comma()
        names = [f"c{index}" for index in range(len(types))]
        yes, no = (_sql_text(word) for word in yes_no_words())
        cells = [_cell_sql(name, oid, comma, yes, no) for name, oid in zip(names, types, strict=True)]
        return f"SELECT {', '.join(cells)} FROM ({self.sql}) AS export_rows({', '.join(names)})"  # noqa: S608

    def _copy(self, delimiter: str, flavour: str, stats: ExportStats | None) -> Iterator[bytes]:
        """COPY (guarded sql) TO STDOUT, regrouped from one message per row into COPY_CHUNK_BYTES."""
        with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
            self._prepare(cursor)
            statement = (
                f"COPY ({self._guarded_sql(cursor, flavour)}) TO STDOUT WITH (FORMAT csv, DELIMITER '{delimiter}')"
            )
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


def _cell_sql(name: str, oid: int, comma: bool, yes: str, no: str) -> str:
    """One column of the guarded query: what the Python writer writes for its type."""
    if oid in _TEXT_TYPES:  # an empty text is an empty cell, as NULL is (COPY would write "")
        guarded = f"CASE WHEN left({name}, 1) IN ({_FORMULA_SQL}) THEN '''' || {name} ELSE {name} END"
        return f"NULLIF({guarded}, '')"
    if comma and oid in _DECIMAL_TYPES:
        return f"replace({name}::text, '.', ',')"
    if oid in _BOOLEAN_TYPES:
        return f"CASE WHEN {name} THEN {yes} WHEN NOT {name} THEN {no} END"
    if oid in _TIMESTAMP_TYPES:  # in the TimeZone that _prepare sets
        return f"to_char({name}, 'YYYY-MM-DD HH24:MI:SS')"
    return name


def _sql_text(text: str) -> str:
    """A translated word as an SQL string literal (the guard's SQL is built as text)."""
    return "'" + text.replace("'", "''") + "'"


def _decimal_comma() -> bool:
    from django.utils import formats

    return formats.get_format("DECIMAL_SEPARATOR") == ","
