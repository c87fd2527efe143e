"""The open site as an anonymous visitor in Chromium at 1366 and 390 px: no serious axe-core finding."""

from __future__ import annotations

import os
from datetime import date

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.browser.conftest import SCREENSHOTS, serious_violations

PAGES = {
    "national": "/open/",
    "province": "/open/editions/latest/provinces/VAR/",
    "municipality": "/open/editions/latest/municipalities/VAR06/",
    "list": "/open/editions/latest/municipalities/?province=VAR",
    "accessibility": "/open/accessibility/",
}


@pytest.fixture
def edition(reference_data):
    from demo.adoption import seed_demo_adoption
    from opendata.editions import Quarter, issue_edition

    cache.clear()
    call_command("seed_services", stdout=open(os.devnull, "w"))  # noqa: SIM115 - a flushed database has none
    seed_demo_adoption()
    return issue_edition(Quarter(2026, 3), today=date(2026, 8, 1))


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("name", list(PAGES))
def test_open_pages_are_accessible_to_an_anonymous_visitor(page, edition, name, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(PAGES[name])
    assert page.locator("h1").count() == 1
    if name != "accessibility":
        assert page.locator("main table tbody tr").count() > 0
    assert page.locator("footer a[href='/open/accessibility/']").count() == 1
    if name == "national":  # the edition's map file, drawn in place: one link per municipality
        page.wait_for_selector('figure.national-map[data-map-drawn="true"]')
        assert page.locator("figure.national-map svg.boundary-map a").count() == 265
    assert serious_violations(page) == []
    assert page.console_errors == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"open-{name}-{width}.png"), full_page=True)


def test_the_embed_carries_no_cookie_and_names_the_stage(page, edition):
    response = page.goto("/open/embed/VAR06/")
    assert "set-cookie" not in response.headers
    assert page.context.cookies() == []
    assert page.locator("h1").inner_text() == "Варна"
    assert serious_violations(page) == []
