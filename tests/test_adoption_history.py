"""The adoption history is append-only: not through the ORM, the admin or raw SQL."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from adoption.models import AdoptionChange
from tests.adoption_helpers import history


@pytest.fixture
def entry(db):
    history("VAR06", "regix", [(date(2018, 3, 1), "access_requested")])
    return AdoptionChange.objects.get()


def _unchanged(entry) -> None:
    fresh = AdoptionChange.objects.get(pk=entry.pk)
    assert fresh.comment == "test"
    assert fresh.to_stage.code == "access_requested"


def test_saving_an_existing_entry_is_refused(entry):
    entry.comment = "rewritten"
    with pytest.raises(PermissionDenied):
        entry.save()
    _unchanged(entry)


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(PermissionDenied):
        entry.delete()
    _unchanged(entry)


def test_bulk_update_and_delete_are_refused(entry):
    with pytest.raises(PermissionDenied):
        AdoptionChange.objects.filter(pk=entry.pk).update(comment="rewritten")
    with pytest.raises(PermissionDenied):
        AdoptionChange.objects.all().delete()
    with pytest.raises(PermissionDenied):
        AdoptionChange.objects.bulk_update([entry], ["comment"])
    _unchanged(entry)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE adoption_adoptionchange SET comment = 'rewritten'",
        "DELETE FROM adoption_adoptionchange",
    ],
)
def test_the_database_refuses_raw_updates_and_deletes(entry, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    _unchanged(entry)


def test_new_entries_can_still_be_appended(entry):
    history("VAR06", "seos", [(date(2018, 3, 1), "applied")])
    assert AdoptionChange.objects.count() == 2


def test_the_admin_shows_history_but_cannot_add_change_or_delete_it(client, administrator, entry):
    client.force_login(administrator)
    assert client.get(reverse("admin:adoption_adoptionchange_changelist")).status_code == 200
    # The change page opens read-only (view permission), and a POST changes nothing.
    url = reverse("admin:adoption_adoptionchange_change", args=[entry.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.post(url, {"comment": "rewritten"}).status_code == 403
    assert client.get(reverse("admin:adoption_adoptionchange_add")).status_code == 403
    assert (
        client.post(reverse("admin:adoption_adoptionchange_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    changelist = client.post(
        reverse("admin:adoption_adoptionchange_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert changelist.status_code in (200, 302, 403)
    _unchanged(entry)


def test_the_admin_cannot_edit_declarations_either(client, administrator, entry):
    from adoption.models import Adoption

    client.force_login(administrator)
    adoption = Adoption.objects.get()
    assert client.get(reverse("admin:adoption_adoption_changelist")).status_code == 200
    assert (
        client.post(reverse("admin:adoption_adoption_delete", args=[adoption.pk]), {"post": "yes"}).status_code == 403
    )
    assert client.get(reverse("admin:adoption_adoption_add")).status_code == 403
    assert Adoption.objects.get().stage.code == "access_requested"


def test_administrators_edit_services_and_stages_in_the_admin(client, administrator):
    from adoption.models import Service

    client.force_login(administrator)
    regix = Service.objects.get(code="regix")
    page = client.get(reverse("admin:adoption_service_change", args=[regix.pk]))
    assert page.status_code == 200
    assert b"counts_as_adopted" in page.content
    assert client.get(reverse("admin:adoption_service_delete", args=[regix.pk])).status_code == 403


def test_declarations_are_never_deleted(entry):
    from adoption.models import Adoption

    adoption = Adoption.objects.get()
    with pytest.raises(PermissionDenied):
        adoption.delete()
    with pytest.raises(PermissionDenied):
        Adoption.objects.all().delete()
    assert Adoption.objects.count() == 1
