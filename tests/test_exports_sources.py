"""TableExport gives the cells django-tables2's own export (Table.as_values) gives, by SQL (COPY) or by Python."""

from __future__ import annotations

import django_tables2 as tables
import pytest
from django.utils import translation

from exports import registry
from exports.sources import TableExport
from municipalities.models import Municipality
from municipalities.tables import MunicipalityTable


class PlainMunicipalityTable(tables.Table):
    code = tables.Column()
    name_bg = tables.Column(linkify=True)
    population = tables.Column(visible=False)
    seat_ekatte = tables.Column()

    class Meta:
        model = Municipality
        fields = ["code", "name_bg", "population", "seat_ekatte"]


def source_of(table_class, queryset, exclude=(), params=None) -> TableExport:
    class Source(TableExport):
        exclude_columns = tuple(exclude)

        def get_queryset(self):
            return queryset

    Source.table_class = table_class
    return Source(None, params or {})


def as_values(table) -> list[list]:
    """django-tables2's own export rows (ExportMixin's), header dropped."""
    return [list(row) for row in table.as_values()][1:]


@pytest.mark.django_db
def test_a_table_with_value_methods_and_choices_exports_as_django_tables2_does():
    queryset = Municipality.objects.select_related("province").order_by("code")
    source = source_of(MunicipalityTable, queryset)
    assert source.sql is None  # value_/render_ without SQL twins: the Python writer
    rows = list(source.rows())
    assert rows == as_values(MunicipalityTable(queryset))  # sorted by the table's default, as on the page
    assert len(rows) == 265
    assert isinstance(rows[0][-1], int)


@pytest.mark.django_db
def test_a_table_of_plain_fields_is_written_by_sql_with_the_same_cells():
    queryset = Municipality.objects.order_by("code")
    source = source_of(PlainMunicipalityTable, queryset)
    assert source.sql is not None
    assert [list(row) for row in source.rows()] == as_values(PlainMunicipalityTable(queryset))


@pytest.mark.django_db
def test_excluded_columns_are_left_out():
    source = source_of(PlainMunicipalityTable, Municipality.objects.filter(code="VAR06"), exclude=["seat_ekatte"])
    with translation.override("en"):
        assert source.header() == ["NSI code", "Name (Bulgarian)", "Population"]
    assert [list(row) for row in source.rows()] == [
        ["VAR06", "Варна", Municipality.objects.get(code="VAR06").population]
    ]


@pytest.mark.django_db
def test_a_values_queryset_takes_the_general_path():
    queryset = Municipality.objects.filter(province__code="VAR").order_by("code").values()
    source = source_of(PlainMunicipalityTable, queryset)
    assert source.sql is None
    assert list(source.rows()) == as_values(PlainMunicipalityTable(queryset))
    assert len(as_values(PlainMunicipalityTable(queryset))) == 12


@pytest.mark.django_db
def test_chunks_keep_the_pages_sort_not_each_chunk_tables_default(settings):
    settings.EXPORT_CHUNK_SIZE = 7  # many small tables, each must keep the sorted query's order
    queryset = Municipality.objects.select_related("province")
    rows = list(source_of(MunicipalityTable, queryset, params={"sort": "-population"}).rows())
    populations = [row[-1] for row in rows]
    assert populations == sorted(populations, reverse=True)
    assert rows[0][0] == "SOF46"


def test_every_product_page_with_downloads_registered_its_source():
    pages = {source.page for source in registry.registered().values()}
    assert {
        "municipalities:list",
        "catalog:register-list",
        "catalog:register-detail",
        "usage:batch-list",
        "dashboards:provinces",
        "dashboards:municipalities",
        "reports:usage",
        "reports:adoption-matrix",
        "adoption:list",
    } <= pages
    assert registry.get("usage-rejected-rows").page == ""
    with pytest.raises(LookupError):
        registry.get("no-such-export")
