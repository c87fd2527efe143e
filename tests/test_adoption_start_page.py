"""The officer's start page "my municipality": what needs attention, one click to act on each."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from adoption.choices import Verification
from adoption.models import Adoption, MunicipalityContact
from tests.adoption_helpers import history

pytestmark = pytest.mark.django_db


def _kinds(response) -> list[tuple[str, str]]:
    return [(item.kind, item.service_code) for item in response.context["attention"]]


def test_the_start_page_lists_rejected_stale_and_unverified_declarations_and_missing_contacts(
    client, officer_varna, ministry_user
):
    rejected = history("VAR06", "regix", [(date(2026, 1, 5), "access_requested")])
    Adoption.objects.filter(pk=rejected.pk).update(
        verification=Verification.REJECTED, verification_comment="Няма входящ номер"
    )
    history("VAR06", "seos", [(date(2020, 1, 5), "applied")])  # confirmed in 2020: stale
    history("VAR06", "eauth", [(timezone.localdate(), "requested")])  # fresh and unverified
    history("VAR01", "regix", [(date(2020, 1, 5), "access_requested")])  # another municipality's
    client.force_login(officer_varna)
    response = client.get(reverse("adoption:mine"))
    assert response.status_code == 200
    assert _kinds(response) == [("rejected", "regix"), ("stale", "seos"), ("unverified", "eauth"), ("contacts", "")]
    body = response.content.decode()
    assert "Няма входящ номер" in body
    assert body.count(f'action="{reverse("adoption:confirm", args=["VAR06", "seos"])}"') == 1
    assert f"{reverse('adoption:change', args=['VAR06', 'regix'])}?next=mine" in body


def test_confirming_from_the_start_page_clears_the_item_and_comes_back(client, officer_varna):
    history("VAR06", "seos", [(date(2020, 1, 5), "applied")])
    MunicipalityContact.objects.create(
        municipality=officer_varna.municipality, responsible_person="Иван", phone="052 1", email="a@varna.bg"
    )
    client.force_login(officer_varna)
    response = client.post(
        reverse("adoption:confirm", args=["VAR06", "seos"]), {"comment": "Все още е така", "next": "mine"}
    )
    assert response["Location"] == reverse("adoption:mine")
    after = client.get(reverse("adoption:mine"))
    assert _kinds(after) == [("unverified", "seos")]


def test_the_stage_form_opened_from_the_start_page_returns_there(client, officer_varna):
    client.force_login(officer_varna)
    url = reverse("adoption:change", args=["VAR06", "regix"]) + "?next=mine"
    form = client.get(url)
    assert 'name="next" value="mine"' in form.content.decode()
    response = client.post(
        url, {"stage": form.context["form"].fields["stage"].queryset[1].pk, "since": "2026-01-15", "comment": "Да"}
    )
    assert response["Location"] == reverse("adoption:mine")


def test_officers_land_on_their_start_page_and_others_may_not_open_it(client, officer_varna, ministry_user, analyst):
    client.force_login(officer_varna)
    assert client.get("/")["Location"] == reverse("adoption:mine")
    for user in (ministry_user, analyst):
        client.force_login(user)
        assert client.get(reverse("adoption:mine")).status_code == 403
    client.logout()
    assert client.get(reverse("adoption:mine")).status_code == 302


def test_suspended_is_never_pre_selected(client, officer_varna):
    history("VAR06", "seos", [(date(2025, 1, 5), "applied"), (date(2025, 6, 1), "test"), (date(2026, 1, 5), "real")])
    client.force_login(officer_varna)
    form = client.get(reverse("adoption:change", args=["VAR06", "seos"])).context["form"]
    chosen = form.fields["stage"].queryset.get(pk=form["stage"].value())
    assert chosen.code == "real"  # the current stage, not the next one ("suspended")
