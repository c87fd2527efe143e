"""The municipalities list and page in headless Chromium: paging, filtering, language, a11y."""

from __future__ import annotations

import re

from tests.browser.conftest import serious_violations


def test_the_list_shows_265_municipalities_over_its_pages(page):
    page.goto("/municipalities/")
    assert page.locator("html").get_attribute("lang") == "bg"
    assert "265 общини" in page.locator("#result-count").inner_text()
    seen = set()
    while True:
        seen.update(page.locator("table tbody tr td:first-child").all_inner_texts())
        next_link = page.locator(".pagination li.next a")
        if next_link.count() == 0:
            break
        next_link.first.click()
        page.wait_for_load_state()
    assert len(seen) == 265
    assert page.console_errors == []


def test_the_province_filter_narrows_the_list(page):
    page.goto("/municipalities/")
    page.get_by_label("Област").select_option("VAR")
    page.get_by_role("button", name="Приложи филтрите").click()
    page.wait_for_url(re.compile(r"province=VAR"))
    codes = page.locator("table tbody tr td:first-child").all_inner_texts()
    assert len(codes) == 12
    assert all(code.startswith("VAR") for code in codes)
    assert "12 общини" in page.locator("#result-count").inner_text()
    assert page.console_errors == []


def test_the_language_switch_changes_the_language(page):
    page.goto("/municipalities/")
    page.get_by_label("Език").select_option("en")
    page.get_by_role("button", name="Смени").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Municipalities"
    assert "265 municipalities" in page.locator("#result-count").inner_text()
    assert page.console_errors == []


def test_a_municipality_page_draws_its_map_and_links_its_neighbours(page):
    page.goto("/municipalities/VAR06/")
    assert page.get_by_role("heading", level=1).inner_text() == "Община Варна"
    assert page.locator("svg.boundary-map path.shape.current").count() == 1
    page.locator('svg.boundary-map a[aria-label="Аврен"]').click()
    page.wait_for_url(re.compile(r"/municipalities/VAR01/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Община Аврен"
    assert page.console_errors == []


def test_the_pages_have_no_serious_accessibility_violations(page):
    for url in ["/", "/municipalities/", "/municipalities/?province=VAR", "/municipalities/VAR06/", "/accounts/login/"]:
        page.goto(url)
        assert serious_violations(page) == [], url
    assert page.console_errors == []


def test_the_skip_link_reaches_the_content_by_keyboard(page):
    page.goto("/municipalities/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Към съдържанието"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
