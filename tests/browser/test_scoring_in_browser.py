"""The index, method, targets, outreach and scorecard pages in headless Chromium at 1366 and 390 px:
no serious accessibility violation, no console error, no sideways scrolling of the page itself."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from accounts.choices import Role
from adoption.services import services_with_stages
from municipalities.models import Province
from outreach.models import Case, Subscription
from scoring.models import Target
from scoring.services import default_input, new_method
from tests.adoption_helpers import municipality
from tests.browser.conftest import SCREENSHOTS, serious_violations
from tests.scoring_helpers import verified

AS_OF = "2018-08-31"
# How far the page (or, on a page other apps own, only our panel) reaches past the window's right edge.
OVERFLOW = """(selector) => selector
  ? Math.round(document.querySelector(selector).getBoundingClientRect().right - window.innerWidth)
  : document.documentElement.scrollWidth - window.innerWidth"""
# The municipality page belongs to other apps (its facts column is wider than a phone on main already):
# there only the panel this app adds is measured.
OWN_PART = {"municipality": "#scoring-municipality-panel"}
# Pages whose scoring panel loads after the page: wait for it.
PANELS = {"overview", "municipality"}


@pytest.fixture
def signed_in(page, live_server, settings, tmp_path):
    """A ministry session over a flushed database: the first method, a target, a case, a subscription."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    call_command("seed_services", stdout=io.StringIO())
    services = services_with_stages()
    new_method(default_input(services), services, note="v1")
    verified("VAR06", "seos", [(date(2018, 1, 1), "real")])
    verified("VAR01", "seos", [(date(2018, 5, 1), "test")])
    user = get_user_model().objects.create_user(username="ministry", password="secret-pass-123", role=Role.MINISTRY)
    seos = services[0]
    target = Target.objects.create(
        name_bg="Всяка община – реален участник в СЕОС", name_en="Every municipality a real SEOS participant",
        service=seos, measure="stage", stage=seos.stages.get(code="real"), amount_kind="share", amount=100,
        baseline_date=date(2017, 6, 1), deadline=date(2018, 11, 1),
    )  # fmt: skip
    Case.objects.create(
        municipality=municipality("VAR01"), kind="call", contacted_on=date(2018, 6, 1),
        agreed="Ще станат реален участник", owner=user, created_by=user, follow_up_on=date(2018, 7, 1),
    )  # fmt: skip
    Subscription.objects.create(province=Province.objects.get(code="VAR"), email="governor@example.bg", role="governor")
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.target = target
    return page


def pages(target) -> dict[str, str]:
    return {
        "index": f"/index/?as_of={AS_OF}",
        "method": "/index/method/",
        "targets": f"/index/targets/?as_of={AS_OF}",
        "target": f"/index/targets/{target.pk}/?as_of={AS_OF}",
        "overview": f"/?as_of={AS_OF}",
        "municipality": "/municipalities/VAR06/",
        "cases": "/outreach/cases/",
        "effect": f"/outreach/effect/?as_of={AS_OF}",
        "subscriptions": "/outreach/subscriptions/",
    }


@pytest.mark.parametrize("width", [1366, 390])
def test_the_scoring_and_outreach_pages_are_accessible_at_both_widths(signed_in, width):
    page = signed_in
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}
    for name, url in pages(page.target).items():
        page.goto(url)
        if name in PANELS:
            page.wait_for_selector("[data-scoring-fragment][data-loaded='true']")
        page.screenshot(path=str(SCREENSHOTS / f"scoring-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(OVERFLOW, OWN_PART.get(name))
        found = serious_violations(page)
        if found or overflow > 1:
            problems[name] = found + ([f"page scrolls sideways by {overflow} px"] if overflow > 1 else [])
    assert problems == {}
    assert page.console_errors == []


def test_the_index_page_shows_bands_on_the_map_and_filters_by_peer_group(signed_in):
    page = signed_in
    page.goto(f"/index/?as_of={AS_OF}")
    assert page.locator('svg path.shape[data-code="VAR06"]').get_attribute("data-category") == "low"
    assert page.locator(".index-table .index-band").first.inner_text() == "27,3"
    page.fill("#id_peers_of", "VAR06")
    page.select_option("#id_peer_scope", "province")
    page.get_by_role("button", name="Приложи филтрите").click()
    codes = page.locator(".index-table tbody tr td:first-child").all_inner_texts()
    assert "VAR06" in codes
    assert all(code.startswith("VAR") for code in codes)
