"""The adoption index and peer ranks on the open site: the `scoring` app's figures on the edition's day,
with the method version that computed them, in the payloads, pages, embed, badge, files and API."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from adoption.services import services_with_stages
from core.formatting import format_number
from opendata import reading
from opendata.choices import Level
from opendata.editions import Quarter, issue_edition
from scoring.choices import band_of
from scoring.index import index_on
from scoring.models import IndexMethod
from scoring.peers import peer_table
from scoring.services import default_input, new_method
from tests.opendata.conftest import TODAY

pytestmark = pytest.mark.django_db

SLUG = "2019-q3"
AS_OF = date(2019, 6, 30)


def municipality(edition, code: str) -> dict:
    return reading.payload(edition, Level.MUNICIPALITY, code)


def english(client):
    client.cookies["django_language"] = "en"
    return client


def shown(value, decimals: int | None = None) -> str:
    """A number as the English pages show it."""
    with translation.override("en"):
        return format_number(value, decimals)


def test_every_municipality_carries_scorings_index_and_ranks_with_the_method_version(editions):
    _first, second = editions
    table = index_on(AS_OF)
    peers = peer_table(table)
    assert len(table.rows) == 265
    for row in table.rows:
        payload = municipality(second, row.code)
        assert payload["index"] == float(row.index), row.code
        assert payload["index_method"] == table.method_version == 1
        ranks = {r["scope"]: (r["group_size"], r["rank"], r["percentile"], r["median"]) for r in payload["peer_ranks"]}
        assert ranks == {
            scope: (s.group_size, s.rank, s.percentile, float(s.median)) for scope, s in peers[row.code].index.items()
        }
    # Provinces and the country: the means scoring computes, with the same method version.
    for area in table.provinces:
        province = reading.payload(second, Level.PROVINCE, area.code)
        assert (province["index"], province["index_method"]) == (float(area.index), 1)
    national = reading.national(second)
    assert (national["index"], national["index_method"]) == (float(table.national.index), 1)
    # The fixture's shape: Varna, adopted and observed, leads its peers; Avren (adopted, unobserved)
    # is behind it; a municipality that declared nothing has index 0.
    varna, avren = municipality(second, "VAR06"), municipality(second, "VAR01")
    assert varna["index"] > avren["index"] > municipality(second, "SOF46")["index"] == 0
    assert {r["scope"]: r["rank"] for r in varna["peer_ranks"]} == {"national": 1, "province": 1}


def test_an_edition_keeps_the_method_version_it_was_computed_with(editions):
    """A new method version changes the next edition's index, never an issued one."""
    _first, second = editions
    before = municipality(second, "VAR01")
    given = default_input(services_with_stages())
    halved = {code: (weight, factor / 2) for code, (weight, factor) in given.services.items()}
    new_method(replace(given, services=halved), services_with_stages(), note="unobserved counts less")
    correction = issue_edition(Quarter(2019, 3), note="method v2", today=TODAY)
    after = municipality(correction, "VAR01")
    assert after["index_method"] == 2
    assert after["index"] == float(index_on(AS_OF).row("VAR01").index) < before["index"]
    cache.clear()
    assert municipality(second, "VAR01") == before  # the issued edition, read again, still names v1


def test_without_an_index_method_the_edition_carries_no_index_and_says_so(client, declarations):
    IndexMethod.objects.all().delete()
    edition = issue_edition(Quarter(2019, 3), today=TODAY)
    varna = municipality(edition, "VAR06")
    assert (varna["index"], varna["index_method"], varna["peer_ranks"]) == (None, None, [])
    assert reading.national(edition)["index"] is None
    page = english(client).get(reverse("opendata:municipality", args=[SLUG, "VAR06"])).content.decode()
    assert "This edition carries no adoption index." in page
    assert 'id="open-index"' not in page
    assert client.get(reverse("opendata:badge", args=["VAR06"])).status_code == 200
    rows = list(csv.DictReader(io.StringIO(client.get(f"/open/editions/{SLUG}/data.csv").content.decode())))
    assert {row["index"] for row in rows} == {""}


