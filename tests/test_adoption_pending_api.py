"""GET /api/adoption/pending/: the ministry's pending-verification queue, as the page shows it.

The fixture declares three unverified declarations (oldest first: VAR06 regix, VAR01 seos,
SOF46 regix) and one already verified (VAR01 regix), which is never in the queue.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from accounts.choices import Role
from adoption.choices import Verification
from adoption.models import Adoption
from municipalities.models import Municipality
from tests.adoption_helpers import history

URL = "/api/adoption/pending/"
PERSONAS = [
    "ministry_user",
    "administrator",
    "officer_varna",
    "officer_other",
    "analyst",
    "usage_operator",
    "anonymous",
]
QUEUE = [("VAR06", "regix"), ("VAR01", "seos"), ("SOF46", "regix")]


@pytest.fixture
def usage_operator(db, django_user_model):
    return django_user_model.objects.create_user(username="operator", password="secret-pass-123", role=Role.OPERATOR)


@pytest.fixture
def queue(db):
    history("VAR06", "regix", [(date(2024, 3, 1), "access_requested")])
    history("VAR01", "seos", [(date(2024, 3, 2), "applied")])
    history("SOF46", "regix", [(date(2024, 3, 3), "access_granted")])
    verified = history("VAR01", "regix", [(date(2024, 2, 1), "access_requested")])
    Adoption.objects.filter(pk=verified.pk).update(verification=Verification.VERIFIED)


def _rows(response) -> list[tuple[str, str]]:
    return [(row["municipality"], row["service"]) for row in response.json()["results"]]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_ministry_staff_and_administrators_see_the_queue(as_persona, queue, persona):
    response = as_persona(persona).get(URL)
    if persona in ("ministry_user", "administrator"):
        assert response.status_code == 200
        assert response.json()["count"] == 3
        assert _rows(response) == QUEUE
    else:
        assert response.status_code == 403
        assert "results" not in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["ministry_user", "administrator"])
def test_the_api_lists_exactly_the_pages_queue_oldest_first(as_persona, queue, persona):
    client = as_persona(persona)
    page = client.get(reverse("adoption:pending"))
    on_page = [
        (row.record.municipality.code, row.record.service.code) for row in page.context["table"].page.object_list
    ]
    assert _rows(client.get(URL)) == on_page == QUEUE


@pytest.mark.django_db
def test_each_entry_carries_the_declaration(client, ministry_user, queue):
    client.force_login(ministry_user)
    first = client.get(URL).json()["results"][0]
    assert first == {
        "municipality": "VAR06",
        "municipality_name_bg": Municipality.objects.get(code="VAR06").name_bg,
        "municipality_name_en": Municipality.objects.get(code="VAR06").name_en,
        "province": "VAR",
        "service": "regix",
        "stage": "access_requested",
        "stage_name_bg": first["stage_name_bg"],
        "stage_name_en": first["stage_name_en"],
        "since": "2024-03-01",
        "evidence": "",
        "comment": "",
        "set_by": None,
        "set_at": first["set_at"],
    }
    assert first["stage_name_bg"]
    assert first["set_at"].startswith("2024-03-01T")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"province": "VAR"}, [("VAR06", "regix"), ("VAR01", "seos")]),
        ({"service": "regix"}, [("VAR06", "regix"), ("SOF46", "regix")]),
        ({"province": "VAR", "service": "regix"}, [("VAR06", "regix")]),
        ({"province": "SFO", "service": "seos"}, []),
    ],
)
def test_it_filters_by_province_and_service(client, ministry_user, queue, params, expected):
    client.force_login(ministry_user)
    response = client.get(URL, params)
    assert response.status_code == 200
    assert _rows(response) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"province": "XXX"}, {"service": "nosuch"}])
def test_an_unknown_province_or_service_is_400_naming_the_filter(client, ministry_user, queue, params):
    client.force_login(ministry_user)
    response = client.get(URL, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


@pytest.mark.django_db
def test_it_is_paginated(client, ministry_user, queue):
    client.force_login(ministry_user)
    data = client.get(URL, {"page_size": 2}).json()
    assert data["count"] == 3
    assert [(r["municipality"], r["service"]) for r in data["results"]] == QUEUE[:2]
    assert data["next"]
    second = client.get(URL, {"page_size": 2, "page": 2}).json()
    assert [(r["municipality"], r["service"]) for r in second["results"]] == QUEUE[2:]


@pytest.mark.django_db
@pytest.mark.parametrize("approve", [True, False])
def test_verifying_or_rejecting_through_the_api_removes_the_entry(client, ministry_user, queue, approve):
    client.force_login(ministry_user)
    response = client.post(
        "/api/adoption/VAR06/verify/",
        {"service": "regix", "approve": approve, "comment": "Проверено"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert _rows(client.get(URL)) == QUEUE[1:]
    assert Adoption.objects.get(municipality__code="VAR06", service__code="regix").verification != (
        Verification.UNVERIFIED
    )


@pytest.mark.django_db
def test_a_new_stage_puts_a_verified_declaration_back_in_the_queue(client, ministry_user, officer_varna, queue):
    client.force_login(officer_varna)
    response = client.post(
        "/api/adoption/VAR06/changes/",
        {"service": "seos", "stage": "applied", "comment": "Подадохме заявление"},
        content_type="application/json",
    )
    assert response.status_code == 201
    client.force_login(ministry_user)
    rows = client.get(URL).json()["results"]
    assert (rows[-1]["municipality"], rows[-1]["service"], rows[-1]["set_by"]) == ("VAR06", "seos", "officer_varna")


@pytest.mark.django_db
def test_the_queue_does_a_fixed_number_of_queries(client, ministry_user, django_assert_max_num_queries):
    client.force_login(ministry_user)
    history("VAR06", "regix", [(date(2024, 3, 1), "access_requested")])
    with django_assert_max_num_queries(4):
        assert client.get(URL).json()["count"] == 1
    for municipality in Municipality.objects.exclude(code="VAR06").order_by("code")[:49]:
        history(municipality.code, "regix", [(date(2024, 3, 1), "access_requested")])
    with django_assert_max_num_queries(4):
        data = client.get(URL).json()
    assert data["count"] == 50
    assert len(data["results"]) == 50


@pytest.mark.django_db
def test_the_schema_documents_the_queue(client):
    operation = client.get("/api/schema/", {"format": "json"}).json()["paths"][URL]["get"]
    assert operation["summary"] == "Declarations awaiting verification (ministry staff)"
    assert {p["name"] for p in operation["parameters"]} == {"province", "service", "page", "page_size"}
