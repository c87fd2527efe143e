"""The demo as a user meets it: built by the same `build_demo` as `make run`, then walked by every role.

Runs in the second CI job only (`make test-embedded`, marker `demo_walk`): on the embedded PostgreSQL
of the quick start, so that engine is tested on every submission. It commits the demo to its test
database, which is why the main run deselects it (pyproject.toml). Run it alone with
`make test-embedded`, or `pytest -m demo_walk tests/test_demo_walk.py` against any scratch database.

Every URL pattern of the portal is requested by every demo role (and anonymously): pages, their
downloads in the three flavours offered on the page, and the API's list endpoints. Nothing answers 5xx;
a download is never empty where its page shows rows; a page a role may not see answers 403 or 404 with
the branded error page (or sends the anonymous visitor to sign in). As ministry and as analyst every
dashboard, the usage report and the adoption matrix answer 200, and the two reports' CSV for Excel,
CSV and XLSX downloads carry data rows (the issue's "done when").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html import unescape

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.portal_urls import named_patterns

pytestmark = [pytest.mark.demo_walk, pytest.mark.django_db]

ROLES = ["ministry", "officer-var06", "analyst", "operator", "admin", None]
# Sample values for the URL parameters; the rest come from the demo's own rows (see `_samples`).
FIXED = {"code": "VAR06", "service": "regix", "chart": "regix-monthly"}
SKIPPED = {
    "password_reset_confirm",  # needs a signed token from an e-mail
    "logout",  # POST only, and would end the walk's session
    "set_language",  # POST only
    "exports:detail",  # the demo has no background export jobs
    "exports:download",
}
DOWNLOAD_FLAVOURS = ("excel", "csv", "xlsx")
BRANDED = 'class="error-page"'
EXPECTED_200 = {
    "ministry": ["dashboards:overview", "dashboards:map", "dashboards:provinces", "dashboards:municipalities",
                 "dashboards:trends", "dashboards:discrepancies", "reports:usage", "reports:adoption-matrix"],
}  # fmt: skip
EXPECTED_200["analyst"] = EXPECTED_200["ministry"]


def _since() -> dt.date:
    """Four months of usage (with last month's file and its rejected rows): the 90-day window of
    "observed" and every page's rows, small enough for CI. The year-old usage of the full demo is
    checked on the generator (tests/test_usage_demo.py)."""
    today = timezone.localdate()
    return (today.replace(day=1) - dt.timedelta(days=95)).replace(day=1)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, built once for the module by the same command `make run` uses (smaller span)."""
    var = tmp_path_factory.mktemp("var")
    with override_settings(VAR_DIR=var, MEDIA_ROOT=var / "media"), django_db_blocker.unblock():
        out = io.StringIO()
        call_command("build_demo", scale="small", since=_since(), stdout=out, stderr=out)
        assert "Demo ready." in out.getvalue()
        yield var


def _samples() -> dict[str, str]:
    from catalog.models import Register
    from usage.models import ImportBatch

    batch = ImportBatch.objects.filter(rows_rejected__gt=0).order_by("pk").first() or ImportBatch.objects.first()
    return {
        **FIXED,
        "path": Register.objects.order_by("code").values_list("code", flat=True).first(),
        "pk": str(batch.pk),
        "operation": "TechnoLogica.RegiX.GraoNBDAdapter.APIService.INBDAPI.PersonDataSearch",
    }


def portal_urls() -> list[tuple[str, str]]:
    """(name, URL) for every named pattern: pages, downloads' pages and the API (lists and details)."""
    samples = _samples()
    urls, seen = [], set()
    for name, pattern in named_patterns():
        if name in SKIPPED or "format" in pattern.pattern.regex.groupindex:
            continue
        kwargs = {key: samples.get(key, samples["code"]) for key in pattern.pattern.regex.groupindex}
        url = reverse(name, kwargs=kwargs)
        if url not in seen:
            seen.add(url)
            urls.append((name, url))
    return urls


def _client(username: str | None) -> Client:
    from accounts.models import User

    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _page_rows(html: str) -> int:
    """Data rows of the page's tables (the rows of every <tbody> except "no data" placeholders)."""
    rows = 0
    for body in re.findall(r"<tbody[^>]*>(.*?)</tbody>", html, flags=re.S):
        rows += sum(1 for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S) if "colspan" not in row)
    return rows


