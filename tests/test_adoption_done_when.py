"""The issue's "Done when" walkthrough, end to end through the pages and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from adoption.models import Adoption, AdoptionChange
from tests.adoption_helpers import stage


def _state():
    return (
        list(AdoptionChange.objects.order_by("id").values_list("id", "municipality__code", "kind", "to_stage__code")),
        list(Adoption.objects.order_by("id").values_list("municipality__code", "stage__code", "verification")),
    )


@pytest.mark.django_db
def test_officer_of_varna_requests_regix_ministry_verifies_and_avren_stays_untouched(
    client, officer_varna, officer_other, ministry_user
):
    # 1. The officer of Варна signs in (through the real sign-in form) and moves RegiX to "access requested".
    signed_in = client.post(reverse("login"), {"username": "officer_varna", "password": "secret-pass-123"})
    assert signed_in.status_code == 302
    response = client.post(
        reverse("adoption:change", args=["VAR06", "regix"]),
        {"stage": stage("regix", "access_requested").pk, "since": "2026-11-02", "comment": "Подадохме заявление"},
        follow=True,
    )
    assert response.status_code == 200
    # ... and sees it as unverified on the municipality page.
    regix = next(s for s in response.context["adoption_statuses"] if s.service.code == "regix")
    assert regix.stage.code == "access_requested"
    assert regix.adoption.verification == "unverified"
    assert "Непроверено" in response.content.decode()

    # 2. Ministry staff verify it.
    client.force_login(ministry_user)
    queue = client.get(reverse("adoption:pending"))
    assert [row.record.municipality.code for row in queue.context["table"].page.object_list] == ["VAR06"]
    client.post(
        reverse("adoption:verify", args=["VAR06", "regix"]),
        {"decision": "approve", "comment": "Заявлението е получено", "next": "pending"},
    )

    # 3. The timeline shows both steps, for the officer too.
    client.force_login(officer_varna)
    page = client.get(reverse("municipalities:detail", args=["VAR06"]))
    entries = [(e.kind, e.to_stage.code, e.user.username) for e in page.context["adoption_history"]]
    assert entries == [("verified", "access_requested", "ministry"), ("stage", "access_requested", "officer_varna")]
    body = page.content.decode()
    assert "Подадохме заявление" in body
    assert "Заявлението е получено" in body
    assert "Проверено" in body

    # 4. The same officer's attempts on Аврен (VAR01), through the form and through the API, fail.
    before = _state()
    form = client.post(
        reverse("adoption:change", args=["VAR01", "regix"]),
        {"stage": stage("regix", "access_requested").pk, "since": "2026-11-02", "comment": "чужда община"},
    )
    assert form.status_code == 404
    api = client.post(
        "/api/adoption/VAR01/changes/",
        {"service": "regix", "stage": "access_requested", "comment": "чужда община"},
        content_type="application/json",
    )
    assert api.status_code == 404
    assert client.get("/api/adoption/VAR01/").status_code == 404
    assert _state() == before
    assert not Adoption.objects.filter(municipality__code="VAR01").exists()
