"""The data dictionary of the open data: every column of the CSV and XLSX downloads, in both languages.

Each column names the allow-listed field it comes from (`source`, a field of `schema.py`), so a test
can prove that the flat files carry nothing outside the allow-list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    source: str  # the allow-listed field (schema.py) the values come from
    type: str  # string / integer / boolean / date
    bg: str
    en: str


COLUMNS: list[Column] = [
    Column("edition", "slug", "string", "Издание (година, тримесечие и версия)", "Edition (year, quarter and version)"),
    Column("as_of", "as_of", "date", "Дата, към която са данните (ISO 8601)", "Date the figures describe (ISO 8601)"),
    Column("municipality_code", "code", "string", "Код на общината по НСИ", "NSI code of the municipality"),
    Column(
        "municipality_name_bg", "name_bg", "string", "Име на общината на български", "Municipality name in Bulgarian"
    ),
    Column("municipality_name_en", "name_en", "string", "Име на общината на английски", "Municipality name in English"),
    Column("province_code", "province_code", "string", "Код на областта по НСИ", "NSI code of the province"),
    Column(
        "province_name_bg", "province_name_bg", "string", "Име на областта на български", "Province name in Bulgarian"
    ),
    Column(
        "province_name_en", "province_name_en", "string", "Име на областта на английски", "Province name in English"
    ),
    Column("population", "population", "integer", "Население на общината", "Population of the municipality"),
    Column("population_band", "population_band", "string", "Група по население", "Population band"),
    Column(
        "service_code", "service", "string", "Код на услугата (напр. regix, seos)", "Service code (e.g. regix, seos)"
    ),
    Column("service_name_bg", "name_bg", "string", "Име на услугата на български", "Service name in Bulgarian"),
    Column("service_name_en", "name_en", "string", "Име на услугата на английски", "Service name in English"),
    Column("stage_code", "stage", "string", "Код на проверения етап", "Code of the verified stage"),
    Column("stage_name_bg", "name_bg", "string", "Етап на внедряване на български", "Adoption stage in Bulgarian"),
    Column("stage_name_en", "name_en", "string", "Етап на внедряване на английски", "Adoption stage in English"),
    Column(
        "adopted",
        "adopted",
        "boolean",
        "Етапът се брои за внедряване (само проверени декларации)",
        "The stage counts as adoption (verified declarations only)",
    ),
    Column(
        "since",
        "since",
        "date",
        "От кога е в сила етапът (ISO 8601); празно: няма декларация",
        "Date the stage took effect (ISO 8601); empty: never declared",
    ),
    Column(
        "observed",
        "observed",
        "boolean",
        "Отчетите за използване показват употреба в периода; празно: услугата не се отчита",
        "The usage reports show use in the window; empty: the service is not reported",
    ),
    Column(
        "usage",
        "usage",
        "integer",
        "Заявки към RegiX или документи в СЕОС през месеците на периода",
        "RegiX queries or SEOS documents in the window's months",
    ),
]

NAMES = [column.name for column in COLUMNS]