def _download_rows(flavour: str, body: bytes) -> int:
    if flavour == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
        return max(sum(1 for _ in sheet.iter_rows()) - 1, 0)
    text = body.decode("utf-8-sig")
    return max(sum(1 for _ in csv.reader(io.StringIO(text), delimiter=";" if flavour == "excel" else ",")) - 1, 0)


def _downloads(html: str, page: str) -> list[tuple[str, str]]:
    links = []
    for href in re.findall(r'href="([^"]*[?&]_export=([a-z]+)[^"]*)"', html):
        target = unescape(href[0])
        links.append((href[1], page.split("?")[0] + target if target.startswith("?") else target))
    return links


def _check_page(client: Client, name: str, url: str, role: str | None, problems: list[str]) -> None:
    response = client.get(url)
    status = response.status_code
    who = role or "anonymous"
    if status >= 500:
        problems.append(f"{who}: {url} ({name}) answered {status}")
        return
    content_type = response.get("Content-Type", "")
    if status in (403, 404) and "text/html" in content_type and BRANDED not in _body(response).decode():
        problems.append(f"{who}: {url} ({name}) answered {status} without the branded error page")
    if role in EXPECTED_200 and name in EXPECTED_200[role] and status != 200:
        problems.append(f"{who}: {url} ({name}) answered {status}, expected 200")
    if status != 200 or "text/html" not in content_type:
        return
    html = _body(response).decode()
    rows = _page_rows(html)
    flavours = set()
    for flavour, link in _downloads(html, url):
        flavours.add(flavour)
        download = client.get(link)
        if download.status_code >= 500 or download.status_code not in (200, 302):
            problems.append(f"{who}: {link} answered {download.status_code}")
            continue
        must_carry_rows = rows or (role in EXPECTED_200 and name in EXPECTED_200[role])
        if download.status_code == 200 and must_carry_rows and _download_rows(flavour, _body(download)) == 0:
            problems.append(f"{who}: {link} carries no data row (its page shows {rows})")
    if role in EXPECTED_200 and name in EXPECTED_200[role] and name.startswith("reports:"):
        if flavours != set(DOWNLOAD_FLAVOURS):
            problems.append(f"{who}: {url} offers downloads {sorted(flavours)}, expected all three")


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_every_role_walks_every_url_without_a_server_error_or_an_empty_download(demo, role):
    client = _client(role)
    problems: list[str] = []
    urls = portal_urls()
    assert len(urls) > 40, "the walk found fewer URL patterns than the portal has"
    for name, url in urls:
        _check_page(client, name, url, role, problems)
    assert not problems, "\n".join(problems)


def test_an_unknown_address_gets_the_branded_404_in_bulgarian_and_english(demo):
    client = _client(None)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert BRANDED in response.content.decode()
    assert "Страницата не е намерена" in response.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/no-such-page/")
    assert "This page was not found" in english.content.decode()


def test_an_officer_meets_the_branded_403_or_404_on_another_municipalitys_pages(demo):
    client = _client("officer-var06")
    response = client.get(reverse("adoption:contacts", kwargs={"code": "SOF46"}))
    assert response.status_code in (403, 404)
    assert BRANDED in response.content.decode()


def test_the_demo_has_things_to_act_on(demo):
    """Issue 12 item 12: changes against 30 days and a year ago, suspended and stale declarations,
    discrepancies and rejected rows, as the overview, the map and the discrepancy list show them."""
    from adoption.models import Adoption
    from dashboards.queries import adoption_summary
    from dashboards.trends import discrepancies
    from usage.models import ImportBatch

    today = timezone.localdate()
    summary = adoption_summary(today)
    declared = {service.code: service.declared for service in summary.services}
    assert any(trend.change_month > 0 for trend in declared.values()), declared
    assert any(trend.change_year > 0 for trend in declared.values()), declared
    assert Adoption.objects.filter(stage__code="suspended").count() >= 3
    assert Adoption.objects.stale().count() > 100
    found = discrepancies(today)
    assert found.declared_only
    assert found.observed_only
    assert ImportBatch.objects.filter(rows_rejected__gt=0).exists()
    assert (demo / "demo-logins.txt").exists()
