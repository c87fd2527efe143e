"""The Content-Security-Policy in headless Chromium: every kind of page loads with no violation.

Each page records the browser's `securitypolicyviolation` events (an inline script, style or
handler, or a resource from elsewhere, would raise one) besides the console errors conftest keeps.
"""

from __future__ import annotations

import contextlib
import io
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from accounts.choices import Role
from tests.adoption_helpers import history

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""
PAGES = [
    "/",
    "/dashboards/map/?as_of=2018-08-31",
    "/dashboards/trends/?as_of=2018-08-31",
    "/municipalities/",
    "/municipalities/VAR06/",
    "/adoption/",
    "/adoption/VAR06/contacts/",
    "/adoption/VAR06/regix/change/",
    "/adoption/pending/",
    "/usage-files/",
    "/reports/usage/",
    "/catalog/",
    "/api/schema/swagger/",
    "/api/schema/redoc/",
    "/admin/",
    "/admin/adoption/service/",
]

# ReDoc shows its maker's logo from its CDN: the policy blocks it (nothing loads from elsewhere).
BLOCKED_ON_PURPOSE = {"/api/schema/redoc/": "img-src https://cdn.redoc.ly/"}


@pytest.fixture
def administrator_page(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    call_command("seed_services", stdout=io.StringIO())
    history("VAR06", "regix", [(date(2018, 3, 1), "production")])
    user = get_user_model().objects.create_user(
        username="csp-admin", password="secret-pass-123", role=Role.ADMINISTRATOR
    )
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.add_init_script(RECORD_VIOLATIONS)
    return page


@pytest.mark.parametrize("url", PAGES)
def test_the_page_runs_under_the_content_security_policy(administrator_page, url):
    page = administrator_page
    response = page.goto(url)
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")
    with contextlib.suppress(PlaywrightTimeout):  # fragments and charts load after; a busy machine may be slow
        page.wait_for_load_state("networkidle", timeout=10_000)
    violations = [
        v for v in page.evaluate("window.__cspViolations") if not v.startswith(BLOCKED_ON_PURPOSE.get(url, "-"))
    ]
    assert violations == []
    console = [
        e
        for e in page.console_errors
        if "Content Security Policy" in e and BLOCKED_ON_PURPOSE.get(url, "-")[8:] not in e
    ]
    assert console == []


def test_swagger_ui_draws_the_api_under_the_policy(administrator_page):
    page = administrator_page
    page.goto("/api/schema/swagger/")
    page.wait_for_selector(".opblock-tag", timeout=15000)
    assert page.locator(".opblock-tag").count() > 3
    assert page.evaluate("window.__cspViolations") == []
