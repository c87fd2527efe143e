"""The scoring pages and API across the personas: the index table and map, the method page (and
saving a new version), targets, the municipality page's panel and the overview's."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import IndexMethod, Target

from .scoring_helpers import verified

pytestmark = pytest.mark.django_db

INDEX = reverse("scoring:index")


@pytest.fixture
def varna_real():
    verified("VAR06", "seos", [(date(2018, 1, 1), "real")])


@pytest.mark.parametrize(
    ("persona", "status"),
    [("ministry_user", 200), ("analyst", 200), ("officer_varna", 403), ("officer_other", 403), ("anonymous", 302)],
)
def test_the_index_table_is_for_the_roles_that_see_every_municipality(as_persona, persona, status, varna_real):
    response = as_persona(persona).get(INDEX, {"as_of": "2018-06-01"})
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert 'data-code="VAR06" data-category="low"' in html  # the map's band
        assert "27,3" in html
        assert "band-low" in html


def test_the_index_table_filters_by_peer_group_and_exports_its_method_version(client, ministry_user, varna_real):
    client.force_login(ministry_user)
    response = client.get(INDEX, {"as_of": "2018-06-01", "peers_of": "VAR06", "peer_scope": "province"})
    rows = response.context["table"].rows
    codes = {row.record.code for row in rows}
    assert "VAR06" in codes
    assert all(row.record.province_code == "VAR" for row in rows)
    assert len({row.record.population_band for row in rows}) == 1
    export = client.get(INDEX, {"as_of": "2018-06-01", "peers_of": "VAR06", "peer_scope": "province", "_export": "csv"})
    text = (
        b"".join(export.streaming_content).decode("utf-8-sig")
        if export.streaming
        else export.content.decode("utf-8-sig")
    )
    table = list(csv.reader(io.StringIO(text)))
    header, data = table[0], table[1:]
    version = next(i for i, h in enumerate(header) if h in {"Версия на метода", "Method version"})
    assert {row[version] for row in data} == {"1"}
    assert len(data) == len(rows)


def test_the_index_query_count_does_not_grow_with_the_page(
    client, ministry_user, varna_real, django_assert_max_num_queries
):
    client.force_login(ministry_user)
    with django_assert_max_num_queries(30):
        response = client.get(INDEX, {"as_of": "2018-06-01"})
    assert response.status_code == 200


def test_the_method_page_explains_with_a_worked_example_to_everyone(client):
    response = client.get(reverse("scoring:method"))
    assert response.status_code == 200
    html = response.content.decode()
    # SEOS adopted and seen (3 × 1 × 1), RegiX adopted but unseen (3 × 1 × 0.5), eDelivery one stage along
    # (2 × 0.5), eAuth, ePayment and backup one stage along (1 × 0.33 each): 6.49 of 11 → 59.0.
    assert response.context["example"].index == Decimal("59.0")
    assert "59,0" in html
    assert 'name="note"' not in html  # no form for the public


def test_ministry_staff_save_a_new_version_and_incomplete_weights_are_refused(client, ministry_user):
    client.force_login(ministry_user)
    page = client.get(reverse("scoring:method"))
    form = page.context["form"]
    data = {name: ("" if value is None else str(value)) for name, value in form.initial.items()}
    data.update({name: str(field.initial) for name, field in form.fields.items() if field.initial is not None})
    data["note"] = "RegiX по-важен"
    missing = {**data, next(name for name in data if name.startswith("s_")): ""}
    refused = client.post(reverse("scoring:method"), missing)
    assert refused.status_code == 400
    assert "няма стойност" in refused.content.decode() or "has no worth" in refused.content.decode()
    assert IndexMethod.objects.count() == 1
    data["w_regix"] = "6"
    saved = client.post(reverse("scoring:method"), data)
    assert saved.status_code == 302
    assert IndexMethod.objects.current().version == 2
    assert IndexMethod.objects.current().service_weights.get(service__code="regix").weight == 6


@pytest.mark.parametrize("persona", ["officer_varna", "analyst"])
def test_only_ministry_staff_may_save_a_method(as_persona, persona):
    response = as_persona(persona).post(reverse("scoring:method"), {"note": "x"})
    assert response.status_code == 403
    assert IndexMethod.objects.count() == 1


def test_targets_show_progress_and_officers_see_only_their_own_place_on_the_missing_list(as_persona):
    target = Target.objects.get(name_en__startswith="Every municipality")
    officer = as_persona("officer_varna")
    page = officer.get(reverse("scoring:targets"), {"as_of": "2018-06-01"})
    assert page.status_code == 200
    assert target.name_bg in page.content.decode()
    detail = officer.get(reverse("scoring:target-detail", args=[target.pk]), {"as_of": "2018-06-01"})
    assert [m.code for m in detail.context["missing"]] == ["VAR06"]


def test_a_target_whose_deadline_comes_before_its_baseline_is_refused(client, ministry_user):
    client.force_login(ministry_user)
    from .adoption_helpers import service, stage

    before = Target.objects.count()
    response = client.post(
        reverse("scoring:target-create"),
        {
            "name_bg": "Цел", "name_en": "Target", "service": service("seos").pk, "measure": "stage",
            "stage": stage("seos", "real").pk, "amount_kind": "share", "amount": 100,
            "baseline_date": "2020-01-01", "deadline": "2019-01-01",
        },
    )  # fmt: skip
    assert response.status_code == 400
    assert response.context["form"].errors["deadline"]
    assert Target.objects.count() == before


def test_the_municipality_page_loads_the_index_panel_for_its_officer(as_persona, varna_real):
    officer = as_persona("officer_varna")
    page = officer.get(reverse("municipalities:detail", args=["VAR06"])).content.decode()
    panel_url = reverse("scoring:municipality-panel", args=["VAR06"])
    assert f'data-scoring-fragment="{panel_url}?fragment=1"' in page
    mine = officer.get(panel_url, {"fragment": "1"}).content.decode()
    assert 'id="municipality-index"' in mine
    assert 'id="municipality-index-peers"' in mine
    missed = mine.split('id="missed-targets"')[1].split("</ul>")[0]
    assert "RegiX се ползва от 200 общини" in missed  # nobody is seen using RegiX
    assert "Всяка община" not in missed  # VAR06 is a verified real SEOS participant


@pytest.mark.parametrize(("persona", "status"), [("officer_other", 404), ("anonymous", 302), ("analyst", 200)])
def test_the_municipality_panel_is_for_whoever_sees_its_declarations(as_persona, persona, status, varna_real):
    client = as_persona(persona)
    panel_url = reverse("scoring:municipality-panel", args=["VAR06"])
    assert client.get(panel_url, {"fragment": "1"}).status_code == status
    page = client.get(reverse("municipalities:detail", args=["VAR06"])).content.decode()
    assert (panel_url in page) is (status == 200)


def test_the_page_predicate_agrees_with_the_declarations_rule(request):
    from accounts.policy import can_view_municipality_index
    from municipalities.models import Municipality

    varna, avren = Municipality.objects.get(code="VAR06"), Municipality.objects.get(code="VAR01")
    from django.contrib.auth.models import AnonymousUser

    for persona in ["ministry_user", "officer_varna", "officer_other", "analyst", "administrator"]:
        user = request.getfixturevalue(persona)
        for municipality in (varna, avren):
            expected = Municipality.objects.visible_to(user).filter(pk=municipality.pk).exists()
            assert can_view_municipality_index(user, municipality) is expected, (persona, municipality.code)
    assert can_view_municipality_index(AnonymousUser(), varna) is False


def test_the_overview_loads_the_index_map_targets_and_open_cases_for_ministry_staff(client, ministry_user, varna_real):
    client.force_login(ministry_user)
    assert "data-scoring-fragment=" in client.get(reverse("home")).content.decode()
    html = client.get(reverse("scoring:overview-panel"), {"fragment": "1"}).content.decode()
    assert 'id="scoring-overview"' in html
    assert 'id="index-map-title"' in html
    assert 'class="data-table targets-table"' in html
    assert 'id="open-cases"' in html


def test_the_overview_panel_takes_a_fixed_number_of_queries(
    client, ministry_user, varna_real, settings, django_assert_max_num_queries
):
    settings.DASHBOARD_CACHE_SECONDS = 0
    client.force_login(ministry_user)
    client.get(reverse("scoring:overview-panel"), {"fragment": "1"})
    with django_assert_max_num_queries(30):
        assert client.get(reverse("scoring:overview-panel"), {"fragment": "1"}).status_code == 200


def test_the_index_api_names_its_method_version_and_peers(client, ministry_user, officer_varna, varna_real):
    client.force_login(ministry_user)
    rows = client.get("/api/index/", {"as_of": "2018-06-01", "province": "VAR"}).json()
    varna = next(r for r in rows if r["code"] == "VAR06")
    assert varna["index"] == "27.3"
    assert varna["method_version"] == 1
    assert varna["peers_national"]["rank"] == 1
    assert {s["service"] for s in varna["services"]} >= {"seos", "regix"}
    client.force_login(officer_varna)
    own = client.get("/api/index/", {"as_of": "2018-06-01"}).json()
    assert [r["code"] for r in own] == ["VAR06"]
    assert client.get("/api/index/provinces/").status_code == 403
    targets = client.get("/api/targets/", {"as_of": "2018-06-01"}).json()
    assert all(set(t["missing"]) <= {"VAR06"} for t in targets)


@pytest.mark.parametrize(
    ("persona", "count", "first"), [("ministry_user", 265, "VAR01"), ("officer_varna", 1, "VAR06")]
)
def test_the_targets_export_limits_the_missing_list_as_the_page_does(as_persona, persona, count, first, varna_real):
    response = as_persona(persona).get(reverse("scoring:targets"), {"as_of": "2018-06-01", "_export": "csv"})
    text = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    regix = next(row for row in rows[1:] if "regix" in row)  # "RegiX used by 200": nobody is seen using it
    codes = regix[-1].split()
    assert len(codes) == count
    assert codes[0] == first


def test_a_new_method_version_shows_at_once_on_the_cached_index(client, ministry_user, varna_real, settings):
    from adoption.services import services_with_stages
    from scoring.services import MethodInput, default_input, new_method

    settings.DASHBOARD_CACHE_SECONDS = 300
    client.force_login(ministry_user)
    assert client.get(INDEX, {"as_of": "2018-06-01"}).context["index"].method_version == 1
    services = services_with_stages()
    given = default_input(services)
    new_method(MethodInput(dict(given.services), given.stages), services, note="same weights, new version")
    assert client.get(INDEX, {"as_of": "2018-06-01"}).context["index"].method_version == 2


def test_the_index_page_is_kept_until_the_data_or_the_scoring_changes(client, ministry_user, varna_real, settings):
    """From the third visit on the page renders no template (its part and the whole page are kept); a new
    method version is part of the key, so it shows at once, with a new ETag."""
    from adoption.services import services_with_stages
    from scoring.services import MethodInput, default_input, new_method

    settings.DASHBOARD_CACHE_SECONDS = 300
    client.force_login(ministry_user)
    params = {"as_of": "2018-06-01"}
    client.get(INDEX, params)
    client.get(INDEX, params)
    kept = client.get(INDEX, params)
    assert (kept.status_code, kept.templates) == (200, [])
    assert "Last-Modified" not in kept  # a method version changes the page, not the data's date
    assert client.get(INDEX, params, HTTP_IF_NONE_MATCH=kept["ETag"]).status_code == 304
    services = services_with_stages()
    given = default_input(services)
    new_method(MethodInput(dict(given.services), given.stages), services, note="same weights, new version")
    fresh = client.get(INDEX, params, HTTP_IF_NONE_MATCH=kept["ETag"])
    assert fresh.status_code == 200
    assert fresh.context["index"].method_version == 2
    assert fresh["ETag"] != kept["ETag"]


def test_the_index_api_filters_with_the_pages_filterset(client, ministry_user, varna_real):
    """`/api/index/` and `/index/` share IndexFilterSet: the same rows for the same filters; an invalid
    filter is a 400 naming it in the API, while the page shows every row."""
    client.force_login(ministry_user)
    query = {"as_of": "2018-06-01", "peers_of": "var06", "peer_scope": "province", "band": "low"}
    page = {row.record.code for row in client.get(INDEX, query).context["table"].rows}
    api = {row["code"] for row in client.get("/api/index/", query).json()}
    assert "VAR06" in api
    assert api == page
    assert len(client.get("/api/index/", {"as_of": "2018-06-01"}).json()) > len(api)
    invalid = client.get("/api/index/", {"as_of": "2018-06-01", "band": "purple"})
    assert invalid.status_code == 400
    assert "band" in invalid.json()
    assert client.get(INDEX, {"as_of": "2018-06-01", "band": "purple"}).status_code == 200