def test_the_municipality_page_shows_the_index_band_method_and_ranks(client, editions):
    varna = municipality(editions[1], "VAR06")
    page = english(client).get(reverse("opendata:municipality", args=[SLUG, "VAR06"])).content.decode()
    band = band_of(varna["index"])
    assert f'class="index-band band-{band}" id="open-index">{shown(varna["index"], 1)}</span>' in page
    assert "(method v1)" in page
    assert 'href="/index/method/?method=1"' in page
    assert client.get("/index/method/?method=1").status_code == 200  # the method is public too
    national, province = varna["peer_ranks"]
    assert '<tr data-scope="national"><th scope="row">same population band, nationally</th>' in page
    assert f"{national['rank']} of {national['group_size']}</td>" in page
    assert f"{province['rank']} of {province['group_size']}</td>" in page
    assert f'<td class="num">{shown(national["median"], 1)}</td>' in page
    bulgarian = client.get(reverse("opendata:municipality", args=[SLUG, "VAR06"]), HTTP_COOKIE="django_language=bg")
    assert "Индекс на внедряване" in bulgarian.content.decode()


def test_the_list_province_and_national_pages_show_the_index(client, editions):
    varna = municipality(editions[1], "VAR06")
    cell = f'<span class="index-band band-{band_of(varna["index"])}"'
    listing = client.get(f"/open/editions/{SLUG}/municipalities/?q=VAR06").content.decode()
    assert f'{cell} title="' in listing
    assert f">{format_number(varna['index'], 1)}</span>" in listing
    province = reading.payload(editions[1], Level.PROVINCE, "VAR")
    page = client.get(f"/open/editions/{SLUG}/provinces/VAR/").content.decode()
    assert f">{format_number(province['index'], 1)}</span>" in page
    assert 'id="open-index"' in page
    national = client.get("/open/").content.decode()
    assert f">{format_number(reading.national(editions[1])['index'], 1)}</span>" in national


def test_the_embed_and_badge_show_the_index_and_rank(client, editions):
    varna = municipality(editions[1], "VAR06")
    value = shown(varna["index"], 1)
    national = varna["peer_ranks"][0]
    embed = english(client).get(reverse("opendata:embed", args=["VAR06"])).content.decode()
    assert f'<span class="index-band band-{band_of(varna["index"])}">{value}</span>' in embed
    assert "method v1" in embed
    assert f"rank {national['rank']} of {national['group_size']} peers" in embed
    badge = client.get(reverse("opendata:badge", args=["VAR06"])).content.decode()
    assert f"adoption index {value}" in badge
    assert f">{value}</text>" in badge
    assert "method v1" in badge


def test_csv_and_xlsx_carry_the_index_and_ranks_on_each_row(client, editions):
    varna = municipality(editions[1], "VAR06")
    ranks = {r["scope"]: r for r in varna["peer_ranks"]}
    rows = list(csv.DictReader(io.StringIO(client.get(f"/open/editions/{SLUG}/data.csv").content.decode())))
    mine = [row for row in rows if row["municipality_code"] == "VAR06"]
    assert len(mine) == len(varna["services"])
    for row in mine:
        assert float(row["index"]) == varna["index"]
        assert row["index_method"] == "1"
        for scope in ("national", "province"):
            assert int(row[f"rank_{scope}"]) == ranks[scope]["rank"]
            assert int(row[f"peers_{scope}"]) == ranks[scope]["group_size"]
            assert int(row[f"percentile_{scope}"]) == ranks[scope]["percentile"]
            assert float(row[f"peers_median_{scope}"]) == ranks[scope]["median"]
    book = load_workbook(io.BytesIO(client.get(f"/open/editions/{SLUG}/data.xlsx").content))
    header = [cell.value for cell in book["data"][1]]
    values = next(r for r in book["data"].iter_rows(min_row=2, values_only=True) if r[2] == "VAR06")
    assert values[header.index("index")] == varna["index"]
    assert values[header.index("rank_national")] == ranks["national"]["rank"]
    dictionary = client.get(reverse("opendata:dictionary-json")).json()["columns"]
    assert {"index", "index_method", "rank_national", "peers_median_province"} <= {c["name"] for c in dictionary}


def test_the_open_api_serves_and_documents_the_index(client, editions):
    varna = municipality(editions[1], "VAR06")
    answer = client.get(f"/api/open/editions/{SLUG}/municipalities/VAR06/").json()
    assert (answer["index"], answer["index_method"], answer["peer_ranks"]) == (
        varna["index"],
        1,
        varna["peer_ranks"],
    )
    assert client.get(f"/api/open/editions/{SLUG}/provinces/VAR/").json()["index_method"] == 1
    components = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    municipality_schema = next(s for name, s in components.items() if name.startswith("OpenMunicipalityFigures"))
    assert {"index", "index_method", "peer_ranks"} <= set(municipality_schema["properties"])
    assert municipality_schema["properties"]["index"]["type"] == "number"
