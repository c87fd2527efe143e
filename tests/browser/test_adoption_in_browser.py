"""The officer's flow in headless Chromium: sign in, change a stage, see it unverified; the
ministry verifies it from the queue; the timeline shows both steps.

Self-contained (its own Chromium fixture) so it runs with or without the shared browser conftest.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.choices import Role

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium_page(browser, live_server, reference_data, request):
    """A page of the session's one Chromium (tests/browser/conftest.py): a second Playwright in the same
    process would find the first one's event loop running."""
    call_command("seed_services", stdout=open(os.devnull, "w"))  # noqa: SIM115 - flushed by transactional tests
    context = browser.new_context(base_url=live_server.url, locale="bg-BG", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on(
        "response",
        lambda r: r.status >= 400 and "favicon" not in r.url and page.errors.append(f"{r.status} {r.url}"),
    )
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def serious_violations(page, context: str = "main") -> list[str]:
    """axe-core violations of impact serious or critical within `context`, as readable strings.

    The municipality page is checked within this app's section (the map belongs to another).
    """
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe
    results = axe().run(page, context=context)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Потребител", exact=True).fill(username)
    page.get_by_label("Парола", exact=True).fill("secret-pass-123")
    page.locator("main").get_by_role("button", name="Вход").click()
    page.wait_for_load_state()


def test_an_officer_changes_a_stage_and_the_ministry_verifies_it(chromium_page, django_user_model):
    from municipalities.models import Municipality

    page = chromium_page
    varna = Municipality.objects.get(code="VAR06")
    django_user_model.objects.create_user(
        "officer_varna", password="secret-pass-123", role=Role.OFFICER, municipality=varna
    )
    django_user_model.objects.create_user("ministry", password="secret-pass-123", role=Role.MINISTRY)

    sign_in(page, "officer_varna")
    page.goto("/municipalities/VAR06/")
    assert serious_violations(page, "#adoption") == []
    page.locator("#service-regix").get_by_role("link", name="Промяна на етапа").click()
    assert serious_violations(page) == []
    page.get_by_label("Нов етап").select_option(label="Заявен достъп")
    page.get_by_label("Коментар").fill("Подадохме заявление за достъп")
    page.get_by_role("button", name="Запис на промяната").click()
    page.wait_for_url("**/municipalities/VAR06/#adoption")
    row = page.locator("#service-regix")
    assert "Заявен достъп" in row.inner_text()
    assert "Непроверено" in row.inner_text()
    assert "Етапът е променен" in page.locator(".messages").inner_text()

    page.get_by_role("button", name="Изход").click()
    sign_in(page, "ministry")
    page.goto("/adoption/pending/")
    assert "Варна" in page.locator("table").inner_text()
    assert serious_violations(page) == []
    page.locator("table tbody tr").first.get_by_role("button", name=re.compile("^Одобряване")).click()
    page.get_by_label("Коментар (общината го вижда)").fill("Заявлението е получено")
    page.get_by_role("button", name="Да, одобри").click()
    page.wait_for_url("**/adoption/pending/")
    assert "0 декларации чакат проверка" in page.locator(".result-count").inner_text()

    page.goto("/municipalities/VAR06/")
    assert serious_violations(page, "#adoption") == []
    assert "Проверено" in page.locator("#service-regix").inner_text()
    timeline = page.locator(".timeline .timeline-entry")
    assert timeline.count() == 2
    assert "Заявлението е получено" in timeline.nth(0).inner_text()
    assert "Подадохме заявление за достъп" in timeline.nth(1).inner_text()
    assert page.errors == []
