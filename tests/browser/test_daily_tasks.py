"""Each role's daily task in headless Chromium, on a laptop (1366×768) and a phone (390×844).

Ministry: reviews the overview and verifies two changes from the queue. Officer: updates a stage and
the contacts from the start page. Analyst: filters the usage report and downloads its three formats.
Operator: uploads a good and a bad file and follows both to their end.

Every page visited must: not scroll sideways, show no raw stage, service, kind or status code, log
no console error, and pass axe-core with no violation of any impact. Screenshots of every step go to
test-results/screenshots/daily/. One test per role walks both sizes (one database setup each).
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.choices import Role
from adoption.choices import Verification
from adoption.models import Adoption, MunicipalityContact
from tests.adoption_helpers import history
from tests.browser.conftest import SCREENSHOTS
from tests.browser.screen import PAGE_OVERFLOW, raw_codes
from tests.dashboard_helpers import PERSON, days, load_regix
from usage.models import ImportBatch

SIZES = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
PASSWORD = "secret-pass-123"
SHOTS = SCREENSHOTS / "daily"
GOOD = f"date,municipality,operation,requests\n2024-03-04,VAR06,{PERSON},3\n2024-03-05,VAR06,{PERSON},2\n"
BAD = "this is not a usage file\x00\x00\n"


@pytest.fixture
def walk(browser, live_server, reference_data, settings, tmp_path, request):
    """A function that opens a fresh page at a size; every page is closed and kept as screenshots."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DASHBOARD_CACHE_SECONDS = 0
    cache.clear()
    call_command("seed_services", stdout=io.StringIO())
    contexts = []

    def open_page(size: str, username: str):
        context = browser.new_context(
            base_url=live_server.url, locale="bg-BG", viewport=SIZES[size], accept_downloads=True
        )
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda msg: msg.type == "error" and page.problems.append(msg.text))
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        page.on("response", lambda r: r.status >= 400 and page.problems.append(f"{r.status} {r.url}"))
        page.shot_prefix = f"{request.node.name}-{size}"
        page.goto("/accounts/login/")
        page.get_by_label("Потребител", exact=True).fill(username)
        page.get_by_label("Парола", exact=True).fill(PASSWORD)
        page.locator("main").get_by_role("button", name="Вход").click()
        page.wait_for_load_state()
        return page

    yield open_page
    for context in contexts:
        context.close()


def user(username: str, role: str, municipality_code: str | None = None):
    from municipalities.models import Municipality

    municipality = Municipality.objects.get(code=municipality_code) if municipality_code else None
    return get_user_model().objects.create_user(
        username=username, password=PASSWORD, role=role, municipality=municipality
    )


def check(page, step: str) -> None:
    """The page as a person sees it: fits the width, speaks in labels, no errors, accessible."""
    page.wait_for_load_state("networkidle")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{page.shot_prefix}-{step}.png"), full_page=True)
    overflow = page.evaluate(PAGE_OVERFLOW)
    assert overflow <= 0, f"{step}: the page scrolls sideways by {overflow} px"
    found = sorted(set(raw_codes().findall(page.locator("body").inner_text())))
    assert found == [], f"{step}: raw codes on screen: {found}"
    assert page.problems == [], f"{step}: {page.problems}"
    violations = [
        f"{v['id']} ({v['impact']}): " + "; ".join(str(n["target"][0]) for n in v["nodes"][:3])
        for v in Axe().run(page).response["violations"]
    ]
    assert violations == [], f"{step}: {violations}"


def in_first_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and (box["y"] + box["height"] <= size["height"])
    )


def test_the_ministry_reviews_the_overview_and_verifies_two_changes(walk):
    user("ministry", Role.MINISTRY)
    codes = ["VAR06", "VAR01", "SOF46", "PDV22"]
    for day, code in enumerate(codes, start=1):
        history(code, "regix", [(date(2026, 10, day), "access_requested")])
    for size in SIZES:
        page = walk(size, "ministry")
        page.goto("/")
        check(page, "overview")
        assert page.locator("#adoption-summary").is_visible()
        if size == "laptop":  # on paper: no navigation, the situation date and freshness on top (A4)
            page.emulate_media(media="print")
            assert not page.locator(".site-header").is_visible()
            assert "Актуалност на данните" in page.locator(".print-header").inner_text()
            page.pdf(path=str(SHOTS / f"{page.shot_prefix}-overview.pdf"), format="A4")
            page.emulate_media(media="screen")
        # Chart ticks and tooltips format as the tables do (static/js/formatting.js), not as Intl does.
        assert page.evaluate("[4000, 1234.56, 2.25].map(v => egovFormat.number(v))") == [
            "4\xa0000",
            "1\xa0234,6",
            "2,3",
        ]
        page.goto("/adoption/pending/?sort=-municipality")
        check(page, "queue")
        first = page.locator("table.queue-table tbody tr").first
        assert in_first_viewport(page, first.get_by_role("button", name=re.compile("^Одобряване")))
        assert in_first_viewport(page, first.get_by_role("button", name=re.compile("^Отхвърляне")))
        assert "Не е заявен достъп" in first.inner_text()
        assert "Заявен достъп" in first.inner_text()
        boxes = page.locator('table.queue-table input[name="ids"]')
        boxes.nth(0).check()
        boxes.nth(1).check()
        page.get_by_role("button", name="Одобри избраните").click()
        page.wait_for_load_state()
        check(page, "confirm")
        assert page.locator(".confirm-list li").count() == 2
        page.get_by_role("button", name="Да, одобри").click()
        page.wait_for_url(re.compile(r".*/adoption/pending/\?sort=-municipality$"))
        check(page, "after")
        assert "2 декларации са одобрени" in page.locator(".messages").inner_text()
    assert Adoption.objects.filter(verification=Verification.VERIFIED).count() == 4


