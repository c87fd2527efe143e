"""A person downloads the municipalities of a province as CSV for Excel in a real browser."""

from __future__ import annotations

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def page(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the test thread
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(locale="bg-BG", accept_downloads=True)
        yield context.new_page()
        browser.close()


def test_the_browser_saves_the_cyrillic_file_name_and_the_links_are_accessible(live_server, reference_data, page):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{live_server.url}/municipalities/?province=VAR")
    section = page.get_by_role("region", name="Изтегляне на таблицата")
    assert "всички 12 реда" in section.inner_text()
    results = Axe().run(page, context=".export-links")
    assert results.violations_count == 0, results.generate_report()

    with page.expect_download() as download_info:
        section.get_by_role("link", name="CSV за Excel").click()
    download = download_info.value
    assert download.suggested_filename == f"общини-област-варна-{timezone.localdate().isoformat()}.csv"
    data = open(download.path(), "rb").read()  # noqa: SIM115
    assert data.startswith("\ufeffКод;Име;".encode())
    assert data.count(b"\r\n") == 13
