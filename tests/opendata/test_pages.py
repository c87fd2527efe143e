"""The open pages over HTTP: bad addresses, English, embeds without cookies, downloads, query counts."""

from __future__ import annotations

import csv
import gzip
import io
import re
from unittest import mock

import pytest
from django.core.cache import cache, caches
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from municipalities.models import Municipality
from opendata.editions import Quarter, issue_edition
from tests.opendata.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/open/editions/2031-q1/",
        "/open/editions/2019-q3/municipalities/XXX99/",
        "/open/editions/2019-q3/provinces/ZZZ/",
        "/open/editions/2019-q3/data.pdf",
        "/open/editions/nope/data.csv",
        "/open/catalog.xml",
        "/open/embed/XXX99/",
        "/open/embed/XXX99.svg",
    ],
)
def test_unknown_editions_municipalities_and_formats_are_404(client, editions, url):
    assert client.get(url).status_code == 404


def test_a_visitor_reads_a_municipality_in_the_latest_and_an_earlier_edition(client, editions):
    latest = client.get("/open/editions/latest/municipalities/VAR06/").content.decode()
    earlier = client.get("/open/editions/2019-q1/municipalities/VAR06/").content.decode()
    assert "<h1>Община Варна</h1>" in latest
    assert "2019-q3" in latest
    assert "01.03.2018" in earlier  # since when, in the Bulgarian date format
    assert 'href="/open/editions/2019-q1/municipalities/VAR06/"' in latest  # the other editions


def test_english_on_request(client, editions):
    client.cookies["django_language"] = "en"
    page = client.get("/open/editions/2019-q3/municipalities/VAR06/").content.decode()
    assert "<h1>Municipality Varna</h1>" in page


def test_the_embed_and_badge_carry_no_cookie_and_may_be_framed(client, editions):
    embed = client.get(reverse("opendata:embed", args=["VAR06"]))
    assert embed.cookies == {}
    assert "X-Frame-Options" not in embed
    assert "public" in embed["Cache-Control"]
    assert "В реална употреба" in embed.content.decode()
    badge = client.get(reverse("opendata:badge", args=["VAR06"]))
    assert badge["Content-Type"].startswith("image/svg+xml")
    assert badge.cookies == {}
    assert "RegiX: В реална употреба" in badge.content.decode()


def test_a_cached_page_is_served_without_a_query(client, editions, django_assert_max_num_queries):
    for url in ("/open/", "/open/editions/2019-q3/provinces/VAR/", "/open/editions/2019-q3/municipalities/VAR06/"):
        client.get(url)
        with django_assert_max_num_queries(0):
            assert client.get(url).status_code == 200


def test_a_warm_page_needs_no_round_trip_to_the_shared_cache(client, editions, django_assert_max_num_queries):
    """Each process keeps an edition's pages in its own memory: served with Redis emptied (or away)."""
    urls = ("/open/", "/open/editions/2019-q3/municipalities/VAR06/", "/open/embed/VAR06/", "/open/embed/VAR06.svg")
    first = {url: client.get(url).status_code for url in urls}
    cache.clear()
    with mock.patch.object(caches["default"], "get", side_effect=AssertionError("a round trip")):
        with django_assert_max_num_queries(0):
            assert {url: client.get(url).status_code for url in urls} == first == dict.fromkeys(urls, 200)


def test_anonymous_pages_are_gzipped_once_and_each_visitor_gets_a_fresh_token(client, editions):
    """The page is compressed once (core.tokenpage); each response carries its own CSRF token, which
    the language form accepts."""
    pages = [client.get("/open/", HTTP_ACCEPT_ENCODING="gzip, deflate") for _ in range(2)]
    bodies = []
    for response in pages:
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        bodies.append(gzip.decompress(response.content).decode())
    plain = client.get("/open/").content.decode()
    tokens = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1] for body in [*bodies, plain]]
    assert len(set(tokens)) == 3
    assert bodies[0].replace(tokens[0], "T") == bodies[1].replace(tokens[1], "T") == plain.replace(tokens[2], "T")
    checked = Client(enforce_csrf_checks=True)
    checked.cookies = client.cookies
    answer = checked.post("/i18n/setlang/", {"language": "en", "next": "/open/", "csrfmiddlewaretoken": tokens[1]})
    assert answer.status_code == 302
    assert answer.cookies["django_language"].value == "en"


@pytest.mark.parametrize(("query", "rows"), [("q=VAR06", 1), ("population_band=20k-100k", 69)])
def test_the_municipality_list_costs_the_same_queries_for_few_and_many_rows(
    client, editions, query, rows, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = client.get(f"/open/editions/2019-q3/municipalities/?{query}")
    assert response.content.decode().count("<tr data-code=") == rows


def test_latest_download_redirects_to_the_permanent_address(client, editions):
    response = client.get("/open/editions/latest/data.csv")
    assert response.status_code == 302
    assert response["Location"] == "/open/editions/2019-q3/data.csv"


def test_formula_like_text_is_neutralised_in_csv_and_xlsx(client, declarations):
    Municipality.objects.filter(code="VAR06").update(name_bg="=HYPERLINK(1)", name_en="+cmd")
    issue_edition(Quarter(2019, 3), today=TODAY)
    rows = list(csv.DictReader(io.StringIO(client.get("/open/editions/2019-q3/data.csv").content.decode())))
    varna = [row for row in rows if row["municipality_code"] == "VAR06"]
    assert {row["municipality_name_bg"] for row in varna} == {"'=HYPERLINK(1)"}
    assert {row["municipality_name_en"] for row in varna} == {"'+cmd"}
    book = load_workbook(io.BytesIO(client.get("/open/editions/2019-q3/data.xlsx").content))
    names = {row[3] for row in book["data"].iter_rows(min_row=2, values_only=True) if row[2] == "VAR06"}
    assert names == {"'=HYPERLINK(1)"}


def test_the_trend_is_downloadable_as_csv(client, editions):
    response = client.get("/open/editions/2019-q3/trend.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][0] == "2016-01"
    assert rows[-1][0] == "2019-06"


def test_the_national_page_draws_its_editions_map_file(client, editions):
    page = client.get("/open/").content.decode()
    src = re.search(r'<object data="([^"]+)"[^>]*data-map-src="\1"', page)[1].replace("&amp;", "&")
    assert src.startswith("/open/editions/2019-q3/map.svg?")  # the edition's own address, never "latest"
    svg = client.get(src)
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert "public" in svg["Cache-Control"]
    assert "immutable" in svg["Cache-Control"]
    assert "default-src 'none'" in svg["Content-Security-Policy"]
    body = svg.content.decode()
    assert body.count("<path ") == Municipality.objects.count()
    assert 'href="/open/editions/2019-q3/municipalities/VAR06/"' in body
    assert "CANARY" not in body
    assert client.get("/open/editions/2031-q1/map.svg").status_code == 404
