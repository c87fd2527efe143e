"""The dashboards in headless Chromium: figures, the map, the date, filters, charts, accessibility."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.choices import Role
from tests.adoption_helpers import history
from tests.browser.conftest import SCREENSHOTS, serious_violations
from tests.dashboard_helpers import PERSON, days, load_regix, load_seos

AS_OF = "2018-08-31"
PAGES = {
    "overview": f"/?as_of={AS_OF}",
    "map": f"/dashboards/map/?as_of={AS_OF}&colour=agreement&service=regix",
    "provinces": f"/dashboards/provinces/?as_of={AS_OF}",
    "municipalities": f"/dashboards/municipalities/?as_of={AS_OF}",
    "trends": f"/dashboards/trends/?as_of={AS_OF}",
    "discrepancies": f"/dashboards/discrepancies/?as_of={AS_OF}",
    "municipality": "/municipalities/VAR06/",
}


@pytest.fixture
def signed_in(page, settings, tmp_path):
    """The page with a ministry user's session, and a small history: Варна, Аврен, Столична."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    call_command("seed_services", stdout=io.StringIO())  # a transactional test starts from a flushed database
    history("VAR06", "regix", [(date(2018, 3, 1), "production")])
    history("VAR01", "regix", [(date(2018, 1, 10), "production")])
    history("SOF46", "seos", [(date(2018, 1, 10), "real")])
    load_regix(
        [(d, "VAR06", PERSON, 10) for d in days(date(2018, 3, 1), date(2018, 8, 31), 7)]
        + [(d, "VAR01", PERSON, 5) for d in days(date(2018, 1, 10), date(2018, 4, 30), 7)]
        + [(date(2018, 7, 15), "SOF46", PERSON, 40)]
    )
    load_seos([(d, "SOF46", 2, 3) for d in days(date(2018, 1, 10), date(2018, 8, 30), 5)])
    user = get_user_model().objects.create_user(username="ministry", password="secret-pass-123", role=Role.MINISTRY)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": page.url_base}])
    return page


@pytest.fixture
def page(page, live_server):
    page.url_base = live_server.url
    return page


def figure(page, service: str, column: str) -> str:
    return page.locator(f'#adoption-summary tr[data-service="{service}"] td.{column}').inner_text().strip()


def test_the_overview_loads_with_its_figures(signed_in):
    page = signed_in
    page.goto(PAGES["overview"])
    assert page.get_by_role("heading", level=1).inner_text().startswith("Внедряване")
    assert figure(page, "regix", "declared") == "2"
    assert figure(page, "regix", "observed") == "2"  # Варна and Столична; Аврен stopped in April
    assert figure(page, "seos", "observed") == "1"
    # The usage map's shapes (a file of their own, drawn in place). The adoption index's panel loads
    # after the page with a map of its own: counting every map on the page raced with it.
    usage_map = 'section[aria-labelledby="map-heading"] figure.national-map'
    page.wait_for_selector(f'{usage_map}[data-map-drawn="true"]')
    assert page.locator(f"{usage_map} svg.national path.shape").count() == 265
    assert page.console_errors == []


def test_changing_the_date_changes_the_figures(signed_in):
    page = signed_in
    page.goto(PAGES["overview"])
    page.get_by_label("Към дата").fill("2018-02-01")
    page.get_by_role("button", name="Покажи", exact=True).click()
    page.wait_for_url(re.compile(r"as_of=2018-02-01"))
    assert figure(page, "regix", "declared") == "1"
    assert figure(page, "regix", "observed") == "1"
    # The date field's max stops a future date in the browser; the server refuses it too.
    assert page.get_by_label("Към дата").get_attribute("max") is not None
    page.goto("/?as_of=2099-01-01")
    assert "е в бъдещето" in page.get_by_role("alert").inner_text()
    assert any("400" in error for error in page.console_errors)  # the refused date answers 400
    page.console_errors.clear()


def test_a_figure_opens_its_rows_in_the_table(signed_in):
    page = signed_in
    page.goto(PAGES["overview"])
    page.locator('#adoption-summary tr[data-service="regix"] td.observed a').click()
    page.wait_for_url(re.compile(r"/dashboards/municipalities/"))
    assert "2 общини" in page.locator("#result-count").inner_text()
    names = page.locator("table.service-table tbody tr td:nth-child(1)").all_inner_texts()
    assert sorted(names) == ["Варна", "Столична"]
    assert page.console_errors == []


