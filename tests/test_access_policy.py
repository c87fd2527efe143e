"""The access policy (accounts/policy.py): every rule × every persona against a table written here,
independently of the policy, and the decisions it carries over HTTP (operators only upload,
administrators by role reach the admin, the README's table is the policy's)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse

from accounts import policy
from accounts.choices import Role
from accounts.management.commands.access_table import render

Y, N = True, False
PERSONAS = ["ministry_user", "officer_varna", "analyst", "service_operator", "administrator_role", "administrator"]
# rule: answers for the personas above, in that order (anonymous and deactivated users: all False).
EXPECTED = {
    "view_dashboards": (Y, Y, Y, N, Y, Y),
    "view_every_municipality": (Y, N, Y, N, Y, Y),
    "view_discrepancies": (Y, N, Y, N, Y, Y),
    "view_declarations": (Y, Y, Y, N, Y, Y),
    "view_reports": (Y, Y, Y, N, Y, Y),
    "verify_changes": (Y, N, N, N, Y, Y),
    "view_batches": (Y, N, Y, N, Y, Y),
    "upload_on_page": (Y, N, N, Y, Y, Y),
    "follow_batches": (Y, N, Y, Y, Y, Y),
    "view_own_uploads": (N, N, N, Y, N, N),
    "use_municipality_start_page": (N, Y, N, N, N, N),
    "view_index_table": (Y, N, Y, N, Y, Y),
    "view_targets": (Y, Y, Y, N, Y, Y),
    "view_target_missing": (Y, N, Y, N, Y, Y),
    "change_index_methods": (Y, N, N, N, Y, Y),
    "manage_outreach": (Y, N, N, N, Y, Y),
    "see_internal_notes": (Y, N, N, N, Y, Y),
    "read_all_cases": (Y, N, Y, N, Y, Y),
    "manage_open_data": (Y, N, N, N, Y, Y),
    "upload_files": (Y, N, N, Y, Y, Y),
    "use_batch_api": (Y, N, Y, Y, Y, Y),
    "reprocess_batches": (N, N, N, N, Y, Y),
    "view_every_export": (Y, N, N, N, Y, Y),
    "use_admin": (N, N, N, N, Y, Y),
    "view_municipality_usage": (Y, Y, Y, N, Y, Y),
}
CASES = [
    pytest.param(rule, persona, answers[i], id=f"{rule}-{persona}")
    for rule, answers in EXPECTED.items()
    for i, persona in enumerate(PERSONAS)
]


def test_every_rule_of_the_policy_is_in_the_expected_table():
    assert set(policy.RULES) == set(EXPECTED)


@pytest.mark.django_db
@pytest.mark.parametrize(("rule", "persona", "allowed"), CASES)
def test_rule_matrix(request, rule, persona, allowed):
    assert policy.RULES[rule](request.getfixturevalue(persona)) is allowed


@pytest.mark.django_db
@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_anonymous_and_deactivated_users_are_allowed_nothing(rule, ministry_user, administrator):
    from django.contrib.auth.models import AnonymousUser

    ministry_user.is_active = administrator.is_active = False
    for user in (AnonymousUser(), None, ministry_user, administrator):
        assert policy.RULES[rule](user) is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "declarations", "editable", "batches"),
    [
        ("ministry_user", 265, 265, "all"),
        ("administrator_role", 265, 265, "all"),
        ("analyst", 265, 0, "all"),
        ("officer_varna", ["VAR06"], ["VAR06"], "none"),
        ("service_operator", 0, 0, "own"),
    ],
)
def test_scopes_reach_the_rows_of_the_table(request, persona, declarations, editable, batches):
    from municipalities.models import Municipality
    from usage.models import ImportBatch

    user = request.getfixturevalue(persona)
    for queryset, expected in (
        (Municipality.objects.visible_to(user), declarations),
        (Municipality.objects.editable_by(user), editable),
    ):
        if isinstance(expected, list):
            assert list(queryset.values_list("code", flat=True)) == expected
        else:
            assert queryset.count() == expected
    mine = ImportBatch.objects.create(
        kind="regix", file_name="a.csv", sha256="a" * 64, size=1, door="api", uploaded_by=user
    )
    other = ImportBatch.objects.create(kind="regix", file_name="b.csv", sha256="b" * 64, size=1, door="api")
    seen = set(ImportBatch.objects.visible_to(user))
    assert seen == {"all": {mine, other}, "own": {mine}, "none": set()}[batches]


def test_the_readme_role_table_is_the_policys():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    table = re.search(r"<!-- access-table:start -->\n(.*?)<!-- access-table:end -->", readme, re.S)
    assert table, "README.md lost its access-table markers"
    assert table.group(1) == render(), "README.md's role table differs: paste `manage.py access_table`"


@pytest.mark.django_db
def test_the_menu_follows_the_policy(client, ministry_user, service_operator, analyst):
    client.force_login(service_operator)
    body = client.get(reverse("municipalities:list")).content.decode()
    for url in (reverse("adoption:list"), reverse("adoption:pending"), reverse("usage:batch-list")):
        assert f'href="{url}"' not in body
    assert f'href="{reverse("reports:index")}"' not in body
    client.force_login(analyst)
    body = client.get(reverse("municipalities:list")).content.decode()
    assert f'href="{reverse("usage:batch-list")}"' in body
    assert f'href="{reverse("adoption:pending")}"' not in body
    client.force_login(ministry_user)
    assert f'href="{reverse("adoption:pending")}"' in client.get(reverse("municipalities:list")).content.decode()


def test_the_template_filter_refuses_an_unknown_rule():
    template = Template('{% load policy %}{% if user|may:"see_everything" %}x{% endif %}')
    with pytest.raises(TemplateSyntaxError, match="see_everything"):
        template.render(Context({"user": None}))


# --- Operators only upload ------------------------------------------------------------------------

DASHBOARDS = ["overview", "map", "provinces", "municipalities", "trends", "discrepancies"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", DASHBOARDS)
def test_an_operator_reads_no_dashboard(client, service_operator, page):
    client.force_login(service_operator)
    assert client.get(reverse(f"dashboards:{page}")).status_code == 403


@pytest.mark.django_db
def test_an_operator_gets_the_public_home_page(client, service_operator):
    client.force_login(service_operator)
    response = client.get("/")
    assert response.status_code == 200
    assert "summary" not in response.context


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [("service_operator", 403), ("officer_other", 200), ("analyst", 200), ("ministry_user", 200)],
)
def test_a_municipalitys_usage_and_its_csv_are_for_readers_only(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    usage = client.get(reverse("dashboards:municipality-usage", args=["VAR06"]))
    chart = client.get(reverse("dashboards:municipality-chart", args=["VAR06", "regix"]))
    assert (usage.status_code, chart.status_code) == (status, status)
    if status == 200:
        assert chart["Content-Type"].startswith("text/csv")


@pytest.mark.django_db
def test_an_operator_sees_no_usage_section_on_a_municipality_page(client, service_operator, analyst):
    url = reverse("municipalities:detail", args=["VAR06"])
    client.force_login(service_operator)
    assert 'id="usage"' not in client.get(url).content.decode()
    client.force_login(analyst)
    assert 'id="usage"' in client.get(url).content.decode()


# --- Administrators by role ------------------------------------------------------------------------

ADMIN_PAGES = [
    "admin:index",
    "admin:adoption_service_changelist",
    "admin:adoption_adoptionchange_changelist",
    "admin:accounts_user_changelist",
    "admin:municipalities_municipality_changelist",
    "admin:catalog_register_changelist",
]


@pytest.mark.django_db
@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_the_administrator_role_alone_opens_the_admin(client, administrator_role, page):
    assert not administrator_role.is_staff
    assert not administrator_role.is_superuser
    client.force_login(administrator_role)
    assert client.get(reverse(page)).status_code == 200


@pytest.mark.django_db
def test_the_administrator_role_still_cannot_rewrite_the_history(client, administrator_role):
    client.force_login(administrator_role)
    assert client.get(reverse("admin:adoption_adoptionchange_add")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["ministry_user", "analyst", "officer_varna", "service_operator"])
def test_other_roles_are_sent_to_the_admins_sign_in_even_with_the_staff_flag(client, request, persona):
    user = request.getfixturevalue(persona)
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get(reverse("admin:adoption_service_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_the_administrator_role_signs_in_to_the_admin(client, administrator_role, analyst):
    login = reverse("admin:login")
    response = client.post(login, {"username": "administrator_role", "password": "secret-pass-123"})
    assert response.status_code == 302
    client.logout()
    response = client.post(login, {"username": "analyst", "password": "secret-pass-123"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_roles_are_listed_only_in_the_policy():
    """No product module but the policy (and the role choices and the user model) names a role."""
    root = Path(settings.BASE_DIR)
    pattern = re.compile(
        r"(?<![A-Za-z])Role\.(MINISTRY|OFFICER|ANALYST|OPERATOR|ADMINISTRATOR)"
        r"|\.is_(ministry|officer|analyst|operator|administrator)\b|role != "
    )
    allowed = {
        "accounts/policy.py",
        "accounts/choices.py",
        "accounts/models.py",
        "accounts/management/commands/access_table.py",
    }
    offenders = []
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if path.suffix not in (".py", ".html") or relative.split("/")[0] in {".venv", "tests", "bench", "staticfiles"}:
            continue
        if relative in allowed or "/migrations/" in relative or "demo" in relative:
            continue
        if pattern.search(path.read_text(encoding="utf-8")):
            offenders.append(relative)
    assert offenders == []
    assert Role.values  # the choices are the list the policy's sets are built from
