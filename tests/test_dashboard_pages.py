"""The dashboard pages over HTTP: access per persona, the "situation at" date, exports, query counts."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.adoption import seed_demo_adoption
from tests.conftest import PERSONAS
from tests.dashboard_helpers import PERSON, days, load_regix, load_seos
from usage.models import ImportBatch

PAGES = [
    "dashboards:overview",
    "dashboards:map",
    "dashboards:provinces",
    "dashboards:municipalities",
    "dashboards:trends",
]
ALL_PAGES = [*PAGES, "dashboards:discrepancies"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    from django.core.cache import cache

    cache.clear()  # the trends' cache is keyed by data version; rolled-back tests could reuse one
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def usage(db):
    from tests.adoption_helpers import history

    history("VAR06", "regix", [(date(2018, 3, 1), "production")])
    history("VAR01", "regix", [(date(2018, 1, 10), "production")])
    history("SOF46", "seos", [(date(2018, 1, 10), "real")])
    load_regix([(d, "VAR06", PERSON, 10) for d in days(date(2018, 3, 1), date(2018, 8, 31), 7)])
    load_regix([(date(2018, 7, 15), "SOF46", PERSON, 40)], name="regix-2.csv")
    load_seos([(d, "SOF46", 2, 3) for d in days(date(2018, 1, 10), date(2018, 8, 30), 5)])


AGGREGATES = {"dashboards:overview", "dashboards:provinces", "dashboards:trends"}
# Pages that show each municipality's declared stage: for the roles that see every municipality's declarations.
SEES_EVERY_MUNICIPALITY = {"ministry_user": True, "analyst": True, "officer_varna": False, "officer_other": False}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", ALL_PAGES)
def test_access_per_persona(as_persona, persona, page, db):
    client = as_persona(persona)
    response = client.get(reverse(page))
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        return
    allowed = page in AGGREGATES or SEES_EVERY_MUNICIPALITY[persona]
    assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize("persona", ["ministry_user", "analyst", "officer_varna", "operator", "administrator"])
def test_the_dashboards_follow_the_adoption_apps_visibility(request, persona, db, django_user_model):
    """A page showing every municipality's stage is open exactly to those who see every declaration."""
    from accounts import policy
    from accounts.choices import Role
    from municipalities.models import Municipality

    if persona == "operator":
        user = django_user_model.objects.create_user(username="operator", password="x-pass-123", role=Role.OPERATOR)
    else:
        user = request.getfixturevalue(persona)
    sees_all = Municipality.objects.visible_to(user).count() == Municipality.objects.count()
    assert policy.can_view_every_municipality(user) == sees_all


def test_administrators_see_every_dashboard(client, administrator):
    client.force_login(administrator)
    for page in ALL_PAGES:
        assert client.get(reverse(page)).status_code == 200, page


def test_the_home_page_is_public_for_anonymous_and_the_overview_once_signed_in(client, ministry_user):
    anonymous = client.get("/")
    assert anonymous.status_code == 200
    assert "summary" not in anonymous.context
    assert "7\xa0253\xa0828" in anonymous.content.decode()
    client.force_login(ministry_user)
    signed_in = client.get("/")
    assert signed_in.status_code == 200
    assert signed_in.context["summary"].municipalities == 265
    assert signed_in.context["map"].areas
    assert len(signed_in.context["map"].areas) == 265


def test_officers_see_the_national_aggregates_but_no_one_elses_declarations(client, officer_varna, usage):
    from django.core.cache import cache

    from adoption.models import Adoption, MunicipalityContact

    Adoption.objects.filter(municipality__code="VAR01").update(comment="Тайна бележка за Аврен")
    MunicipalityContact.objects.create(municipality_id=officer_varna.municipality_id, phone="052 000 000")
    client.force_login(officer_varna)
    for page in AGGREGATES:
        response = client.get(reverse(page), {"as_of": "2018-08-31"})
        body = response.content.decode()
        assert response.status_code == 200
        assert "Тайна бележка" not in body
        assert "052 000 000" not in body
        assert "В реална употреба" not in body  # no municipality's stage on an aggregate page
        for restricted in ("dashboards:discrepancies", "dashboards:municipalities", "dashboards:map"):
            assert f'href="{reverse(restricted)}' not in body
    assert client.get("/")["Location"] == reverse("adoption:mine")  # an officer's start page
    cache.clear()  # the page above is cached: render it again to read its figures
    overview = client.get(reverse("dashboards:overview"), {"as_of": "2018-08-31"}).context["summary"]
    assert next(s for s in overview.services if s.code == "regix").declared.now == 2


