"""Sign-in, password reset by e-mail, sign-in throttling and the demo users."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.choices import Role
from accounts.models import User


@pytest.mark.django_db
def test_the_sign_in_page_is_bulgarian_and_offers_a_password_reset(client):
    body = client.get(reverse("login")).content.decode()
    assert "<h1>Вход</h1>" in body
    assert "Забравена парола?" in body
    assert reverse("password_reset") in body


@pytest.mark.django_db
def test_signing_in_and_out(client, officer_varna):
    response = client.post(reverse("login"), {"username": "officer_varna", "password": "secret-pass-123"})
    assert response.status_code == 302
    assert client.get("/api/adoption/").status_code == 200
    client.post(reverse("logout"))
    assert client.get("/api/adoption/").status_code == 403


@pytest.mark.django_db
def test_a_password_reset_by_e_mail_in_bulgarian(client, officer_varna):
    officer_varna.email = "varna@example.bg"
    officer_varna.save()
    page = client.get(reverse("password_reset"))
    assert "Подновяване на паролата" in page.content.decode()
    response = client.post(reverse("password_reset"), {"email": "varna@example.bg"}, follow=True)
    assert "Проверете имейла си" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["varna@example.bg"]
    assert message.subject == "Подновяване на парола в портала за внедряване на електронното управление"
    assert "Здравейте, officer_varna" in message.body
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Задаване на нова парола" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Morska-Gradina-2026", "new_password2": "Morska-Gradina-2026"},
        follow=True,
    )
    assert "Паролата е сменена" in done.content.decode()
    officer_varna.refresh_from_db()
    assert officer_varna.check_password("Morska-Gradina-2026")


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.bg"}, follow=True)
    assert "Проверете имейла си" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db
def test_failed_sign_ins_are_throttled(client, officer_varna, settings):
    for _ in range(settings.AXES_USERNAME_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "officer_varna", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "officer_varna", "password": "secret-pass-123"})
    assert response.status_code == 429
    assert "Твърде много неуспешни опити за вход" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_create_demo_users_makes_one_user_per_role_once(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["ministry", "officer-var06", "analyst", "operator", "admin"])
    }
    assert {u.role for u in users.values()} == set(Role.values)
    assert users["officer-var06"].municipality.code == "VAR06"
    assert users["admin"].is_superuser
    logins = (tmp_path / "demo-logins.txt").read_text(encoding="utf-8").splitlines()
    assert len(logins) == 5
    username, password, *_ = logins[1].split()
    assert User.objects.get(username=username).check_password(password)
    call_command("create_demo_users", stdout=StringIO())
    assert len((tmp_path / "demo-logins.txt").read_text(encoding="utf-8").splitlines()) == 5
    assert "5 created" in out.getvalue()


@pytest.mark.django_db
def test_a_signed_in_user_changes_their_password(client, analyst):
    client.force_login(analyst)
    assert "Смяна на паролата" in client.get(reverse("password_change")).content.decode()
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "secret-pass-123",
            "new_password1": "Morska-Gradina-2026",
            "new_password2": "Morska-Gradina-2026",
        },
        follow=True,
    )
    assert "Паролата е сменена" in response.content.decode()
    analyst.refresh_from_db()
    assert analyst.check_password("Morska-Gradina-2026")


@pytest.mark.django_db
def test_changing_a_password_needs_a_sign_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
