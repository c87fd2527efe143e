"""The outreach log: opening a case, who sees what (never the internal note outside the ministry),
closing by itself when the agreed stage is verified or by hand with a reason, the follow-up reminder,
and the effect of outreach against uncontacted peers, with exact figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from outreach.cases import close_reached, outreach_effect, send_follow_ups
from outreach.choices import CaseStatus
from outreach.forms import CaseForm
from outreach.models import Case

from .adoption_helpers import municipality, service, stage
from .scoring_helpers import verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(ministry_user):
    ministry_user.email = "owner@mtitc.government.bg"
    ministry_user.save()
    return Case.objects.create(
        municipality=municipality("VAR06"), kind="call", contacted_on=date(2018, 3, 1),
        agreed="Ще подадат заявление за RegiX до края на месеца.", service=service("regix"),
        agreed_stage=stage("regix", "production"), promised_date=date(2018, 4, 1), follow_up_on=date(2018, 4, 2),
        owner=ministry_user, created_by=ministry_user, internal_note="Кметът не отговаря на писма.",
    )  # fmt: skip


def test_ministry_staff_open_a_case_from_a_municipality_page(client, ministry_user):
    client.force_login(ministry_user)
    form = client.get(reverse("outreach:case-create"), {"municipality": "VAR06", "source": "municipality"})
    assert form.context["form"].initial["municipality"].code == "VAR06"
    response = client.post(
        reverse("outreach:case-create"),
        {
            "municipality": municipality("VAR06").pk, "kind": "visit", "source": "municipality",
            "contacted_on": "2018-03-01", "agreed": "Среща с кмета", "owner": ministry_user.pk,
            "service": service("seos").pk, "agreed_stage": stage("seos", "real").pk, "follow_up_on": "2018-03-20",
        },
    )  # fmt: skip
    assert response.status_code == 302
    created = Case.objects.get()
    assert (created.kind, created.status, created.created_by) == ("visit", CaseStatus.OPEN, ministry_user)


def test_a_stage_of_another_service_is_refused_and_nothing_is_saved(client, ministry_user):
    client.force_login(ministry_user)
    response = client.post(
        reverse("outreach:case-create"),
        {
            "municipality": municipality("VAR06").pk, "kind": "call", "source": "municipality",
            "contacted_on": "2018-03-01", "agreed": "x", "owner": ministry_user.pk,
            "service": service("seos").pk, "agreed_stage": stage("regix", "production").pk,
        },
    )  # fmt: skip
    assert response.status_code == 400
    assert response.context["form"].errors["agreed_stage"]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status", "note"),
    [
        ("ministry_user", 200, True),
        ("analyst", 200, False),
        ("officer_varna", 200, False),
        ("officer_other", 404, False),
        ("anonymous", 302, False),
    ],
)
def test_who_sees_a_case_and_its_internal_note(as_persona, case, persona, status, note):
    response = as_persona(persona).get(case.get_absolute_url())
    assert response.status_code == status
    assert ("Кметът не отговаря" in response.content.decode()) is note


@pytest.mark.parametrize(("persona", "status"), [("officer_varna", 403), ("analyst", 403), ("anonymous", 302)])
def test_only_ministry_staff_open_cases(as_persona, persona, status):
    assert as_persona(persona).get(reverse("outreach:case-create")).status_code == status


def test_the_open_cases_page_and_api_hide_the_internal_note_from_analysts(as_persona, case):
    analyst = as_persona("analyst")
    page = analyst.get(reverse("outreach:cases"))
    assert page.status_code == 200
    assert [c.pk for c in page.context["table"].data] == [case.pk]
    assert "Кметът не отговаря" not in page.content.decode()
    rows = analyst.get("/api/outreach/cases/").json()["results"]
    assert "internal_note" not in rows[0]


def test_officers_get_their_own_cases_from_the_api_and_no_note(as_persona, case):
    assert as_persona("officer_other").get("/api/outreach/cases/").json()["results"] == []
    mine = as_persona("officer_varna").get("/api/outreach/cases/").json()["results"]
    assert [r["id"] for r in mine] == [case.pk]
    assert "internal_note" not in mine[0]


def test_the_case_forms_stage_picker_names_each_stage_with_its_service():
    production = stage("regix", "production")
    labels = {str(label) for value, label in CaseForm().fields["agreed_stage"].choices if value}
    assert f"{production.service.name}: {production.name}" in labels
    assert production.name not in labels  # never a bare stage name: codes repeat across services


def test_a_case_closes_by_itself_when_the_agreed_stage_is_verified(case):
    assert close_reached(date(2018, 5, 1)) == []
    verified("VAR06", "regix", [(date(2018, 4, 20), "production")])
    assert close_reached(date(2018, 5, 1)) == [case.pk]
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closed_automatically
    assert case.closed_on == date(2018, 5, 1)


def test_closing_by_hand_needs_a_reason(client, ministry_user, case):
    client.force_login(ministry_user)
    url = reverse("outreach:case-close", args=[case.pk])
    assert client.post(url, {"close_reason": " "}).status_code == 400
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert client.post(url, {"close_reason": "Общината се отказа."}).status_code == 302
    case.refresh_from_db()
    assert (case.status, case.close_reason, case.closed_automatically) == ("closed", "Общината се отказа.", False)


def test_the_owner_is_reminded_once_when_the_follow_up_is_due(case):
    assert send_follow_ups(date(2018, 4, 1)) == 0
    assert send_follow_ups(date(2018, 4, 2)) == 1
    assert send_follow_ups(date(2018, 4, 3)) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@mtitc.government.bg"]
    assert "Варна" in mail.outbox[0].subject


def test_the_effect_compares_the_contacted_with_uncontacted_peers_over_90_days(case, client, analyst):
    # VAR06 (contacted 01.03.2018) reaches a verified real SEOS on 01.04.2018: 0 → 27.3 and one service.
    verified("VAR06", "seos", [(date(2018, 4, 1), "real")])
    effect = outreach_effect(date(2019, 1, 1))
    (row,) = effect.rows
    assert (row.contacted_on, row.until) == (date(2018, 3, 1), date(2018, 5, 30))
    assert (row.index_before, row.index_after, row.index_change) == (Decimal("0.0"), Decimal("27.3"), Decimal("27.3"))
    assert (row.adopted_before, row.adopted_after) == (0, 1)
    assert row.peers > 0
    assert row.peers_index_change == Decimal("0.0")
    assert effect.contacted_index_change == Decimal("27.3")
    assert effect.peers_index_change == Decimal("0.0")
    client.force_login(analyst)
    page = client.get(reverse("outreach:effect"), {"as_of": "2019-01-01"})
    assert page.status_code == 200
    assert "27,3" in page.content.decode()
    api = client.get("/api/outreach/effect/", {"as_of": "2019-01-01"}).json()
    assert api[0]["index_change"] == "27.3"


def test_ministry_staff_open_a_case_from_a_discrepancy(as_persona):
    from .adoption_helpers import history
    from .dashboard_helpers import PERSON, days, load_regix

    history("VAR06", "regix", [(date(2026, 1, 5), "production")])
    load_regix((day, "VAR01", PERSON, 3) for day in days(date(2026, 10, 1), date(2026, 11, 20)))
    url = reverse("dashboards:discrepancies") + "?as_of=2026-11-25"
    ministry = as_persona("ministry_user").get(url).content.decode()
    form = ministry.split('id="discrepancy-case-heading"')[1]
    assert 'value="VAR06"' in form
    assert 'name="source" value="discrepancy"' in form
    assert 'id="discrepancy-case-heading"' not in as_persona("analyst").get(url).content.decode()