@pytest.mark.parametrize("page", ALL_PAGES)
@pytest.mark.parametrize(
    ("value", "message"),
    [("2015-12-31", "започват на 01.01.2016"), ("2099-01-01", "е в бъдещето"), ("31.08.2018", "Въведете валидна дата")],
)
def test_a_bad_date_is_a_clear_error(client, ministry_user, page, value, message):
    client.force_login(ministry_user)
    response = client.get(reverse(page), {"as_of": value})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'role="alert"' in body


def test_tomorrow_is_refused_and_today_is_the_default(client, ministry_user):
    client.force_login(ministry_user)
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert client.get(reverse("dashboards:overview"), {"as_of": tomorrow.isoformat()}).status_code == 400
    response = client.get(reverse("dashboards:overview"))
    assert response.context["as_of"] == timezone.localdate()


def test_the_date_changes_the_figures(client, ministry_user, usage):
    client.force_login(ministry_user)
    then = client.get("/", {"as_of": "2018-08-31"}).context["summary"]
    before = client.get("/", {"as_of": "2018-02-01"}).context["summary"]
    regix_then = next(s for s in then.services if s.code == "regix")
    regix_before = next(s for s in before.services if s.code == "regix")
    assert (regix_then.declared.now, regix_then.observed.now) == (2, 2)
    assert (regix_before.declared.now, regix_before.observed.now) == (1, 0)


def test_the_overview_shows_the_2018_regix_figure_of_the_timeline(client, ministry_user):
    """With the demo adoption and usage that starts when RegiX goes into production, as the press reported."""
    seed_demo_adoption()
    from dashboards.snapshots import all_services, declared_on
    from municipalities.models import Municipality

    codes = dict(Municipality.objects.values_list("id", "code"))
    declared = declared_on(date(2018, 8, 31), all_services(), list(codes))
    rows = []
    for municipality_id in declared.adopted["regix"]:
        since = declared.since[(municipality_id, "regix")]
        rows += [(d, codes[municipality_id], PERSON, 5) for d in days(since, date(2018, 10, 31), 9)]
    load_regix(rows)
    client.force_login(ministry_user)
    response = client.get("/", {"as_of": "2018-08-31"})
    regix = next(s for s in response.context["summary"].services if s.code == "regix")
    assert regix.declared.now == 49
    assert regix.observed.now == 49
    body = response.content.decode()
    assert "service=regix&amp;observed=yes" in body
    seos = client.get("/", {"as_of": "2018-10-02"}).context["summary"].services[0]
    assert (seos.code, seos.declared.now) == ("seos", 220)


def test_every_overview_figure_opens_its_rows_in_the_table(client, ministry_user, usage):
    client.force_login(ministry_user)
    response = client.get(
        reverse("dashboards:municipalities"), {"as_of": "2018-08-31", "service": "regix", "observed": "yes"}
    )
    assert response.context["result_count"] == 2
    assert {row.record.code for row in response.context["table"].page.object_list} == {"VAR06", "SOF46"}
    response = client.get(reverse("dashboards:municipalities"), {"as_of": "2018-08-31", "combination": "both_observed"})
    assert {row.record.code for row in response.context["table"].page.object_list} == {"SOF46"}