def test_the_map_draws_265_shapes_and_a_click_opens_the_municipality(signed_in):
    page = signed_in
    page.goto(PAGES["map"])
    page.wait_for_selector('figure.national-map[data-map-drawn="true"]')
    assert page.locator("svg.national a path.shape").count() == 265
    assert page.locator('svg.national path[data-code="VAR01"]').get_attribute("data-category") == "declared_only"
    page.locator('svg.national a[aria-label^="Варна:"]').click()
    page.wait_for_url(re.compile(r"/municipalities/VAR06/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Община Варна"
    assert page.console_errors == []


def test_keyboard_focus_on_the_map_shows_the_details(signed_in):
    page = signed_in
    page.goto(PAGES["map"])
    page.wait_for_selector('figure.national-map[data-map-drawn="true"]')
    page.locator('svg.national a[aria-label^="Аврен:"]').focus()
    details = page.locator(".map-details").inner_text()
    assert details.startswith("Аврен, Варна: Декларирана, без наблюдавано ползване")
    page.locator('svg.national a[aria-label^="Столична:"]').hover()
    assert page.locator(".map-details").inner_text().startswith("Столична")
    assert page.console_errors == []


def test_the_filters_narrow_the_table(signed_in):
    page = signed_in
    page.goto(PAGES["municipalities"])
    assert "265 общини" in page.locator("#result-count").inner_text()
    page.get_by_label("Област").select_option("VAR")
    page.get_by_role("button", name="Приложи филтрите").click()
    page.wait_for_url(re.compile(r"province=VAR"))
    assert "12 общини" in page.locator("#result-count").inner_text()
    page.get_by_label("Услуга", exact=True).select_option("regix")
    page.get_by_label("Декларирано спрямо наблюдавано").select_option("declared_only")
    page.get_by_role("button", name="Приложи филтрите").click()
    page.wait_for_url(re.compile(r"mismatch=declared_only"))
    assert "1 община" in page.locator("#result-count").inner_text()
    assert page.locator("table.service-table tbody tr td:nth-child(1)").all_inner_texts() == ["Аврен"]
    assert page.console_errors == []


def test_the_charts_draw_with_bulgarian_month_labels(signed_in):
    page = signed_in
    page.goto(PAGES["trends"])
    page.wait_for_function("document.querySelectorAll('figure.chart canvas').length > 0")
    drawn = page.evaluate(
        "Array.from(document.querySelectorAll('figure.chart canvas')).filter(c => window.Chart.getChart(c)).length"
    )
    assert drawn == page.locator("figure.chart canvas").count() >= 4
    labels = page.evaluate("window.Chart.getChart(document.querySelector('figure.chart canvas')).data.labels")
    assert labels[0] == "01.2016"  # months read 08.2018 in Bulgarian, in charts as in tables
    assert "01.2018" in page.locator("figure.chart table").first.text_content()
    assert page.console_errors == []


def test_the_municipality_page_loads_its_usage_with_charts(signed_in):
    page = signed_in
    recent = timezone.localdate().replace(day=1)
    load_regix([(recent, "VAR06", PERSON, 12)], name="recent-regix.csv")
    load_seos([(recent, "VAR06", 3, 4)], name="recent-seos.csv")
    page.goto(PAGES["municipality"])
    page.wait_for_selector("#usage[data-loaded='true']")
    assert page.locator("#municipality-peers tbody tr").count() == 6
    assert "PersonDataSearch" in page.locator("#municipality-top-query-types").inner_text()
    assert page.locator("#usage figure.chart canvas").count() == 2
    drawn = page.evaluate(
        "Array.from(document.querySelectorAll('#usage canvas')).filter(c => Chart.getChart(c)).length"
    )
    assert drawn == 2
    assert page.console_errors == []


def test_no_serious_accessibility_violation_on_any_dashboard_page(signed_in):
    page = signed_in
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, url in PAGES.items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if name == "municipality":
            page.wait_for_selector("#usage[data-loaded='true']")
        assert serious_violations(page) == [], url
        page.screenshot(path=str(SCREENSHOTS / f"dashboard-{name}.png"), full_page=True)
    assert page.console_errors == []
