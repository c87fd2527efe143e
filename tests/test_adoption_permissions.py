"""The permission matrix: every adoption and catalogue page and endpoint × every persona.

Each write is checked twice: the status code, and that a refused request changed nothing.
The fixture declares RegiX for Варна (VAR06) as 'access requested', unverified; every URL
names VAR06, so for the officer of Аврен (VAR01) it is another municipality.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from accounts.choices import Role
from adoption.models import Adoption, AdoptionChange, MunicipalityContact
from tests.adoption_helpers import history, stage

PERSONAS = [
    "ministry_user",
    "administrator",
    "officer_varna",
    "officer_other",
    "analyst",
    "usage_operator",
    "anonymous",
]
LOGIN = "login"  # anonymous users are sent to sign in on pages


@pytest.fixture
def usage_operator(db, django_user_model):
    return django_user_model.objects.create_user(username="operator", password="secret-pass-123", role=Role.OPERATOR)


@pytest.fixture
def declared(db):
    return history("VAR06", "regix", [(date(2024, 3, 1), "access_requested")])


def _snapshot() -> tuple:
    return (
        list(AdoptionChange.objects.order_by("id").values_list("id", "kind", "to_stage_id", "comment")),
        list(Adoption.objects.order_by("id").values_list("stage_id", "verification", "last_confirmed_at", "comment")),
        list(MunicipalityContact.objects.values_list("municipality_id", "phone")),
    )


def _stage_change_form() -> dict:
    return {"stage": stage("regix", "access_granted").pk, "since": "2024-06-01", "comment": "Получихме достъп"}


# (name, method, url, data for POST or None, {persona: status}); "login" = redirect to sign in.
EDITORS = {"ministry_user": 302, "administrator": 302, "officer_varna": 302}
READERS_403 = {"officer_other": 404, "analyst": 403, "usage_operator": 404, "anonymous": LOGIN}
API_EDITORS_OK = {"officer_other": 404, "analyst": 403, "usage_operator": 404, "anonymous": 403}

PAGE_CASES = [
    ("municipality page", "get", "/municipalities/VAR06/", None, dict.fromkeys(PERSONAS, 200)),
    (
        "stage change form",
        "get",
        "/adoption/VAR06/regix/change/",
        None,
        {"ministry_user": 200, "administrator": 200, "officer_varna": 200, **READERS_403},
    ),
    ("stage change", "post", "/adoption/VAR06/regix/change/", _stage_change_form, {**EDITORS, **READERS_403}),
    ("confirm", "post", "/adoption/VAR06/regix/confirm/", {"comment": "still true"}, {**EDITORS, **READERS_403}),
    (
        "verify",
        "post",
        "/adoption/VAR06/regix/verify/",
        {"decision": "approve", "comment": "ok"},
        {"ministry_user": 302, "administrator": 302, "officer_varna": 403, **READERS_403},
    ),
    (
        "contacts form",
        "get",
        "/adoption/VAR06/contacts/",
        None,
        {"ministry_user": 200, "administrator": 200, "officer_varna": 200, **READERS_403},
    ),
    ("contacts", "post", "/adoption/VAR06/contacts/", {"phone": "052 820 111"}, {**EDITORS, **READERS_403}),
    (
        "pending queue",
        "get",
        "/adoption/pending/",
        None,
        {
            "ministry_user": 200,
            "administrator": 200,
            "officer_varna": 403,
            "officer_other": 403,
            "analyst": 403,
            "usage_operator": 403,
            "anonymous": LOGIN,
        },
    ),
    (
        "declarations list",
        "get",
        "/adoption/",
        None,
        {**dict.fromkeys(PERSONAS, 200), "usage_operator": 403, "anonymous": LOGIN},
    ),
    (
        "declarations export",
        "get",
        "/adoption/?_export=csv",
        None,
        {**dict.fromkeys(PERSONAS, 200), "usage_operator": 403, "anonymous": LOGIN},
    ),
    ("registers", "get", "/catalog/", None, dict.fromkeys(PERSONAS, 200)),
    ("register page", "get", "/catalog/GRAO/NBD/", None, dict.fromkeys(PERSONAS, 200)),
    ("registers export", "get", "/catalog/?_export=csv", None, dict.fromkeys(PERSONAS, 200)),
]

API_CASES = [
    ("api services", "get", "/api/services/", None, dict.fromkeys(PERSONAS, 200)),
    ("api service", "get", "/api/services/regix/", None, dict.fromkeys(PERSONAS, 200)),
    (
        "api adoption list",
        "get",
        "/api/adoption/",
        None,
        {**dict.fromkeys(PERSONAS, 200), "anonymous": 403},
    ),
    (
        "api adoption detail",
        "get",
        "/api/adoption/VAR06/",
        None,
        {
            "ministry_user": 200,
            "administrator": 200,
            "officer_varna": 200,
            "analyst": 200,
            "officer_other": 404,
            "usage_operator": 404,
            "anonymous": 403,
        },
    ),
    (
        "api stage change",
        "post",
        "/api/adoption/VAR06/changes/",
        {"service": "regix", "stage": "access_granted", "comment": "Получихме достъп"},
        {"ministry_user": 201, "administrator": 201, "officer_varna": 201, **API_EDITORS_OK},
    ),
    (
        "api confirm",
        "post",
        "/api/adoption/VAR06/confirm/",
        {"service": "regix", "comment": "still true"},
        {"ministry_user": 200, "administrator": 200, "officer_varna": 200, **API_EDITORS_OK},
    ),
    (
        "api verify",
        "post",
        "/api/adoption/VAR06/verify/",
        {"service": "regix", "approve": True, "comment": "ok"},
        {"ministry_user": 200, "administrator": 200, "officer_varna": 403, **API_EDITORS_OK},
    ),
    (
        "api pending queue",
        "get",
        "/api/adoption/pending/",
        None,
        {**dict.fromkeys(PERSONAS, 403), "ministry_user": 200, "administrator": 200},
    ),
    ("api registers", "get", "/api/registers/", None, dict.fromkeys(PERSONAS, 200)),
    ("api register", "get", "/api/registers/GRAO/NBD/", None, dict.fromkeys(PERSONAS, 200)),
    ("api query types", "get", "/api/query-types/", None, dict.fromkeys(PERSONAS, 200)),
    ("api schema", "get", "/api/schema/", None, dict.fromkeys(PERSONAS, 200)),
]

CASES = [
    pytest.param(case, persona, id=f"{case[0]}-{persona}") for case in PAGE_CASES + API_CASES for persona in PERSONAS
]


def check_access(client, request, case, persona: str) -> None:
    """Request the URL as the persona; assert the status, and that a refused write changed nothing."""
    _name, method, url, data, expected = case
    user = request.getfixturevalue(persona)
    if user is not None:
        client.force_login(user)
    if callable(data):
        data = data()
    before = _snapshot()
    if method == "get":
        response = client.get(url)
    elif url.startswith("/api/"):
        response = client.post(url, data, content_type="application/json")
    else:
        response = client.post(url, data)
    want = expected[persona]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == want, response.content[:500]
    if method == "post":
        if want in (200, 201, 302) and want != LOGIN:
            assert _snapshot() != before
        else:
            assert _snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona"), CASES)
def test_permission_matrix(client, request, declared, case, persona):
    check_access(client, request, case, persona)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "sees_section", "sees_edit_link", "sees_verify_form"),
    [
        ("ministry_user", True, True, True),
        ("officer_varna", True, True, False),
        ("analyst", True, False, False),
        ("officer_other", False, False, False),
        ("usage_operator", False, False, False),
        ("anonymous", False, False, False),
    ],
)
def test_the_municipality_page_shows_declarations_only_to_those_allowed(
    client, request, declared, persona, sees_section, sees_edit_link, sees_verify_form
):
    user = request.getfixturevalue(persona)
    if user is not None:
        client.force_login(user)
    body = client.get("/municipalities/VAR06/").content.decode()
    assert ('id="service-regix"' in body) is sees_section
    assert ("Заявен достъп" in body) is sees_section
    assert ("/adoption/VAR06/regix/change/" in body) is sees_edit_link
    assert ("/adoption/VAR06/regix/verify/" in body) is sees_verify_form


@pytest.mark.django_db
def test_an_officer_lists_only_their_own_municipality_in_the_api(client, officer_other, declared):
    client.force_login(officer_other)
    data = client.get("/api/adoption/").json()
    assert [m["code"] for m in data["results"]] == ["VAR01"]


@pytest.mark.django_db
def test_an_operator_reaches_no_declarations_in_the_api(client, usage_operator, declared):
    client.force_login(usage_operator)
    assert client.get("/api/adoption/").json()["count"] == 0


@pytest.mark.django_db
def test_the_admin_is_for_administrators_only(client, ministry_user, analyst, administrator):
    url = reverse("admin:adoption_service_changelist")
    for user in (ministry_user, analyst):
        client.force_login(user)
        assert client.get(url).status_code == 302  # to the admin's sign-in
    client.force_login(administrator)
    assert client.get(url).status_code == 200
