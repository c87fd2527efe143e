"""Every page of the portal, as every role and as an anonymous visitor, on a laptop and a phone.

The pages come from the URL conf (tests/portal_urls.py, the list the demo walk requests too), filled
with the demo's own rows: its declarations (demo/adoption.py), its usage since the start of last month
(demo/usage.py, last month's RegiX file with rejected rows) and one of each other thing a page shows (a
target, a case, a subscription and its scorecard, an open-data edition, an export, an operator's file).
A role reaches an address when it answers that role 200 with HTML; each such page is opened in the
role's one browser context (unless another role's walk opened the same <main> already: only the header
would differ, and each role's first page is always opened) and checked at 1366×768, then resized to
390×844 and checked again: the page itself does not scroll sideways (a wide table scrolls in its own
box, keeping its header and first column in view), no short word breaks inside a table cell, no stage,
service, kind, status, verification or door code is shown, no console error or failed request. The
first role to reach a page has it screenshotted (test-results/screenshots/pages/) and checked by
axe-core at each size (serious and critical; at the phone size the layout-dependent rule only). One
test walks every role so the demo is built once; it lists every problem of every page.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from demo.adoption import seed_demo_adoption
from demo.usage import generate
from tests.browser.conftest import SCREENSHOTS, serious_violations
from tests.browser.screen import PAGE_OVERFLOW, SETTLED, TABLE_PROBLEMS, TRACK_REQUESTS, raw_codes
from tests.dashboard_helpers import PERSON
from tests.portal_urls import named_patterns

SIZES = {"1366": {"width": 1366, "height": 768}, "390": {"width": 390, "height": 844}}
SHOTS = SCREENSHOTS / "pages"
ROLES = [Role.MINISTRY, Role.OFFICER, Role.ANALYST, Role.OPERATOR, Role.ADMINISTRATOR, None]
# Not pages a person reads: the API and its schema viewers (DRF's and Swagger's own pages), Django's admin.
NOT_THE_PORTAL = ("admin/", "api/")
# Answers that are not pages: downloads, pictures, JSON, fragments another page loads, POST-only actions.
NOT_PAGES = {
    "logout",  # POST only, and would end the walk's session
    "set_language",  # POST only
    "healthz",
    "exports:download",
    "exports:source",
    "usage:batch-status",
    "scoring:overview-panel",  # fragments loaded into the overview and municipality pages
    "scoring:municipality-panel",
    "password_reset_confirm",  # needs a signed token from an e-mail
}
# axe-core at the phone size: the rules whose outcome depends on the layout (the laptop size runs them all).
AT_NARROW = {"390": ["scrollable-region-focusable"]}
# Two animation frames: the layout and the charts' resize observers have run after a change of size.
NEXT_FRAME = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
# The data dictionary documents the open data's code columns: its codes (regix, seos) are its content.
SHOWS_CODES = {"opendata:dictionary"}


@dataclass
class Walk:
    """What the walk saw: the pages each role reached, the contents opened, the pages audited (axe and a
    screenshot, per size), and the problems."""

    pages: dict[str, set[str]] = field(default_factory=dict)
    opened: set[tuple[str, str]] = field(default_factory=set)
    audited: set[tuple[str, str]] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def demo_portal(tmp_path) -> dict:
    """The demo's declarations and usage since the start of last month (its rejected rows included), the
    index method and a user of every role (`walk-<role>`, the officer's municipality Варна)."""
    from adoption.services import services_with_stages
    from municipalities.models import Municipality
    from scoring.services import default_input, new_method

    seed_demo_adoption()
    today = timezone.localdate()
    since = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    files = generate(tmp_path / "usage", since, today - dt.timedelta(days=1), scale="small")
    call_command("ingest_usage", *map(str, files), wait=True, stdout=io.StringIO(), stderr=io.StringIO())
    services = services_with_stages()
    new_method(default_input(services), services, note="v1")
    varna = Municipality.objects.get(code="VAR06")
    return {
        role: get_user_model().objects.create_user(
            username=f"walk-{role}", password="secret-pass-123", role=role, email=f"{role}@example.bg",
            municipality=varna if role == Role.OFFICER else None,
        )
        for role in Role.values
    }  # fmt: skip


def operators_file(operator):
    """The operator's own file, two of its rows rejected: their page, and a batch page with rejected rows."""
    from usage import processing, services
    from usage.choices import Door

    day = timezone.localdate() - dt.timedelta(days=1)
    rows = [f"{day},VAR06,{PERSON},3", f"{day},XXX99,{PERSON},2", f"soon,VAR06,{PERSON},1"]
    text = "\n".join(["date,municipality,operation,requests", *rows]) + "\n"
    batch = services.receive_file(
        io.BytesIO(text.encode()), file_name="usage-web.csv", door=Door.UPLOAD, user=operator, queue=False
    )
    processing.process(batch.pk)
    return batch


def build_portal(tmp_path) -> dict[str, str]:
    """The demo, plus one of each thing other pages show; returns the sample value of every URL argument
    (by argument name, or by "pattern name:argument name")."""
    from adoption.models import Service
    from catalog.models import Register
    from exports.models import ExportJob
    from municipalities.models import Municipality, Province
    from opendata.editions import issue_edition
    from outreach import scorecards
    from outreach.models import Case, Subscription
    from scoring.models import Target

    users = demo_portal(tmp_path)
    ministry, today = users[Role.MINISTRY], timezone.localdate()
    seos = Service.objects.get(code="seos")
    target = Target.objects.create(
        name_bg="Всяка община – реален участник в СЕОС", name_en="Every municipality a real SEOS participant",
        service=seos, measure="stage", stage=seos.stages.get(code="real"), amount_kind="share", amount=100,
        baseline_date=dt.date(2017, 6, 1), deadline=today + dt.timedelta(days=365),
    )  # fmt: skip
    case = Case.objects.create(
        municipality=Municipality.objects.get(code="VAR06"), kind="call", contacted_on=today - dt.timedelta(days=20),
        agreed="Ще станат реален участник", owner=ministry, created_by=ministry, service=seos,
        follow_up_on=today + dt.timedelta(days=10),
    )  # fmt: skip
    subscription = Subscription.objects.create(
        province=Province.objects.get(code="VAR"), email="governor@example.bg", role="governor"
    )
    scorecards.ensure_officer_subscriptions()
    scorecards.send_scorecards(scorecards.previous_period(today))
    job = ExportJob.objects.create(
        user=ministry, source="municipalities:list", flavour="xlsx", filename="municipalities.xlsx",
        status="done", row_count=265, finished_at=timezone.now(),
    )  # fmt: skip
    batch = operators_file(users[Role.OPERATOR])
    return {
        "code": "VAR06",
        "service": "regix",
        "chart": "regix-monthly",
        "edition": issue_edition().slug,
        "token": scorecards.unsubscribe_token(subscription),
        "catalog:register-detail:code": Register.objects.earliest("code").code,
        "usage:batch-detail:pk": str(batch.pk),
        "usage:reprocess:pk": str(batch.pk),
        "exports:detail:pk": str(job.pk),
        "scoring:target-detail:pk": str(target.pk),
        "outreach:case-detail:pk": str(case.pk),
        "outreach:case-close:pk": str(case.pk),
        "outreach:subscription-toggle:pk": str(subscription.pk),
        "outreach:scorecard-preview:pk": str(subscription.pk),
        "opendata:province:code": "VAR",
    }


def page_addresses(samples: dict[str, str]) -> list[tuple[str, str]]:
    """(name, address) of every page pattern of the URL conf, with the samples for its arguments."""
    addresses = []
    for name, pattern in named_patterns(NOT_THE_PORTAL):
        route = str(pattern.pattern)
        if name in NOT_PAGES or "." in route.rsplit("/", 1)[-1]:  # data.<fmt>, map.svg, trend.csv ...
            continue
        arguments = pattern.pattern.regex.groupindex
        kwargs = {key: samples.get(f"{name}:{key}", samples.get(key)) for key in arguments}
        assert None not in kwargs.values(), f"no sample for the arguments of {name}: {kwargs}"
        addresses.append((name, reverse(name, kwargs=kwargs)))
    return addresses


def sign_in(context, base_url: str, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def check(page, who: str, name: str, size: str, codes, walk: Walk) -> None:
    """The page as a person sees it at this size: fits the width, its tables read well, it speaks in
    labels; the first role to reach a page also has it screenshotted and checked by axe-core."""
    where = f"{who} {size} px {name} ({page.url.split('/', 3)[3] or '/'})"
    overflow = page.evaluate(PAGE_OVERFLOW)
    if overflow > 0:
        walk.problems.append(f"{where}: the page scrolls sideways by {overflow} px")
    walk.problems.extend(f"{where}: {problem}" for problem in page.evaluate(TABLE_PROBLEMS))
    if name not in SHOWS_CODES:
        found = sorted(set(codes.findall(page.locator("body").inner_text())))
        if found:
            walk.problems.append(f"{where}: raw codes on screen: {found}")
    if (name, size) not in walk.audited:
        walk.audited.add((name, size))
        page.screenshot(path=str(SHOTS / f"{name.replace(':', '-')}-{size}-{who}.png"))
        violations = serious_violations(page, AT_NARROW.get(size))
        walk.problems.extend(f"{where}: axe: {violation}" for violation in violations)


def main_content(html: str) -> str:
    """The page's <main> without its per-request tokens: the same for two roles means the same page."""
    main = re.search(r"<main.*</main>", html, flags=re.S)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main.group(0) if main else html)


def pages_of(context, addresses, walk: Walk) -> tuple[set[str], list[tuple[str, str, object]]]:
    """The pages this role reaches: the addresses that answer it 200 with HTML (not a refusal, a redirect,
    a download or a POST-only action), asked with the context's session. Returns their names, and the
    ones to open with their answers: not those whose <main> another role's walk opened already."""
    reached: set[str] = set()
    to_open: list[tuple[str, str, object]] = []
    for name, address in addresses:
        response = context.request.get(address, max_redirects=0)
        if response.status != 200 or not response.headers.get("content-type", "").startswith("text/html"):
            continue
        content = (name, main_content(response.text()))
        if not reached or content not in walk.opened:  # a role's first page shows its own header
            walk.opened.add(content)
            to_open.append((name, address, response))
        reached.add(name)
    return reached, to_open


def open_page(page, address: str, answer) -> None:
    """Show the page the server answered (rendered once per role and page: the browser gets that answer),
    then wait until its own requests have been read and handled."""
    page.route(address, lambda route: route.fulfill(response=answer))
    page.goto(address)
    page.unroute(address)
    page.wait_for_function(SETTLED)


def walk_as(browser, base_url: str, user, who: str, addresses, codes, walk: Walk) -> None:
    """One context for the role; each page opened once, checked at the laptop size, then at the phone size
    (no script of the portal measures the window, so resizing the open page shows what a phone shows)."""
    context = browser.new_context(base_url=base_url, locale="bg-BG", viewport=SIZES["1366"])
    context.add_init_script(TRACK_REQUESTS)
    if user is not None:
        sign_in(context, base_url, user)
    page = context.new_page()
    page.problems = []
    # A failed request is reported by the response handler with its address (the console repeats it without).
    page.on(
        "console",
        lambda msg: (
            msg.type == "error"
            and not msg.text.startswith("Failed to load resource")
            and page.problems.append(msg.text)
        ),
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("response", lambda r: r.status >= 400 and page.problems.append(f"{r.status} {r.url}"))
    try:
        walk.pages[who], to_open = pages_of(context, addresses, walk)
        for name, address, answer in to_open:
            page.problems.clear()
            page.set_viewport_size(SIZES["1366"])
            open_page(page, address, answer)
            for size in SIZES:
                page.set_viewport_size(SIZES[size])
                page.evaluate(NEXT_FRAME)
                check(page, who, name, size, codes, walk)
            if page.problems:
                walk.problems.append(f"{who} {name} ({address}): errors: {page.problems}")
    finally:
        context.close()


@pytest.fixture
def portal(live_server, reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORT_STORAGE_DIR = tmp_path / "exports"
    cache.clear()
    call_command("seed_services", stdout=io.StringIO())
    return build_portal(tmp_path)


def test_every_page_fits_speaks_in_labels_and_passes_axe_for_every_role(browser, live_server, portal):
    SHOTS.mkdir(parents=True, exist_ok=True)
    addresses = page_addresses(portal)
    codes = raw_codes()
    users = {user.role: user for user in get_user_model().objects.filter(username__startswith="walk-")}
    walk = Walk()
    for role in ROLES:
        who = role or "anonymous"
        walk_as(browser, live_server.url, users.get(role), who, addresses, codes, walk)
    # The walk reached what each role's navigation offers (a refusal everywhere would pass vacuously).
    assert {"home", "dashboards:provinces", "usage:batch-list", "adoption:pending"} <= walk.pages["ministry"]
    assert {"adoption:mine", "adoption:change", "adoption:contacts"} <= walk.pages["officer"]
    assert {"reports:usage", "reports:adoption-matrix", "dashboards:municipalities"} <= walk.pages["analyst"]
    assert {"usage:mine", "usage:batch-detail"} <= walk.pages["operator"]
    assert {"opendata:manage", "exports:list", "usage:upload"} <= walk.pages["administrator"]
    assert {"login", "opendata:home", "opendata:edition"} <= walk.pages["anonymous"]
    assert walk.problems == [], f"{len(walk.problems)} problems:\n" + "\n".join(walk.problems)
