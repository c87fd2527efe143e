"""import_regix_catalog against the real catalogue, re-import, and broken files."""

from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from catalog.models import QueryType, Register
from tests.conftest import DATA_DIR

CATALOG = DATA_DIR / "regix" / "catalog.csv"


def run_import(path=None) -> str:
    out = StringIO()
    call_command("import_regix_catalog", *([str(path)] if path else []), stdout=out)
    return out.getvalue()


def write_copy(tmp_path, change=None, drop_column: str | None = None):
    """A copy of the catalogue with one row changed by `change(rows)` or a column dropped."""
    with CATALOG.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if change:
        change(rows)
    fields = [name for name in rows[0] if name != drop_column]
    path = tmp_path / "catalog.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.django_db
def test_the_real_catalogue_has_86_registers_and_234_query_types():
    assert Register.objects.count() == 86
    assert QueryType.objects.count() == 234
    assert len(set(Register.objects.values_list("owner", flat=True))) == 33


@pytest.mark.django_db
def test_a_re_import_changes_nothing():
    output = run_import()
    assert "Nothing changed" in output
    assert (Register.objects.count(), QueryType.objects.count()) == (86, 234)


@pytest.mark.django_db
def test_a_newer_file_updates_names_and_keeps_hand_made_query_types(tmp_path):
    register = Register.objects.get(code="GRAO/NBD")
    QueryType.objects.create(operation="Hand.Made.Operation", register=register)

    def rename(rows):
        for row in rows:
            if row["register_code"] == "GRAO/NBD":
                row["register_name_en"] = "National Population Database (NPD)"

    output = run_import(write_copy(tmp_path, rename))
    assert "register: 0 created, 1 updated" in output
    register.refresh_from_db()
    assert register.name_en == "National Population Database (NPD)"
    assert QueryType.objects.filter(operation="Hand.Made.Operation").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "drop", "message"),
    [
        (lambda rows: rows[4].update(operation="not an operation"), None, "line 6: field 'operation'"),
        (lambda rows: rows[9].update(register_code=""), None, "line 11: field 'register_code' is empty"),
        (lambda rows: rows[2].update(register_name_bg=""), None, "line 4: field 'register_name_bg' is empty"),
        (lambda rows: rows.append(dict(rows[0])), None, "appears twice"),
        (None, "operation", "operation"),
    ],
)
def test_a_broken_file_is_refused_naming_the_line_and_field_and_changes_nothing(tmp_path, change, drop, message):
    before = list(QueryType.objects.order_by("id").values_list("operation", "register_id", "name_en"))
    path = write_copy(tmp_path, change, drop)
    with pytest.raises(CommandError) as error:
        run_import(path)
    assert message in str(error.value)
    assert str(path) in str(error.value)
    assert "nothing was changed" in str(error.value)
    assert list(QueryType.objects.order_by("id").values_list("operation", "register_id", "name_en")) == before


@pytest.mark.django_db
def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="file not found"):
        run_import(tmp_path / "nope.csv")