def test_the_filtered_table_exports_as_csv(client, ministry_user, usage):
    client.force_login(ministry_user)
    response = client.get(
        reverse("dashboards:municipalities"),
        {"as_of": "2018-08-31", "service": "regix", "mismatch": "any", "_export": "csv"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "-2018-08-31-" in response["Content-Disposition"]  # the "situation at" date, then the export date
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert [(r["Код"], r["Община"]) for r in rows] == [("VAR01", "Аврен"), ("SOF46", "Столична")]
    avren = rows[0]
    assert avren["RegiX: етап"] == "В реална употреба"
    assert avren["RegiX: използвана в периода"] == "0"
    assert rows[1]["Заявки към RegiX в месеците на периода"] == "40"


def test_a_filter_that_needs_a_service_says_so(client, ministry_user):
    client.force_login(ministry_user)
    response = client.get(reverse("dashboards:municipalities"), {"mismatch": "any"})
    assert response.status_code == 200
    assert "Изберете услуга" in response.content.decode()
    assert response.context["result_count"] == 265


def test_the_province_table_exports_28_rows(client, ministry_user, usage):
    client.force_login(ministry_user)
    response = client.get(reverse("dashboards:provinces"), {"as_of": "2018-08-31", "_export": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert len(rows) == 28
    varna = next(r for r in rows if r["Код"] == "VAR")
    assert varna["Общини"] == "12"
    assert varna["RegiX: внедрена (декларирано)"] == "2"
    assert varna["RegiX: дял"] == "0.167"


def test_a_chart_downloads_as_csv_with_iso_months(client, ministry_user, usage):
    client.force_login(ministry_user)
    response = client.get(reverse("dashboards:trends"), {"as_of": "2018-08-31", "csv": "seos-documents"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Месец", "изпратени", "получени"]
    assert rows[1][0] == "2016-01"
    assert rows[-1][0] == "2018-08"
    assert int(rows[-1][1]) > 0
    assert client.get(reverse("dashboards:trends"), {"csv": "nope"}).status_code == 404


def test_the_trends_page_shows_tables_with_bulgarian_months_and_numbers(client, ministry_user, usage):
    client.force_login(ministry_user)
    response = client.get(reverse("dashboards:trends"), {"as_of": "2018-08-31"})
    body = response.content.decode()
    assert "01.2018" in body  # months read 08.2018 in Bulgarian (core.formatting.format_month)
    assert "chart-seos-documents-data" in body
    assert "vendor/chartjs/chart.umd.js" in body
    # The SEOS chart's table twin: a row per month, the month as its header, figures per series.
    seos_table = body.split('data-chart="chart-seos-documents-data"')[1].split("</figure>")[0]
    march = [d for d in days(date(2018, 1, 10), date(2018, 8, 30), 5) if d.month == 3]
    expected_row = (
        f'<tr><th scope="row">03.2018</th><td class="num">{2 * len(march)}</td>'
        f'<td class="num">{3 * len(march)}</td></tr>'
    )
    assert expected_row in seos_table
    assert seos_table.count('<th scope="row">') == 32  # every month from 01.2016 to 08.2018
    top = response.context["top"]
    assert (top.first_month, top.last_month) == (date(2017, 9, 1), date(2018, 8, 1))
    response = client.get(
        reverse("dashboards:trends"), {"as_of": "2018-08-31", "period_from": "2018-07", "period_to": "2018-07"}
    )
    assert response.context["top"].query_types[0].requests == 4 * 10 + 40


def test_the_map_colours_by_stage_agreement_and_intensity(client, ministry_user, usage):
    client.force_login(ministry_user)
    url = reverse("dashboards:map")
    by_stage = client.get(url, {"as_of": "2018-08-31", "service": "regix"}).context["map"]
    assert {c.key: c.count for c in by_stage.legend}["production"] == 2
    agreement = client.get(url, {"as_of": "2018-08-31", "service": "regix", "colour": "agreement"}).context["map"]
    counts = {c.key: c.count for c in agreement.legend}
    assert counts == {"both": 1, "declared_only": 1, "observed_only": 1, "neither": 262}
    intensity = client.get(url, {"as_of": "2018-08-31", "colour": "intensity"}).context["map"]
    assert sum(c.count for c in intensity.legend) == 265
    assert {a.code: a.category.key for a in intensity.areas}["VAR06"] != "b0"
    page = client.get(url, {"as_of": "2018-08-31"})
    assert page.content.decode().count("<path ") == 0  # the shapes are a file of their own
    svg = client.get(page.context["map_src"])
    assert svg["Content-Type"].startswith("image/svg+xml")
    body = svg.content.decode()
    assert body.count("<path ") >= 265
    assert 'aria-label="Варна: В реална употреба"' in body


def test_the_discrepancies_page_lists_whom_to_call(client, ministry_user, usage):
    client.force_login(ministry_user)
    response = client.get(reverse("dashboards:discrepancies"), {"as_of": "2018-08-31"})
    result = response.context["result"]
    assert {(d.row.code, d.service) for d in result.declared_only} == {("VAR01", "regix")}
    assert {(d.row.code, d.service) for d in result.observed_only} == {("SOF46", "regix")}
    assert "Аврен" in response.content.decode()


def test_the_overview_warns_about_stale_imports(client, ministry_user, usage, settings):
    settings.DASHBOARD_IMPORT_MAX_AGE_DAYS = 2
    ImportBatch.objects.filter(kind="seos").update(finished_at=timezone.now() - timedelta(days=10))
    client.force_login(ministry_user)
    body = client.get("/").content.decode()
    assert body.count("Внимание: по-стар от очакваното") == 1


QUERY_LIMITS = {
    "dashboards:overview": 22,
    # +1 each but the overview: the printed header names the data's freshness (includes/print_header.html).
    "dashboards:map": 12,
    "dashboards:provinces": 12,
    "dashboards:municipalities": 12,
    "dashboards:trends": 18,
    "dashboards:discrepancies": 15,
}


@pytest.mark.parametrize(("page", "limit"), QUERY_LIMITS.items())
def test_dashboard_query_counts_stay_flat(
    client, ministry_user, usage, page, limit, settings, django_assert_max_num_queries
):
    """The same number of queries with 3 municipalities reporting as with 50 (no query per row), uncached."""
    settings.DASHBOARD_CACHE_SECONDS = 0
    client.force_login(ministry_user)
    client.get(reverse(page))  # warm the session and the map's projection cache
    with django_assert_max_num_queries(limit):
        assert client.get(reverse(page), {"as_of": "2018-08-31"}).status_code == 200
    from municipalities.models import Municipality

    codes = list(Municipality.objects.order_by("code").values_list("code", flat=True)[:50])
    load_regix([(date(2018, 8, 1), code, PERSON, 1) for code in codes], name="many.csv")
    with django_assert_max_num_queries(limit):
        assert client.get(reverse(page), {"as_of": "2018-08-31"}).status_code == 200


def test_the_agreement_map_of_a_service_without_usage_reports_says_it_shows_regix(client, ministry_user):
    client.force_login(ministry_user)
    response = client.get(reverse("dashboards:map"), {"colour": "agreement", "service": "eauth"})
    assert response.context["service"].code == "regix"
    assert "картата показва RegiX" in response.content.decode()


def test_the_cached_trends_show_a_new_import_at_once(client, ministry_user, usage):
    client.force_login(ministry_user)
    url = reverse("dashboards:trends")

    def july_total():
        client.get(url, {"as_of": "2018-08-31"})  # the page, cached with its figures
        answer = client.get(url, {"as_of": "2018-08-31", "csv": "regix-registers"})  # the chart's figures
        july = next(row for row in csv.reader(io.StringIO(answer.content.decode())) if row[0] == "2018-07")
        return sum(int(value or 0) for value in july[1:])

    before = july_total()
    assert before == july_total()  # the second answer comes from the cache
    load_regix([(date(2018, 7, 20), "VAR06", PERSON, 1000)], name="late.csv")
    assert july_total() == before + 1000


@pytest.mark.parametrize("page", ALL_PAGES)
def test_a_second_request_is_answered_from_the_cache(client, ministry_user, usage, page, django_assert_max_num_queries):
    client.force_login(ministry_user)
    client.get(reverse(page), {"as_of": "2018-08-31"})
    with django_assert_max_num_queries(6):  # session, user, data version, and what the page reads itself
        assert client.get(reverse(page), {"as_of": "2018-08-31"}).status_code == 200


def test_the_overview_says_49_regix_users_on_the_usage_apps_demo_files(client, ministry_user, tmp_path):
    """The demo usage generator follows timeline.csv; loaded through the import, the overview agrees."""
    from demo.usage import generate
    from usage import processing, services
    from usage.choices import Door

    for path in generate(tmp_path / "demo", date(2018, 5, 1), date(2018, 9, 30), scale="small"):
        batch = services.receive_path(path, door=Door.CLI, queue=False)
        processing.process(batch.pk)
    client.force_login(ministry_user)
    summary = client.get("/", {"as_of": "2018-08-31"}).context["summary"]
    assert next(s for s in summary.services if s.code == "regix").observed.now == 49
