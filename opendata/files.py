"""An edition's downloads: CSV (UTF-8, comma, ISO dates, codes and names), JSON and XLSX.

The CSV and XLSX hold one row per municipality and service, with the columns of `dictionary.py`;
the JSON holds the edition's payloads as stored. Text cells that a spreadsheet would run as a
formula are neutralised with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json

from openpyxl import Workbook

from .choices import FileFormat
from .dictionary import COLUMNS, NAMES, SCOPE_WORDS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text a spreadsheet would read as a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def flat_rows(summary: dict, national: dict, municipalities: list[dict]) -> list[list]:
    """One row per municipality and service, in the dictionary's column order."""
    services = {s["code"]: s for s in national["services"]}
    stages = {(s["code"], st["code"]): st for s in national["services"] for st in s["stages"]}
    rows = []
    for m in municipalities:
        standing = index_columns(m)
        for cell in m["services"]:
            service, stage = services[cell["service"]], stages[(cell["service"], cell["stage"])]
            rows.append(
                [
                    summary["slug"],
                    national["as_of"],
                    m["code"],
                    m["name_bg"],
                    m["name_en"],
                    m["province_code"],
                    m["province_name_bg"],
                    m["province_name_en"],
                    m["population"],
                    m["population_band"],
                    cell["service"],
                    service["name_bg"],
                    service["name_en"],
                    cell["stage"],
                    stage["name_bg"],
                    stage["name_en"],
                    cell["adopted"],
                    cell["since"],
                    cell["observed"],
                    cell["usage"],
                    *standing,
                ]
            )
    return rows


def index_columns(municipality: dict) -> list:
    """The index, its method and the national then provincial ranks, as the dictionary orders them
    (empty in editions issued before the index was public)."""
    ranks = {rank["scope"]: rank for rank in municipality.get("peer_ranks", [])}
    values = [municipality.get("index"), municipality.get("index_method")]
    for scope in SCOPE_WORDS:
        rank = ranks.get(scope, {})
        values += [rank.get("group_size"), rank.get("rank"), rank.get("percentile"), rank.get("median")]
    return values


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(neutralise(value))


def to_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(NAMES)
    writer.writerows([_csv_value(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def to_json(summary: dict, national: dict, provinces: list[dict], municipalities: list[dict]) -> bytes:
    document = {"edition": summary, "national": national, "provinces": provinces, "municipalities": municipalities}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def to_xlsx(rows: list[list]) -> bytes:
    """The same rows as the CSV on one sheet, and the data dictionary on a second."""
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet("data")
    data.append(NAMES)
    for row in rows:
        data.append([neutralise(v) for v in row])
    dictionary = workbook.create_sheet("dictionary")
    dictionary.append(["column", "type", "description_bg", "description_en"])
    for column in COLUMNS:
        dictionary.append([column.name, column.type, column.bg, column.en])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_all(summary: dict, national: dict, provinces: list[dict], municipalities: list[dict]) -> dict[str, bytes]:
    rows = flat_rows(summary, national, municipalities)
    return {
        FileFormat.CSV: to_csv(rows),
        FileFormat.JSON: to_json(summary, national, provinces, municipalities),
        FileFormat.XLSX: to_xlsx(rows),
    }
