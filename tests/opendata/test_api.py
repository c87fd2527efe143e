"""The open API: anonymous, read-only, the site's filters, rate-limited with 429 and Retry-After."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

BASE = "/api/open/editions/2019-q3"


def codes(response) -> set[str]:
    return {row["code"] for row in response.json()["results"]}


def test_editions_are_listed_newest_first_and_latest_is_an_alias(client, editions):
    assert [e["slug"] for e in client.get("/api/open/editions/").json()] == ["2019-q3", "2019-q1"]
    assert client.get("/api/open/editions/latest/").json()["edition"]["slug"] == "2019-q3"


def test_the_site_filters_apply_to_the_api(client, editions):
    assert codes(client.get(f"{BASE}/municipalities/?service=regix&adopted=yes")) == {"VAR06", "VAR01"}
    assert codes(client.get(f"{BASE}/municipalities/?service=regix&observed=yes")) == {"VAR06"}
    assert codes(client.get(f"{BASE}/municipalities/?service=regix&stage=production&province=VAR")) == {
        "VAR06",
        "VAR01",
    }
    assert codes(client.get(f"{BASE}/municipalities/?q=VAR06")) == {"VAR06"}
    assert client.get(f"{BASE}/municipalities/?province=VAR").json()["count"] == 12
    # the open page answers the same question with the same rows
    page = client.get("/open/editions/2019-q3/municipalities/?service=regix&adopted=yes").content.decode()
    assert 'data-code="VAR06"' in page
    assert 'data-code="VAR01"' in page
    assert page.count("<tr data-code=") == 2


def test_unknown_editions_and_codes_are_404_and_writes_are_refused(client, editions):
    assert client.get("/api/open/editions/2030-q1/").status_code == 404
    assert client.get(f"{BASE}/municipalities/XXX99/").status_code == 404
    assert client.get(f"{BASE}/provinces/VAR/").json()["municipalities"] == 12
    assert client.post("/api/open/editions/", {}).status_code == 405


def test_over_the_limit_a_client_gets_429_with_retry_after(client, editions, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    cache.clear()
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "open-api": "3/minute"}
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        statuses = [client.get("/api/open/editions/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        over = client.get("/api/open/editions/")
        assert over.status_code == 429
        assert int(over["Retry-After"]) > 0
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original


def test_the_open_endpoints_are_in_the_openapi_schema(client, editions):
    schema = client.get("/api/schema/?format=json").json()
    for path in (
        "/api/open/editions/",
        "/api/open/editions/{slug}/",
        "/api/open/editions/{edition_slug}/municipalities/",
        "/api/open/editions/{edition_slug}/provinces/{code}/",
    ):
        assert path in schema["paths"], path
    parameters = {
        p["name"] for p in schema["paths"]["/api/open/editions/{edition_slug}/municipalities/"]["get"]["parameters"]
    }
    assert {"province", "service", "stage", "adopted", "observed", "population_band", "q"} <= parameters


def test_the_stage_filter_offers_stage_names_and_refuses_an_unknown_code(client, editions):
    from adoption.models import Stage

    page = client.get("/open/editions/2019-q3/municipalities/").content.decode()
    select = re.search(r'<select name="stage"[^>]*>(.*?)</select>', page, re.S)[1]
    production = Stage.objects.get(service__code="regix", code="production")
    assert f'<option value="production">{production.name_bg}</option>' in select
    assert f'<optgroup label="{production.service.name_bg}">' in select
    assert client.get(f"{BASE}/municipalities/?service=regix&stage=no-such-stage").status_code == 400
