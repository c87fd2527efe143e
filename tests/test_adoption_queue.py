"""The ministry's verification work list: old → new stage on each row, decisions in bulk after one
confirmation, and the list's filters and order kept after acting."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from adoption.choices import Verification
from adoption.models import Adoption, AdoptionChange
from tests.adoption_helpers import history

pytestmark = pytest.mark.django_db
DECIDE = reverse("adoption:pending-decide")


@pytest.fixture
def queue():
    return [
        history("VAR06", "regix", [(date(2024, 3, 1), "access_requested"), (date(2024, 4, 1), "access_granted")]),
        history("VAR01", "seos", [(date(2024, 3, 2), "applied")]),
        history("SOF46", "regix", [(date(2024, 3, 3), "access_requested")]),
    ]


def test_each_row_shows_the_stage_it_replaces(client, ministry_user, queue):
    client.force_login(ministry_user)
    response = client.get(reverse("adoption:pending"))
    rows = {row.record.municipality.code: row.record for row in response.context["table"].page.object_list}
    assert rows["VAR06"].replaced_stage_name == "Заявен достъп"
    assert rows["VAR01"].replaced_stage_name == "Не е кандидатствала"
    body = response.content.decode()
    assert "Заявен достъп</span>" in body
    assert "Предоставен достъп</strong>" in body


def test_two_declarations_are_approved_after_one_confirmation_and_the_list_keeps_its_filters(
    client, ministry_user, queue
):
    client.force_login(ministry_user)
    query = "service=regix&sort=-municipality"
    ids = [queue[0].pk, queue[2].pk]
    confirm = client.post(DECIDE, {"decide": "approve", "ids": ids, "query": query})
    assert confirm.status_code == 200
    assert Adoption.objects.filter(verification=Verification.VERIFIED).count() == 0  # nothing yet
    assert {item.pk for item in confirm.context["items"]} == set(ids)
    done = client.post(
        DECIDE,
        {"decision": "approve", "ids": ids, "query": query, "confirm": "1", "comment": "Проверено по документите"},
    )
    assert done["Location"] == reverse("adoption:pending") + "?service=regix&sort=-municipality"
    assert set(Adoption.objects.filter(verification=Verification.VERIFIED).values_list("pk", flat=True)) == set(ids)
    assert AdoptionChange.objects.filter(kind="verified").count() == 2
    assert Adoption.objects.get(pk=queue[1].pk).verification == Verification.UNVERIFIED


def test_the_buttons_and_boxes_carry_keys_the_decision_understands(client, ministry_user, queue):
    """What the page's controls send, taken from the HTML: keys in the thousands are not number-formatted
    ("7 324" was refused as no declaration at all)."""
    client.force_login(ministry_user)
    body = client.get(reverse("adoption:pending")).content.decode()
    assert min(adoption.pk for adoption in queue) >= 1000  # tests/conftest.py: FIRST_TEST_ID
    buttons = re.findall(r'name="decide" value="(approve:[^"]+)"', body)
    boxes = re.findall(r'name="ids" value="([^"]+)"', body)
    assert sorted(boxes) == sorted(str(adoption.pk) for adoption in queue)
    assert sorted(buttons) == sorted(f"approve:{adoption.pk}" for adoption in queue)
    confirm = client.post(DECIDE, {"decide": buttons[0], "query": ""})
    assert confirm.status_code == 200
    hidden = re.findall(r'type="hidden" name="ids" value="([^"]+)"', confirm.content.decode())
    assert hidden == [buttons[0].partition(":")[2]]


def test_a_rows_reject_button_asks_for_a_reason_first(client, ministry_user, queue):
    client.force_login(ministry_user)
    confirm = client.post(DECIDE, {"decide": f"reject:{queue[1].pk}", "query": ""})
    assert [item.pk for item in confirm.context["items"]] == [queue[1].pk]
    missing = client.post(DECIDE, {"decision": "reject", "ids": [queue[1].pk], "confirm": "1", "comment": ""})
    assert missing.status_code == 200
    assert missing.context["form"].errors["comment"]
    assert Adoption.objects.get(pk=queue[1].pk).verification == Verification.UNVERIFIED
    client.post(DECIDE, {"decision": "reject", "ids": [queue[1].pk], "confirm": "1", "comment": "Няма номер"})
    assert Adoption.objects.get(pk=queue[1].pk).verification == Verification.REJECTED


def test_nothing_selected_goes_back_with_a_message(client, ministry_user, queue):
    client.force_login(ministry_user)
    response = client.post(DECIDE, {"decide": "approve", "query": "page=1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("adoption:pending") + "?page=1"
    assert "Изберете поне една декларация" in response.content.decode()


def test_the_return_address_is_rebuilt_from_known_parameters_only(client, ministry_user, queue):
    client.force_login(ministry_user)
    response = client.post(
        DECIDE,
        {"decision": "approve", "ids": [queue[0].pk], "confirm": "1", "comment": "ok", "query": "next=//evil&page=2"},
    )
    assert response["Location"] == reverse("adoption:pending") + "?page=2"


@pytest.mark.parametrize("persona", ["officer_varna", "analyst"])
def test_only_the_ministry_decides(as_persona, persona, queue):
    client = as_persona(persona)
    response = client.post(DECIDE, {"decision": "approve", "ids": [queue[0].pk], "confirm": "1", "comment": "x"})
    assert response.status_code == 403
    assert not Adoption.objects.filter(verification=Verification.VERIFIED).exists()
