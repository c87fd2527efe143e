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


def test_the_municipality_page_shows_the_index_and_peers_to_its_officer_only(as_persona, varna_real):
    url = reverse("municipalities:detail", args=["VAR06"])
    mine = as_persona("officer_varna").get(url).content.decode()
    assert 'id="municipality-index"' in mine
    assert 'id="municipality-peers"' in mine
    missed = mine.split('id="missed-targets"')[1].split("</ul>")[0]
    assert "RegiX се ползва от 200 общини" in missed  # nobody is seen using RegiX
    assert "Всяка община" not in missed  # VAR06 is a verified real SEOS participant


def test_another_officer_and_the_public_do_not_see_the_panel(as_persona, varna_real):
    url = reverse("municipalities:detail", args=["VAR06"])
    for persona in ("officer_other", "anonymous"):
        assert 'id="municipality-index"' not in as_persona(persona).get(url).content.decode()


def test_the_overview_shows_the_index_map_targets_and_open_cases_to_ministry_staff(client, ministry_user, varna_real):
    client.force_login(ministry_user)
    html = client.get(reverse("home")).content.decode()
    assert 'id="scoring-overview"' in html
    assert 'id="index-map-title"' in html
    assert 'id="open-cases"' in html


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
