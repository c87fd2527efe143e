"""A person downloads the municipalities of a province as CSV for Excel in a real browser."""

from __future__ import annotations

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser


def test_the_browser_saves_the_cyrillic_file_name_and_the_links_are_accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    page.goto("/municipalities/?province=VAR")
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