def test_the_officer_updates_a_stage_and_a_contact(walk):
    user("officer_varna", Role.OFFICER, "VAR06")
    history("VAR06", "seos", [(date(2020, 1, 5), "applied")])  # stale since 2020
    steps = [("Заявен достъп", "052 820 001"), ("Предоставен достъп", "052 820 002")]
    for size, (stage, phone) in zip(SIZES, steps, strict=True):
        page = walk(size, "officer_varna")
        assert page.url.endswith("/adoption/mine/")
        check(page, "start")
        row = page.locator('table tr[data-service="regix"]')
        row.get_by_role("link", name=re.compile("Промяна на етапа")).click()
        check(page, "stage-form")
        page.get_by_label("Нов етап").select_option(label=stage)
        page.get_by_label("Коментар").fill("Подадохме заявление")
        page.get_by_role("button", name="Запис на промяната").click()
        page.wait_for_url("**/adoption/mine/")
        assert stage in page.locator('table tr[data-service="regix"]').inner_text()
        page.locator(".attention li.contacts").get_by_role("link").click()
        check(page, "contacts-form")
        page.get_by_label("Телефон").fill(phone)
        page.get_by_role("button", name="Запис").click()
        page.wait_for_url("**/adoption/mine/")
        check(page, "after")
    assert Adoption.objects.get(municipality__code="VAR06", service__code="regix").stage.code == "access_granted"
    assert MunicipalityContact.objects.get(municipality__code="VAR06").phone == "052 820 002"


def test_the_analyst_filters_the_usage_report_and_downloads_three_formats(walk, tmp_path):
    user("analyst", Role.ANALYST)
    load_regix(
        [(d, "VAR06", PERSON, 10) for d in days(date(2026, 6, 1), date(2026, 8, 31), 7)]
        + [(d, "SOF46", PERSON, 40) for d in days(date(2026, 6, 1), date(2026, 8, 31), 7)],
        name="monthly-data.csv",
    )
    for size in SIZES:
        page = walk(size, "analyst")
        page.goto("/reports/usage/")
        check(page, "report")
        search = page.get_by_role("combobox", name="Общини")  # the municipalities' searchable multi-select
        search.click()
        search.press_sequentially("Варна")
        # Keyboard only: the first match becomes the active option, Enter picks it.
        expect(page.locator("#id_municipality-ts-dropdown .option.active")).to_have_text("Варна")
        search.press("Enter")
        page.locator("h1").click()  # leaving the control closes its list
        assert page.eval_on_selector("#id_municipality", "s => [...s.selectedOptions].map(o => o.value)") == ["VAR06"]
        page.get_by_role("button", name="Покажи").click()
        page.wait_for_url(re.compile(r".*municipality=VAR06.*"))
        check(page, "filtered")
        rows = page.locator("table tbody tr")
        assert rows.count() == 3
        assert "Столична" not in page.locator("table").inner_text()
        for link in page.locator(".export-links a").all():
            with page.expect_download() as download:
                link.click()
            path = download.value.path()
            assert path is not None
            assert path.stat().st_size > 0


def test_the_operator_uploads_a_good_and_a_bad_file_and_follows_both_to_their_end(walk, tmp_path, monkeypatch):
    from usage import processing, services

    operator = user("operator", Role.OPERATOR)
    # The queue holds the good file until the test lets it run: the batch page must follow it.
    monkeypatch.setattr(services, "enqueue", lambda batch_id: True)
    good, bad = tmp_path / "usage-good.csv", tmp_path / "usage-bad.csv"
    good.write_text(GOOD)
    bad.write_bytes(BAD.encode())
    for size in SIZES:
        page = walk(size, "operator")
        page.goto("/usage-files/mine/")
        check(page, "my-files")
        page.get_by_label("Файл с използване").set_input_files(str(good))
        page.get_by_role("button", name="Качи").click()
        page.wait_for_url(re.compile(r".*/usage-files/\d+/$"))
        assert page.locator("#batch-outcome.waiting").is_visible()
        check(page, "waiting")
        batch = ImportBatch.objects.filter(uploaded_by=operator).latest("id")
        processing.process(batch.pk)
        page.locator("#batch-outcome.succeeded").wait_for(timeout=15_000)
        check(page, "imported")
        assert "Внесен: 2 реда" in page.locator("#batch-outcome").inner_text()

        page.goto("/usage-files/mine/")
        page.get_by_label("Файл с използване").set_input_files(str(bad))
        page.get_by_role("button", name="Качи").click()
        page.wait_for_url(re.compile(r".*/usage-files/\d+/$"))
        processing.process(ImportBatch.objects.filter(uploaded_by=operator).latest("id").pk)
        page.locator("#batch-outcome.failed").wait_for(timeout=15_000)
        check(page, "refused")
        assert page.locator(".outcome.succeeded, .message.success").count() == 0
        assert page.locator("#batch-outcome details").count() == 1
        page.goto("/usage-files/mine/")
        check(page, "listed")
        assert page.locator("table tbody tr").count() == 2 * (list(SIZES).index(size) + 1)
