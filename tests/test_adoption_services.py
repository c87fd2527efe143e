"""adoption/services.py: changing, confirming and verifying declarations, and the stage on a date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from adoption import services
from adoption.choices import ChangeKind, Verification
from adoption.models import Adoption, AdoptionChange
from tests.adoption_helpers import history, municipality, service, stage


@pytest.mark.django_db
def test_the_six_services_exist_with_stable_codes_and_ordered_stages():
    from adoption.models import Service

    assert list(Service.objects.values_list("code", flat=True)) == [
        "seos",
        "regix",
        "edelivery",
        "eauth",
        "epayment",
        "backup",
    ]
    seos = [s.code for s in service("seos").stages.order_by("order")]
    assert seos == ["not_applied", "applied", "test", "real", "suspended"]
    regix = service("regix").stages.order_by("order")
    assert [s.code for s in regix] == ["not_requested", "access_requested", "access_granted", "production", "suspended"]
    assert [s.code for s in regix if s.counts_as_adopted] == ["production"]
    assert service("regix").first_stage().code == "not_requested"


@pytest.mark.django_db
def test_change_stage_creates_an_unverified_declaration_and_a_history_entry(officer_varna):
    varna, regix = municipality("VAR06"), service("regix")
    adoption = services.change_stage(
        officer_varna, varna, regix, stage("regix", "access_requested"), " Заявихме достъп ", "изх. № 12/2026"
    )
    adoption.refresh_from_db()
    assert adoption.stage.code == "access_requested"
    assert adoption.verification == Verification.UNVERIFIED
    assert adoption.set_by == officer_varna
    assert adoption.since == timezone.localdate()
    assert adoption.comment == "Заявихме достъп"
    assert adoption.evidence == "изх. № 12/2026"
    (entry,) = AdoptionChange.objects.filter(municipality=varna)
    assert (entry.kind, entry.from_stage.code, entry.to_stage.code) == ("stage", "not_requested", "access_requested")
    assert entry.user == officer_varna
    assert entry.comment == "Заявихме достъп"


@pytest.mark.django_db
def test_a_new_change_resets_verification(officer_varna, ministry_user):
    varna, regix = municipality("VAR06"), service("regix")
    adoption = services.change_stage(officer_varna, varna, regix, stage("regix", "access_requested"), "a")
    services.verify(ministry_user, adoption, True, "checked")
    adoption = services.change_stage(officer_varna, varna, regix, stage("regix", "access_granted"), "b")
    adoption.refresh_from_db()
    assert adoption.verification == Verification.UNVERIFIED
    assert adoption.verified_by is None
    assert AdoptionChange.objects.filter(municipality=varna).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stage_code", "comment", "since_days", "field"),
    [
        ("access_requested", "   ", 0, "comment"),
        ("not_requested", "same stage", 0, "stage"),
        ("access_requested", "future", -1, "since"),
    ],
)
def test_invalid_changes_are_refused_and_change_nothing(officer_varna, stage_code, comment, since_days, field):
    since = timezone.localdate() - timedelta(days=since_days)
    with pytest.raises(ValidationError) as error:
        services.change_stage(
            officer_varna, municipality("VAR06"), service("regix"), stage("regix", stage_code), comment, since=since
        )
    assert field in error.value.message_dict
    assert not Adoption.objects.exists()
    assert not AdoptionChange.objects.exists()


@pytest.mark.django_db
def test_a_stage_of_another_service_is_refused(officer_varna):
    with pytest.raises(ValidationError) as error:
        services.change_stage(officer_varna, municipality("VAR06"), service("regix"), stage("seos", "real"), "x")
    assert "stage" in error.value.message_dict
    assert not AdoptionChange.objects.exists()


@pytest.mark.django_db
def test_a_change_cannot_be_dated_before_the_current_stage(officer_varna):
    history("VAR06", "regix", [(date(2020, 5, 1), "access_requested")])
    with pytest.raises(ValidationError) as error:
        services.change_stage(
            officer_varna,
            municipality("VAR06"),
            service("regix"),
            stage("regix", "access_granted"),
            "x",
            since=date(2020, 4, 30),
        )
    assert "since" in error.value.message_dict
    assert AdoptionChange.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["officer_other", "analyst"])
def test_only_editors_may_change_a_stage(request, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.change_stage(user, municipality("VAR06"), service("regix"), stage("regix", "access_requested"), "x")
    assert not AdoptionChange.objects.exists()


@pytest.mark.django_db
def test_ministry_staff_may_change_any_municipality(ministry_user):
    services.change_stage(ministry_user, municipality("VAR01"), service("seos"), stage("seos", "applied"), "x")
    assert Adoption.objects.get(municipality__code="VAR01").stage.code == "applied"


@pytest.mark.django_db
def test_verify_and_reject_need_ministry_staff_and_a_comment(officer_varna, ministry_user):
    adoption = history("VAR06", "regix", [(date(2024, 1, 10), "access_requested")])
    with pytest.raises(PermissionDenied):
        services.verify(officer_varna, adoption, True, "self-approval")
    with pytest.raises(ValidationError):
        services.verify(ministry_user, adoption, True, "")
    adoption.refresh_from_db()
    assert adoption.verification == Verification.UNVERIFIED
    services.verify(ministry_user, adoption, False, "Липсва документ")
    adoption.refresh_from_db()
    assert adoption.verification == Verification.REJECTED
    assert adoption.verified_by == ministry_user
    assert adoption.verification_comment == "Липсва документ"
    event = AdoptionChange.objects.filter(kind=ChangeKind.REJECTED).get()
    assert event.user == ministry_user
    assert event.to_stage.code == "access_requested"


@pytest.mark.django_db
def test_confirming_clears_the_stale_flag_and_is_recorded(officer_varna, settings):
    settings.ADOPTION_STALE_AFTER_DAYS = 180
    adoption = history("VAR06", "seos", [(date(2018, 3, 1), "real")])
    assert adoption.is_stale
    services.confirm(officer_varna, adoption, "still true")
    adoption.refresh_from_db()
    assert not adoption.is_stale
    assert AdoptionChange.objects.filter(kind=ChangeKind.CONFIRMED, user=officer_varna).count() == 1
    # A confirmation is not a stage change: the stage on a past date is unaffected.
    assert services.stage_on(municipality("VAR06"), service("seos"), date(2018, 2, 28)).code == "not_applied"


@pytest.mark.django_db
def test_the_stale_threshold_is_a_setting(settings):
    adoption = history("VAR06", "seos", [(timezone.localdate() - timedelta(days=30), "real")])
    settings.ADOPTION_STALE_AFTER_DAYS = 180
    assert not adoption.is_stale
    assert not Adoption.objects.stale().exists()
    settings.ADOPTION_STALE_AFTER_DAYS = 29
    assert adoption.is_stale
    assert list(Adoption.objects.stale()) == [adoption]


# --- the stage on a past date -------------------------------------------------------------

STEPS = [
    (date(2018, 3, 1), "access_requested"),
    (date(2018, 5, 10), "access_granted"),
    (date(2018, 5, 10), "production"),  # two changes on the same day: the later one counts
    (date(2021, 1, 1), "suspended"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2017, 1, 1), "not_requested"),  # before the first change: the first stage
        (date(2018, 2, 28), "not_requested"),  # the day before
        (date(2018, 3, 1), "access_requested"),  # the day itself counts
        (date(2018, 5, 9), "access_requested"),
        (date(2018, 5, 10), "production"),  # same day: the last recorded wins
        (date(2020, 12, 31), "production"),
        (date(2021, 1, 1), "suspended"),
        (date(2030, 1, 1), "suspended"),
    ],
)
def test_stage_on_a_date_follows_the_history(on, expected):
    history("VAR06", "regix", STEPS)
    history("VAR01", "regix", [(date(2018, 4, 1), "access_requested")])  # noise for another municipality
    assert services.stage_on(municipality("VAR06"), service("regix"), on).code == expected
    assert services.stages_on(on)[(municipality("VAR06").id, "regix")].code == expected
    assert services.stages_on(on, service="regix")[(municipality("VAR06").id, "regix")].code == expected


@pytest.mark.django_db
def test_verification_events_do_not_move_the_stage_on_a_date(ministry_user):
    adoption = history("VAR06", "regix", [(date(2018, 3, 1), "access_requested")])
    services.verify(ministry_user, adoption, True, "ok")
    assert services.stage_on(municipality("VAR06"), service("regix"), timezone.localdate()).code == "access_requested"


@pytest.mark.django_db
def test_stages_on_covers_every_municipality_and_service_in_a_fixed_number_of_queries(
    django_assert_max_num_queries,
):
    history("VAR06", "regix", STEPS)
    history("VAR01", "seos", [(date(2017, 11, 1), "applied"), (date(2018, 1, 15), "real")])
    with django_assert_max_num_queries(4):
        result = services.stages_on(date(2018, 6, 1))
    assert len(result) == 265 * 6
    assert result[(municipality("VAR06").id, "regix")].code == "production"
    assert result[(municipality("VAR01").id, "seos")].code == "real"
    assert result[(municipality("VAR01").id, "regix")].code == "not_requested"
    assert result[(municipality("SOF46").id, "backup")].code == "none"
    only_seos = services.stages_on(date(2018, 1, 1), service=service("seos"))
    assert len(only_seos) == 265
    assert only_seos[(municipality("VAR01").id, "seos")].code == "applied"
