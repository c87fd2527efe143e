"""The data dictionary of the open data: every column of the CSV and XLSX downloads, in both languages.

Each column names the allow-listed field it comes from (`source`, a field of `schema.py`), so a test
can prove that the flat files carry nothing outside the allow-list.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring.choices import PeerScope


@dataclass(frozen=True)
class Column:
    name: str
    source: str  # the allow-listed field (schema.py) the values come from
    type: str  # string / integer / decimal / boolean / date
    bg: str
    en: str


# The peer groups in the order of their columns, with their words (files.py writes them in this order).
SCOPE_WORDS = {
    PeerScope.NATIONAL.value: ("в страната", "in the country"),
    PeerScope.PROVINCE.value: ("в областта", "in the province"),
}

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
    # The municipality's adoption index and peer ranks (the same on each of its rows): the `scoring`
    # app's figures on the edition's date, with the method version that computed them.
    Column(
        "index",
        "index",
        "decimal",
        "Индекс на внедряване на общината (0–100, един знак след десетичната точка); празно: няма методика",
        "The municipality's adoption index (0–100, one decimal); empty: no index method",
    ),
    Column(
        "index_method",
        "index_method",
        "integer",
        "Версия на методиката, изчислила индекса",
        "Version of the index method that computed the index",
    ),
    *(
        column
        for scope, (bg, en) in SCOPE_WORDS.items()
        for column in (
            Column(
                f"peers_{scope}",
                "group_size",
                "integer",
                f"Брой общини от същата група по население {bg} (с общината)",
                f"Municipalities of the same population band {en} (the municipality included)",
            ),
            Column(
                f"rank_{scope}",
                "rank",
                "integer",
                f"Място по индекс сред тях (1 = най-висок; равните индекси делят по-доброто място) {bg}",
                f"Rank by index among them {en} (1 = highest; equal indices share the better rank)",
            ),
            Column(
                f"percentile_{scope}",
                "percentile",
                "integer",
                f"Дял (%) на останалите общини от групата {bg} с по-нисък индекс",
                f"Share (%) of the other municipalities of the band {en} with a lower index",
            ),
            Column(
                f"peers_median_{scope}",
                "median",
                "decimal",
                f"Медиана на индекса на общините от групата {bg}",
                f"Median index of the municipalities of the band {en}",
            ),
        )
    ),
]

NAMES = [column.name for column in COLUMNS]
