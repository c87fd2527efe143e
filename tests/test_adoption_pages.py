"""Pages of declared adoption: the municipality section, the forms and the ministry's queue."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from adoption.choices import Verification
from adoption.models import Adoption, AdoptionChange, MunicipalityContact, Service
from tests.adoption_helpers import history, stage

VARNA_PAGE = "/municipalities/VAR06/"


@pytest.mark.django_db
def test_the_section_lists_every_service_with_its_stage(client, analyst):
    history("VAR06", "seos", [(date(2017, 11, 2), "applied"), (date(2018, 1, 20), "real")])
    client.force_login(analyst)
    response = client.get(VARNA_PAGE)
    statuses = {s.service.code: s for s in response.context["adoption_statuses"]}
    assert list(statuses) == ["seos", "regix", "edelivery", "eauth", "epayment", "backup"]
    assert statuses["seos"].stage.code == "real"
    assert statuses["regix"].stage.code == "not_requested"
    assert statuses["regix"].adoption is None
    body = response.content.decode()
    assert "Реален участник" in body
    assert "20.01.2018" in body
    assert "не е декларирано" in body


@pytest.mark.django_db
def test_the_timeline_shows_every_entry_newest_first(client, ministry_user):
    history("VAR06", "seos", [(date(2017, 11, 2), "applied"), (date(2018, 1, 20), "real")])
    client.force_login(ministry_user)
    response = client.get(VARNA_PAGE)
    assert [entry.to_stage.code for entry in response.context["adoption_history"]] == ["real", "applied"]
    body = response.content.decode()
    timeline = body[body.index('class="timeline"') :]
    assert timeline.count('class="timeline-entry') == 2
    assert "Подадено заявление → Реален участник" in timeline


@pytest.mark.django_db
def test_a_stale_declaration_is_flagged(client, analyst, settings):
    settings.ADOPTION_STALE_AFTER_DAYS = 180
    history("VAR06", "seos", [(timezone.localdate() - timedelta(days=181), "real")])
    history("VAR06", "regix", [(timezone.localdate() - timedelta(days=10), "access_requested")])
    client.force_login(analyst)
    response = client.get(VARNA_PAGE)
    statuses = {s.service.code: s for s in response.context["adoption_statuses"]}
    assert statuses["seos"].is_stale
    assert not statuses["regix"].is_stale
    assert response.content.decode().count('class="badge stale"') == 1


@pytest.mark.django_db
def test_the_municipality_page_does_a_fixed_number_of_queries(client, ministry_user, django_assert_max_num_queries):
    client.force_login(ministry_user)
    with django_assert_max_num_queries(16):
        client.get(VARNA_PAGE)
    for service in Service.objects.all():
        second = service.stages.order_by("order")[1]
        history("VAR06", service.code, [(date(2018, 1, 1), second.code), (date(2019, 1, 1), "suspended")])
    with django_assert_max_num_queries(16):
        client.get(VARNA_PAGE)


@pytest.mark.django_db
def test_the_stage_change_form_changes_the_stage_and_shows_it_unverified(client, officer_varna):
    client.force_login(officer_varna)
    url = reverse("adoption:change", args=["VAR06", "regix"])
    form_page = client.get(url)
    # The current stage is pre-selected: another stage (say "suspended") is only chosen explicitly.
    assert form_page.context["form"]["stage"].value() == stage("regix", "not_requested").pk
    assert [s.code for s in form_page.context["form"].fields["stage"].queryset] == [
        "not_requested",
        "access_requested",
        "access_granted",
        "production",
        "suspended",
    ]
    response = client.post(
        url,
        {"stage": stage("regix", "access_requested").pk, "since": "2026-01-15", "comment": "Заявихме", "evidence": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/municipalities/VAR06/#adoption"
    body = response.content.decode()
    assert "Непроверено" in body
    adoption = Adoption.objects.get(municipality__code="VAR06", service__code="regix")
    assert adoption.since == date(2026, 1, 15)


@pytest.mark.django_db
def test_the_form_shows_a_clear_error_and_changes_nothing(client, officer_varna):
    client.force_login(officer_varna)
    url = reverse("adoption:change", args=["VAR06", "regix"])
    response = client.post(url, {"stage": stage("regix", "not_requested").pk, "since": "2026-01-15", "comment": "x"})
    assert response.status_code == 200
    assert "stage" in response.context["form"].errors
    response = client.post(url, {"stage": stage("regix", "access_requested").pk, "since": "2026-01-15"})
    assert "comment" in response.context["form"].errors
    assert not AdoptionChange.objects.exists()


@pytest.mark.django_db
def test_a_stage_of_another_service_is_not_a_valid_choice(client, officer_varna):
    client.force_login(officer_varna)
    url = reverse("adoption:change", args=["VAR06", "regix"])
    response = client.post(url, {"stage": stage("seos", "real").pk, "since": "2026-01-15", "comment": "x"})
    assert "stage" in response.context["form"].errors
    assert not AdoptionChange.objects.exists()


@pytest.mark.django_db
def test_an_unknown_service_or_municipality_is_404(client, ministry_user):
    client.force_login(ministry_user)
    assert client.get("/adoption/VAR06/nosuch/change/").status_code == 404
    assert client.get("/adoption/XXX99/regix/change/").status_code == 404


@pytest.mark.django_db
def test_ministry_staff_verify_from_the_queue(client, ministry_user):
    history("VAR06", "regix", [(date(2024, 3, 1), "access_requested")])
    history("VAR01", "seos", [(date(2024, 3, 2), "applied")])
    client.force_login(ministry_user)
    queue = client.get(reverse("adoption:pending"))
    assert [row.record.municipality.code for row in queue.context["table"].page.object_list] == ["VAR06", "VAR01"]
    response = client.post(
        reverse("adoption:verify", args=["VAR06", "regix"]),
        {"decision": "reject", "comment": "Няма входящ номер", "next": "pending"},
    )
    assert response["Location"] == reverse("adoption:pending")
    adoption = Adoption.objects.get(municipality__code="VAR06")
    assert adoption.verification == Verification.REJECTED
    assert adoption.verification_comment == "Няма входящ номер"
    queue = client.get(reverse("adoption:pending"))
    assert [row.record.municipality.code for row in queue.context["table"].page.object_list] == ["VAR01"]


@pytest.mark.django_db
def test_a_verification_without_a_comment_changes_nothing(client, ministry_user):
    history("VAR06", "regix", [(date(2024, 3, 1), "access_requested")])
    client.force_login(ministry_user)
    client.post(reverse("adoption:verify", args=["VAR06", "regix"]), {"decision": "approve", "comment": ""})
    assert Adoption.objects.get().verification == Verification.UNVERIFIED
    assert AdoptionChange.objects.count() == 1


@pytest.mark.django_db
def test_the_queue_does_a_fixed_number_of_queries(client, ministry_user, django_assert_max_num_queries):
    client.force_login(ministry_user)
    history("VAR06", "regix", [(date(2024, 3, 1), "access_requested")])
    with django_assert_max_num_queries(8):
        client.get(reverse("adoption:pending"))
    from municipalities.models import Municipality

    for municipality in Municipality.objects.exclude(code="VAR06")[:49]:
        history(municipality.code, "regix", [(date(2024, 3, 1), "access_requested")])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("adoption:pending"))
    assert len(response.context["table"].page.object_list) == 50


@pytest.mark.django_db
def test_officers_keep_their_contacts_current(client, officer_varna, analyst):
    client.force_login(officer_varna)
    url = reverse("adoption:contacts", args=["VAR06"])
    data = {
        "eik": "000093442",
        "address": "бул. „Осми приморски полк“ 43, Варна",
        "responsible_person": "Иван Петров",
        "position": "директор",
        "phone": "052 820 111",
        "email": "egov@varna.bg",
    }
    assert client.post(url, data).status_code == 302
    contact = MunicipalityContact.objects.get(municipality__code="VAR06")
    assert contact.updated_by == officer_varna
    assert contact.email == "egov@varna.bg"
    client.force_login(analyst)
    body = client.get(VARNA_PAGE).content.decode()
    assert "Иван Петров" in body
    assert "egov@varna.bg" in body


@pytest.mark.django_db
def test_a_bad_eik_is_a_clear_form_error(client, officer_varna):
    client.force_login(officer_varna)
    response = client.post(reverse("adoption:contacts", args=["VAR06"]), {"eik": "12345"})
    assert response.status_code == 200
    assert "eik" in response.context["form"].errors
    assert not MunicipalityContact.objects.exists()


@pytest.mark.django_db
def test_confirming_from_the_page_clears_the_stale_flag(client, officer_varna, settings):
    settings.ADOPTION_STALE_AFTER_DAYS = 180
    history("VAR06", "seos", [(date(2018, 1, 20), "real")])
    client.force_login(officer_varna)
    response = client.post(reverse("adoption:confirm", args=["VAR06", "seos"]), {"comment": "Все още е вярно"})
    assert response.status_code == 302
    assert not Adoption.objects.get().is_stale


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [("ministry_user", {"VAR06", "VAR01"}), ("analyst", {"VAR06", "VAR01"}), ("officer_other", {"VAR01"})],
)
def test_the_declarations_list_shows_what_the_user_may_see(client, request, persona, expected):
    history("VAR06", "regix", [(date(2024, 3, 1), "access_requested")])
    history("VAR01", "seos", [(date(2024, 3, 2), "applied")])
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("adoption:list"))
    assert {row.record.municipality.code for row in response.context["table"].page.object_list} == expected
    export = client.get(reverse("adoption:list"), {"_export": "csv"}).getvalue().decode("utf-8")
    assert ("VAR06" in export) is ("VAR06" in expected)
    assert "VAR01" in export


@pytest.mark.django_db
def test_the_declarations_list_filters_and_exports(client, analyst, settings):
    settings.ADOPTION_STALE_AFTER_DAYS = 180
    history("VAR06", "regix", [(date(2018, 3, 1), "access_requested"), (date(2018, 9, 1), "production")])
    history("VAR01", "regix", [(timezone.localdate() - timedelta(days=3), "access_requested")])
    history("VAR01", "seos", [(date(2018, 1, 2), "real")])
    client.force_login(analyst)

    def codes(**params):
        response = client.get(reverse("adoption:list"), params)
        return sorted(
            (r.record.municipality.code, r.record.service.code) for r in response.context["table"].page.object_list
        )

    assert codes(service="regix") == [("VAR01", "regix"), ("VAR06", "regix")]
    assert codes(service="regix", adopted="true") == [("VAR06", "regix")]
    assert codes(stale="true") == [("VAR01", "seos"), ("VAR06", "regix")]
    assert codes(stale="false") == [("VAR01", "regix")]
    assert codes(q="Аврен", stage="real") == [("VAR01", "seos")]
    assert codes(province="VAR", verification="unverified") == [
        ("VAR01", "regix"),
        ("VAR01", "seos"),
        ("VAR06", "regix"),
    ]
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("adoption:list"), {"service": "seos", "_export": "csv"}).getvalue().decode())
        )
    )
    assert rows[0][:3] == ["Община", "Код", "Област"]
    assert rows[1][1] == "VAR01"
    assert "Реален участник" in rows[1]
    assert "real" in rows[1]


@pytest.mark.django_db
def test_the_declarations_list_does_a_fixed_number_of_queries(client, analyst, django_assert_max_num_queries):
    from municipalities.models import Municipality

    client.force_login(analyst)
    history("VAR06", "regix", [(date(2024, 3, 1), "access_requested")])
    with django_assert_max_num_queries(8):
        client.get(reverse("adoption:list"))
    for municipality in Municipality.objects.exclude(code="VAR06")[:60]:
        history(municipality.code, "regix", [(date(2024, 3, 1), "access_requested")])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("adoption:list"))
    assert len(response.context["table"].page.object_list) == 50
