"""The "Reports" link in the navigation: shown to the roles that may open the reports, only to them."""

from __future__ import annotations

import pytest

from accounts.choices import Role


@pytest.fixture
def operator(db, django_user_model):
    return django_user_model.objects.create_user(username="operator", password="secret-pass-123", role=Role.OPERATOR)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("analyst", True),
        ("ministry_user", True),
        ("administrator", True),
        ("officer_varna", True),
        ("operator", False),
        ("anonymous", False),
    ],
)
def test_the_reports_link_is_shown_to_those_who_may_use_it(client, request, persona, shown):
    user = request.getfixturevalue(persona)
    if user is not None:
        client.force_login(user)
    html = client.get("/municipalities/").content.decode()
    assert ('href="/reports/"' in html) is shown


@pytest.mark.django_db
def test_the_index_links_both_reports(client, analyst):
    client.force_login(analyst)
    html = client.get("/reports/").content.decode()
    assert 'href="/reports/usage/"' in html
    assert 'href="/reports/adoption-matrix/"' in html
    assert "Справки" in html
