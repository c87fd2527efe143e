"""Import of the NSI EKATTE classifier and the GeoJSON boundaries.

Every file is read and validated before anything is written, so a broken file changes
nothing; the write is one transaction of upserts keyed by the NSI code, so a re-run with
the same files changes nothing and reports that.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from core.csvfiles import DataFileError, read_csv_rows
from core.transliteration import transliterate
from core.upsert import ImportReport, upsert_by_key

from .models import Municipality, Province

PROVINCE_CODE = re.compile(r"^[A-Z]{3}$")
MUNICIPALITY_CODE = re.compile(r"^[A-Z]{3}\d{2}$")
EKATTE_CODE = re.compile(r"^\d{5}$")
GEOMETRY_TYPES = {"Polygon", "MultiPolygon"}


@dataclass
class EkatteData:
    """Validated rows, ready to be written."""

    provinces: dict[str, dict] = field(default_factory=dict)
    municipalities: dict[str, dict] = field(default_factory=dict)


def _check(pattern: re.Pattern, value: str, what: str, path: Path, line: int) -> str:
    if not pattern.match(value):
        raise DataFileError(path, f"{what} {value!r} is not valid", line)
    return value


def _read_provinces(path: Path) -> dict[str, dict]:
    provinces: dict[str, dict] = {}
    for line, row in read_csv_rows(path, ["code", "ekatte", "name", "nuts2"]):
        code = _check(PROVINCE_CODE, row["code"], "field 'code':", path, line)
        if code in provinces:
            raise DataFileError(path, f"field 'code': province {code} appears twice", line)
        if not row["name"]:
            raise DataFileError(path, "field 'name' is empty", line)
        provinces[code] = {
            "centre_ekatte": _check(EKATTE_CODE, row["ekatte"], "field 'ekatte':", path, line),
            "name_bg": row["name"],
            "name_en": transliterate(row["name"]),
            "nuts2": row["nuts2"],
            "boundary": None,
        }
    if not provinces:
        raise DataFileError(path, "no provinces in the file")
    return provinces


def _read_municipalities(path: Path, provinces: dict[str, dict]) -> dict[str, dict]:
    municipalities: dict[str, dict] = {}
    columns = ["code", "ekatte", "name", "province", "category"]
    for line, row in read_csv_rows(path, columns):
        code = _check(MUNICIPALITY_CODE, row["code"], "field 'code':", path, line)
        if code in municipalities:
            raise DataFileError(path, f"field 'code': municipality {code} appears twice", line)
        province = row["province"]
        if province not in provinces:
            raise DataFileError(path, f"field 'province': unknown province {province!r}", line)
        if not code.startswith(province):
            raise DataFileError(path, f"field 'code': {code} is not in province {province}", line)
        category = row["category"]
        if category and category not in {"0", "1", "2", "3", "4", "5"}:
            raise DataFileError(path, f"field 'category': {category!r} is not 0–5", line)
        if not row["name"]:
            raise DataFileError(path, "field 'name' is empty", line)
        municipalities[code] = {
            "seat_ekatte": _check(EKATTE_CODE, row["ekatte"], "field 'ekatte':", path, line),
            "name_bg": row["name"],
            "name_en": transliterate(row["name"]),
            "province_code": province,
            "category": int(category) if category else None,
            "population": 0,
            "boundary": None,
        }
    if not municipalities:
        raise DataFileError(path, "no municipalities in the file")
    return municipalities


def _add_population(path: Path, municipalities: dict[str, dict]) -> None:
    columns = ["ekatte", "municipality", "name_bg", "population"]
    for line, row in read_csv_rows(path, columns):
        code = row["municipality"]
        if code not in municipalities:
            raise DataFileError(path, f"field 'municipality': unknown municipality {code!r}", line)
        population = row["population"] or "0"
        if not population.isdigit():
            raise DataFileError(path, f"field 'population': {population!r} is not a whole number", line)
        municipalities[code]["population"] += int(population)


def _add_boundaries(path: Path, units: dict[str, dict], key: str) -> None:
    """Attach each feature's geometry to the unit named by properties[key]."""
    if not path.is_file():
        raise DataFileError(path, "file not found")
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise DataFileError(path, f"not valid UTF-8 ({error.reason})") from None
    except json.JSONDecodeError as error:
        raise DataFileError(path, f"malformed JSON: {error.msg} (column {error.colno})", error.lineno) from None
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        raise DataFileError(path, "not a GeoJSON FeatureCollection (no 'features' list)")
    for index, feature in enumerate(features):
        where = f"features[{index}]"
        code = (feature.get("properties") or {}).get(key)
        if code not in units:
            raise DataFileError(path, f"{where}.properties.{key}: unknown code {code!r}")
        geometry = feature.get("geometry") or {}
        if geometry.get("type") not in GEOMETRY_TYPES or not geometry.get("coordinates"):
            raise DataFileError(path, f"{where}.geometry: expected a Polygon or MultiPolygon")
        units[code]["boundary"] = geometry


def read_ekatte(data_dir: Path) -> EkatteData:
    """Read and validate every reference file; raise DataFileError on the first problem."""
    provinces = _read_provinces(data_dir / "ekatte" / "provinces.csv")
    municipalities = _read_municipalities(data_dir / "ekatte" / "municipalities.csv", provinces)
    _add_population(data_dir / "ekatte" / "settlements.csv", municipalities)
    _add_boundaries(data_dir / "geo" / "provinces.geojson", provinces, "nuts3")
    _add_boundaries(data_dir / "geo" / "municipalities.geojson", municipalities, "nuts4")
    return EkatteData(provinces=provinces, municipalities=municipalities)


def import_ekatte(data_dir: Path) -> ImportReport:
    """Validate all files, then upsert provinces and municipalities in one transaction."""
    data = read_ekatte(Path(data_dir))
    report = ImportReport()
    with transaction.atomic():
        upsert_by_key(Province, "code", data.provinces, report)
        province_ids = dict(Province.objects.values_list("code", "id"))
        rows = {
            code: {**{k: v for k, v in values.items() if k != "province_code"},
                   "province_id": province_ids[values["province_code"]]}
            for code, values in data.municipalities.items()
        }  # fmt: skip
        upsert_by_key(Municipality, "code", rows, report)
    return report
