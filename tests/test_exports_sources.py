"""TableSource gives the cells django-tables2's own export would, by its fast and its general path."""

from __future__ import annotations

import django_tables2 as tables
import pytest
from django.utils import translation

from exports.sources import TableSource, _plain_fields
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


def as_values(table) -> list[list]:
    """django-tables2's own export rows (ExportMixin's), header dropped."""
    return [list(row) for row in table.as_values()][1:]


@pytest.mark.django_db
def test_a_table_with_value_methods_and_choices_exports_as_django_tables2_does():
    table = MunicipalityTable(Municipality.objects.select_related("province").order_by("code"))
    source = TableSource(table)
    assert _plain_fields(table, source.columns) is None  # value_/render_ methods: the general path
    rows = list(source.rows())
    assert rows == as_values(table)
    assert len(rows) == 265
    assert isinstance(rows[0][-1], int)


@pytest.mark.django_db
def test_a_table_of_plain_fields_takes_the_fast_path_with_the_same_cells():
    table = PlainMunicipalityTable(Municipality.objects.order_by("code"))
    source = TableSource(table)
    assert _plain_fields(table, source.columns) == [
        ("code", (None, "")),
        ("name_bg", (None, "")),
        ("population", (None, "")),
        ("seat_ekatte", (None, "")),
    ]
    assert list(source.rows()) == as_values(table)


@pytest.mark.django_db
def test_a_value_method_that_asks_for_an_unknown_argument_gives_an_empty_cell():
    class OddTable(tables.Table):
        code = tables.Column()

        class Meta:
            model = Municipality
            fields = ["code"]

        def value_code(self, value, something_else):
            return "never"

    table = OddTable(Municipality.objects.filter(code="VAR06"))
    assert list(TableSource(table).rows()) == [[None]] == as_values(table)


@pytest.mark.django_db
def test_excluded_columns_are_left_out():
    table = PlainMunicipalityTable(Municipality.objects.filter(code="VAR06"))
    source = TableSource(table, exclude_columns=["seat_ekatte"])
    with translation.override("en"):
        assert source.header() == ["NSI code", "Name (Bulgarian)", "Population"]
    assert list(source.rows()) == [["VAR06", "Варна", Municipality.objects.get(code="VAR06").population]]


@pytest.mark.django_db
def test_a_values_queryset_takes_the_general_path():
    table = PlainMunicipalityTable(Municipality.objects.filter(province__code="VAR").order_by("code").values())
    source = TableSource(table)
    assert _plain_fields(table, source.columns) is None
    assert list(source.rows()) == as_values(table)
    assert len(as_values(table)) == 12
