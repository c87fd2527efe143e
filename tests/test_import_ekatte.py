"""import_ekatte against the real NSI files, re-import, and broken files."""

from __future__ import annotations

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from municipalities.models import Municipality, Province
from tests.conftest import DATA_DIR


def run_import(path) -> str:
    out = StringIO()
    call_command("import_ekatte", str(path), stdout=out)
    return out.getvalue()


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of the reference data, for breaking it."""
    shutil.copytree(DATA_DIR / "ekatte", tmp_path / "ekatte")
    shutil.copytree(DATA_DIR / "geo", tmp_path / "geo")
    for path in tmp_path.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    return tmp_path


@pytest.mark.django_db
def test_it_imports_28_provinces_and_265_municipalities():
    assert Province.objects.count() == 28
    assert Municipality.objects.count() == 265


@pytest.mark.django_db
def test_population_is_the_sum_of_the_settlements():
    assert Municipality.objects.aggregate(total=Sum("population"))["total"] == 7_253_828
    assert Municipality.objects.filter(population=0).count() == 0


@pytest.mark.django_db
def test_two_municipalities_named_byala_keep_their_own_codes():
    byala = Municipality.objects.filter(name_bg="Бяла").order_by("code")
    assert [(m.code, m.province.code, m.name_en) for m in byala] == [
        ("RSE04", "RSE", "Byala"),
        ("VAR05", "VAR", "Byala"),
    ]


@pytest.mark.django_db
def test_sarnitsa_is_the_newest_municipality_without_a_category():
    sarnitsa = Municipality.objects.get(code="PAZ39")
    assert sarnitsa.name_bg == "Сърница"
    assert sarnitsa.name_en == "Sarnitsa"
    assert sarnitsa.category is None
    assert sarnitsa.province.code == "PAZ"


@pytest.mark.django_db
def test_every_unit_has_its_boundary_and_official_latin_name():
    assert Municipality.objects.filter(boundary__isnull=True).count() == 0
    assert Province.objects.filter(boundary__isnull=True).count() == 0
    assert Municipality.objects.get(code="SOF46").name_en == "Stolichna"
    assert Province.objects.get(code="SFO").name_en == "Sofia"
    assert Municipality.objects.get(code="BLG03").boundary["type"] in {"Polygon", "MultiPolygon"}


@pytest.mark.django_db
def test_reimport_changes_nothing_and_says_so():
    before = list(Municipality.objects.values_list("code", "name_bg", "population", "province__code"))
    output = run_import(DATA_DIR)
    assert "Nothing changed" in output
    assert "municipality: 0 created, 0 updated, 265 unchanged" in output
    assert list(Municipality.objects.values_list("code", "name_bg", "population", "province__code")) == before


@pytest.mark.django_db
def test_a_changed_file_updates_only_what_changed(data_copy):
    path = data_copy / "ekatte" / "municipalities.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("VAR06,10135,Варна", "VAR06,10135,Варна-град"), "utf-8")
    output = run_import(data_copy)
    assert "municipality: 0 created, 1 updated, 264 unchanged" in output
    assert Municipality.objects.get(code="VAR06").name_bg == "Варна-град"


@pytest.mark.django_db
def test_a_missing_file_stops_the_import_and_names_it(data_copy):
    (data_copy / "ekatte" / "settlements.csv").unlink()
    Municipality.objects.filter(code="VAR06").update(population=1)
    with pytest.raises(CommandError, match=r"settlements\.csv: file not found — nothing was changed"):
        run_import(data_copy)
    assert Municipality.objects.get(code="VAR06").population == 1


@pytest.mark.django_db
def test_a_malformed_line_names_the_file_line_and_field_and_changes_nothing(data_copy):
    path = data_copy / "ekatte" / "municipalities.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace(",BGS,", ",XXX,")
    # An earlier line that would otherwise change, to prove nothing is written.
    lines[1] = lines[1].replace("Айтос", "Айтос-променен")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"municipalities\.csv, line 5: field 'province': unknown province 'XXX'"):
        run_import(data_copy)
    assert Municipality.objects.get(code="BGS01").name_bg == "Айтос"


@pytest.mark.django_db
def test_a_bad_population_is_reported_with_its_line(data_copy):
    path = data_copy / "ekatte" / "settlements.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].rsplit(",", 1)[0] + ",много"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"settlements\.csv, line 3: field 'population': 'много' is not a whole number"
    ):
        run_import(data_copy)


@pytest.mark.django_db
def test_a_missing_column_is_reported(data_copy):
    path = data_copy / "ekatte" / "provinces.csv"
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace("code,ekatte,name,nuts2", "code,ekatte,nuts2", 1)
        .replace(",Благоевград", ""),
        "utf-8",
    )
    with pytest.raises(CommandError, match=r"provinces\.csv, line 1: missing column\(s\): name"):
        run_import(data_copy)


@pytest.mark.django_db
def test_broken_geojson_is_reported_and_changes_nothing(data_copy):
    (data_copy / "geo" / "municipalities.geojson").write_text('{"type": "FeatureCollection", "features": [', "utf-8")
    with pytest.raises(CommandError, match=r"municipalities\.geojson, line 1: malformed JSON"):
        run_import(data_copy)
    assert Municipality.objects.filter(boundary__isnull=True).count() == 0


@pytest.mark.django_db
def test_undecodable_bytes_are_reported(data_copy):
    path = data_copy / "ekatte" / "provinces.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1251"))
    with pytest.raises(CommandError, match=r"provinces\.csv: not valid UTF-8"):
        run_import(data_copy)
