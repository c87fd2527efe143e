"""Issue 11.7: four eyes on verification, writes that never blank what they did not send, sign-in
throttling by address across usernames, and staff passwords."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.choices import Role
from adoption.models import Adoption, MunicipalityContact
from tests.adoption_helpers import municipality, stage

CHANGE = "/adoption/VAR06/regix/change/"
VERIFY = "/adoption/VAR06/regix/verify/"
API_VERIFY = "/api/adoption/VAR06/verify/"


@pytest.fixture
def second_ministry_user(db, django_user_model):
    return django_user_model.objects.create_user(username="ministry2", password="secret-pass-123", role=Role.MINISTRY)


@pytest.fixture
def changed_by_ministry(client, ministry_user):
    """The ministry user declares RegiX 'access granted' for Варна through the form."""
    client.force_login(ministry_user)
    form = {"stage": stage("regix", "access_granted").pk, "since": "2024-06-01", "comment": "Получихме достъп"}
    assert client.post(CHANGE, form).status_code == 302
    adoption = Adoption.objects.get(municipality__code="VAR06", service__code="regix")
    assert adoption.set_by == ministry_user
    return adoption


def _verification(adoption: Adoption) -> tuple:
    adoption.refresh_from_db()
    return adoption.verification, adoption.verified_by_id


@pytest.mark.django_db
def test_the_ministry_user_who_set_a_stage_cannot_verify_it_on_the_page(client, changed_by_ministry):
    before = _verification(changed_by_ministry)
    response = client.post(VERIFY, {"decision": "approve", "comment": "ok"})
    assert response.status_code == 403
    assert _verification(changed_by_ministry) == before == ("unverified", None)


@pytest.mark.django_db
def test_the_ministry_user_who_set_a_stage_cannot_verify_it_in_the_api(client, changed_by_ministry):
    response = client.post(
        API_VERIFY, {"service": "regix", "approve": True, "comment": "ok"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert _verification(changed_by_ministry) == ("unverified", None)


@pytest.mark.django_db
def test_a_second_ministry_user_verifies_it(client, changed_by_ministry, second_ministry_user):
    client.force_login(second_ministry_user)
    response = client.post(VERIFY, {"decision": "approve", "comment": "ok"})
    assert response.status_code == 302
    assert _verification(changed_by_ministry) == ("verified", second_ministry_user.pk)


@pytest.mark.django_db
def test_ones_own_change_is_not_in_ones_queue_nor_offered_a_verify_form(
    client, changed_by_ministry, ministry_user, second_ministry_user
):
    own_queue = client.get("/api/adoption/pending/").json()
    page = client.get("/municipalities/VAR06/").content.decode()
    assert [row["municipality"]["code"] for row in own_queue["results"]] == []
    assert VERIFY not in page
    client.force_login(second_ministry_user)
    other_queue = client.get("/api/adoption/pending/").json()
    assert len(other_queue["results"]) == 1
    assert VERIFY in client.get("/municipalities/VAR06/").content.decode()


# --- Writes without a field -------------------------------------------------------------------------

CONTACTS = "/adoption/VAR06/contacts/"
FULL = {
    "eik": "000093442",
    "address": "бул. Осми приморски полк 43",
    "responsible_person": "Мария Иванова",
    "position": "директор",
    "phone": "052 820 111",
    "email": "egov@varna.bg",
}


@pytest.fixture
def contact(db, officer_varna):
    return MunicipalityContact.objects.create(municipality=municipality("VAR06"), **FULL)


def _contact_fields(contact) -> dict:
    contact.refresh_from_db()
    return {name: getattr(contact, name) for name in FULL}


@pytest.mark.django_db
def test_an_empty_put_to_the_contacts_page_is_refused_and_blanks_nothing(client, officer_varna, contact):
    client.force_login(officer_varna)
    response = client.put(CONTACTS, "", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 405
    assert _contact_fields(contact) == FULL


@pytest.mark.django_db
def test_a_full_put_is_refused_too_the_page_takes_post(client, officer_varna, contact):
    client.force_login(officer_varna)
    response = client.put(CONTACTS, "phone=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 405
    assert _contact_fields(contact) == FULL


@pytest.mark.django_db
def test_a_post_with_one_field_changes_that_field_only(client, officer_varna, contact):
    client.force_login(officer_varna)
    assert client.post(CONTACTS, {"phone": "052 999 999"}).status_code == 302
    assert _contact_fields(contact) == {**FULL, "phone": "052 999 999"}


@pytest.mark.django_db
def test_a_post_with_no_field_is_refused_with_a_message(client, officer_varna, contact):
    client.force_login(officer_varna)
    response = client.post(CONTACTS, {})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert _contact_fields(contact) == FULL


@pytest.mark.django_db
def test_the_full_form_still_clears_a_field_sent_empty(client, officer_varna, contact):
    client.force_login(officer_varna)
    assert client.post(CONTACTS, {**FULL, "position": ""}).status_code == 302
    assert _contact_fields(contact) == {**FULL, "position": ""}


# --- Sign-in throttling by address ------------------------------------------------------------------


@pytest.mark.django_db
def test_one_address_trying_many_usernames_is_locked_out(client, settings, django_user_model):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    django_user_model.objects.create_user(username="victim", password="Sofia-Varna-Burgas-1", role=Role.ANALYST)
    for number in range(6):  # one password, six usernames: no username fails twice
        client.post(reverse("login"), {"username": f"user{number}", "password": "Sofia2026"})
    response = client.post(reverse("login"), {"username": "victim", "password": "Sofia-Varna-Burgas-1"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_address_below_its_limit_still_signs_in(client, settings, django_user_model):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    django_user_model.objects.create_user(username="victim", password="Sofia-Varna-Burgas-1", role=Role.ANALYST)
    for number in range(5):
        client.post(reverse("login"), {"username": f"user{number}", "password": "Sofia2026"})
    response = client.post(reverse("login"), {"username": "victim", "password": "Sofia-Varna-Burgas-1"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_another_address_is_not_locked_by_the_first(client, settings, django_user_model):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    django_user_model.objects.create_user(username="victim", password="Sofia-Varna-Burgas-1", role=Role.ANALYST)
    for number in range(6):
        client.post(reverse("login"), {"username": f"user{number}", "password": "x"}, REMOTE_ADDR="10.0.0.1")
    response = client.post(
        reverse("login"), {"username": "victim", "password": "Sofia-Varna-Burgas-1"}, REMOTE_ADDR="10.0.0.2"
    )
    assert response.status_code == 302


# --- Staff passwords --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MINISTRY, Role.ADMINISTRATOR])
@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Sofia2026", "staff_password_too_short"),
        ("Morska-2026", "staff_password_too_short"),
        ("Password1234", "staff_password_common"),
        ("!!Sunshine2026!!", "staff_password_common"),
    ],
)
def test_staff_passwords_are_long_and_uncommon(role, password, code, django_user_model):
    user = django_user_model(username="staff", role=role)
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert code in {error.code for error in refused.value.error_list}


@pytest.mark.parametrize("role", [Role.MINISTRY, Role.ADMINISTRATOR])
def test_a_long_uncommon_staff_password_passes(role, django_user_model):
    validate_password("Морска-градина-край-Варна", django_user_model(username="staff", role=role))


def test_a_superuser_of_any_role_needs_the_staff_password(django_user_model):
    with pytest.raises(ValidationError):
        validate_password("Morska-2026", django_user_model(username="root", role=Role.ANALYST, is_superuser=True))


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ANALYST, Role.OPERATOR])
def test_other_roles_keep_djangos_rules(role, django_user_model):
    validate_password("Morska-2026", django_user_model(username="someone", role=role))


@pytest.mark.django_db
def test_the_password_change_page_refuses_a_short_staff_password(client, ministry_user):
    client.force_login(ministry_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "secret-pass-123", "new_password1": "Sofia2026", "new_password2": "Sofia2026"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    ministry_user.refresh_from_db()
    assert ministry_user.check_password("secret-pass-123")
