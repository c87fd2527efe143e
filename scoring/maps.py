"""The national map coloured by the index's bands (the dashboards' map, another colouring)."""

from __future__ import annotations

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from dashboards.maps import MapCategory, MapValue, NationalMap, national_map

from .choices import BAND_FILLS, Band
from .index import IndexTable


def map_by_band(table: IndexTable) -> NationalMap:
    categories = [MapCategory(band.value, str(band.label), BAND_FILLS[band]) for band in reversed(Band)]
    categories.append(MapCategory("none", _("No data"), fill=7))
    values = {
        row.code: MapValue(
            category=row.band,
            details=f"{row.name}, {row.province}: {_('index')} {number_format(row.index, decimal_pos=1)}",
            figures=(number_format(row.index, decimal_pos=1),),
        )
        for row in table.rows
    }
    title = _("Adoption index on %(date)s (method v%(version)s)") % {
        "date": date_format(table.as_of, "SHORT_DATE_FORMAT"),
        "version": table.method_version,
    }
    return national_map(title, table.rows, values, categories, (_("Index"),))
