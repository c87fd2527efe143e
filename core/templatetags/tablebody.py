"""`{% table_body_rows table %}`: a django-tables2 table's rows written in one pass (core/tablebody.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString

from core.tablebody import body_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def table_body_rows(context: Context, table: Any) -> SafeString:
    return body_rows(table, context)
