"""A django-tables2 table's body written in one pass, for the wide tables where its per-cell work
dominated the page (docs/dashboards.md: three quarters of a cold municipalities table).

For every cell django-tables2 resolves the accessor, inspects the render method's signature
(`call_with_appropriate`) and recomputes the column's attributes. Here each visible column is
worked out once per table (its `<td>` attributes, its render method's arguments, its accessor, its
default) through the public API (`Table.columns`, `Table.paginated_rows`, `BoundColumn.render`,
`.attrs`, `.accessor`, `.default`, `.localize`), and each cell is then one accessor lookup and one
call. The HTML is django-tables2's own template's (tests/test_table_body.py compares the two). A
column this cannot reproduce (a link, attributes computed per cell, a model record) is left to
django-tables2 for that cell.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.template.base import render_value_in_context
from django.template.context import Context
from django.templatetags.l10n import localize, unlocalize
from django.utils.safestring import SafeString, mark_safe
from django_tables2 import A

_ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")


@dataclass(frozen=True)
class _ColumnPlan:
    name: str
    td: str  # the <td> attributes, as HTML
    accessor: A
    render: Callable[..., Any]
    wants: tuple[str, ...] | None  # the render method's arguments; None: it takes **kwargs
    default: Any
    empty_values: tuple[Any, ...]
    localize: bool | None
    fast: bool  # False: django-tables2 renders this column's cells


def _plan(table: Any, bound_column: Any) -> _ColumnPlan:
    column = bound_column.column
    attrs = {**table.attrs, **column.attrs}  # as BoundColumn.attrs merges them: the column's win
    raw_td = attrs.get("td", attrs.get("cell", {}))
    fast = not bound_column.link and not any(callable(value) for value in raw_td.values())
    parameters = inspect.signature(bound_column.render).parameters.values()
    takes_all = any(p.kind == p.VAR_KEYWORD for p in parameters)
    wants = None if takes_all else tuple(p.name for p in parameters if p.kind != p.VAR_POSITIONAL)
    if wants is not None and any(name not in _ARGUMENTS for name in wants):
        fast = False  # call_with_appropriate would skip the call: leave it the odd case
    return _ColumnPlan(
        name=bound_column.name,
        td=bound_column.attrs["td"].as_html() if fast else "",
        accessor=A(bound_column.accessor),
        render=bound_column.render,
        wants=wants,
        default=bound_column.default,
        empty_values=tuple(column.empty_values),
        localize=bound_column.localize,
        fast=fast,
    )


def _cell(plan: _ColumnPlan, row: Any, table: Any, bound_column: Any) -> Any:
    record = row.record
    if not plan.fast or isinstance(record, models.Model):  # get_FOO_display() and the like
        return row.get_cell(plan.name)
    value = plan.accessor.resolve(record, quiet=True)
    if value in plan.empty_values:
        return plan.default
    available = {
        "value": value,
        "record": record,
        "column": bound_column.column,
        "bound_column": bound_column,
        "bound_row": row,
        "table": table,
    }
    if plan.wants is None:
        return plan.render(**available)
    return plan.render(**{name: available[name] for name in plan.wants})


def body_rows(table: Any, context: Context) -> SafeString:
    """The `<tr>` rows of the table's current page, as django-tables2's table.html writes them."""
    bound_columns = list(table.columns)
    plans = [_plan(table, bound_column) for bound_column in bound_columns]
    parts: list[str] = []
    for row in table.paginated_rows:
        parts.append(f"<tr {row.attrs.as_html()}>")
        for plan, bound_column in zip(plans, bound_columns, strict=True):
            cell = _cell(plan, row, table, bound_column)
            td = plan.td if plan.fast else bound_column.attrs["td"].as_html()
            if plan.localize is True:
                cell = localize(cell)
            elif plan.localize is False:
                cell = unlocalize(cell)
            parts.append(f"<td {td}>{render_value_in_context(cell, context)}</td>")
        parts.append("</tr>")
    return mark_safe("".join(parts))  # noqa: S308 - every cell went through render_value_in_context
