"""`{% export_links as export %}`: the download links of the page's registered export source."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from exports import registry
from exports.choices import XLSX_MAX_DATA_ROWS, Flavour
from exports.downloads import TRIGGER

register = template.Library()

HELP_TEXTS: dict[str, StrPromise] = {
    Flavour.EXCEL: _("choose this to open the table in Excel: Cyrillic letters, columns and numbers come out right."),
    Flavour.CSV: _("for scripts, databases and LibreOffice: UTF-8, comma-separated, ISO dates, a decimal point."),
    Flavour.XLSX: _("a workbook with real numbers and dates; at most %(limit)s rows."),
}


@register.simple_tag(takes_context=True)
def export_links(context) -> dict | None:
    """Rows (from the page's own table paginator: no extra query) and one link per flavour."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    source_class = registry.for_page(match.view_name if match else None)
    if source_class is None:
        return None
    table = context.get("table")
    paginator = getattr(table, "paginator", None)
    rows = paginator.count if paginator is not None else len(table.rows) if table is not None else 0
    links = []
    for flavour in source_class.flavours:
        query = request.GET.copy()
        query.pop("page", None)
        query[TRIGGER] = flavour
        help_text = HELP_TEXTS.get(flavour, "")
        if flavour == Flavour.XLSX:
            help_text = help_text % {"limit": number_format(XLSX_MAX_DATA_ROWS, force_grouping=True)}
        links.append(
            {
                "flavour": flavour,
                "label": Flavour(flavour).label,
                "help": help_text,
                "url": "?" + query.urlencode(),
                "available": not (flavour == Flavour.XLSX and rows > XLSX_MAX_DATA_ROWS),
            }
        )
    return {"rows": rows, "links": links, "background": rows > settings.EXPORT_ASYNC_THRESHOLD_ROWS}
