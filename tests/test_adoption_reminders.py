"""The weekly reminder about stale or rejected declarations (Django's locmem outbox)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.choices import Role
from adoption import services
from adoption.models import Adoption
from adoption.reminders import send_reminders
from adoption.tasks import send_stale_reminders
from tests.adoption_helpers import history


@pytest.fixture
def people(officer_varna, officer_other, ministry_user, analyst, django_user_model):
    for user, address in [
        (officer_varna, "varna@example.bg"),
        (officer_other, "avren@example.bg"),
        (ministry_user, "ministry@example.bg"),
        (analyst, "analyst@example.bg"),
    ]:
        user.email = address
        user.save()
    django_user_model.objects.create_user(
        "former", email="former@example.bg", role=Role.OFFICER, municipality=officer_varna.municipality, is_active=False
    )
    return officer_varna, officer_other, ministry_user


@pytest.mark.django_db
def test_officers_hear_about_their_stale_and_rejected_entries_in_bulgarian(people, settings):
    officer_varna, _officer_other, ministry_user = people
    settings.ADOPTION_STALE_AFTER_DAYS = 180
    settings.SITE_URL = "https://egov.example.bg"
    history("VAR06", "seos", [(timezone.localdate() - timedelta(days=200), "real")])  # stale
    rejected = history("VAR06", "regix", [(timezone.localdate() - timedelta(days=5), "access_requested")])
    services.verify(ministry_user, rejected, False, "Няма входящ номер")
    history("VAR06", "edelivery", [(timezone.localdate() - timedelta(days=5), "applied")])  # fresh: not mentioned
    history("VAR01", "seos", [(timezone.localdate() - timedelta(days=10), "applied")])  # fresh: Аврен gets nothing

    result = send_reminders()

    assert result.officer_emails == 1
    assert result.ministry_emails == 1
    assert result.municipalities == ["VAR06"]
    officer_mail, ministry_mail = mail.outbox
    assert officer_mail.to == ["varna@example.bg"]
    assert officer_mail.subject == "Община Варна: декларации за преглед"
    assert "СЕОС" in officer_mail.body
    assert "непотвърждавано повече от 180 дни" in officer_mail.body
    assert "отхвърлено от министерството: Няма входящ номер" in officer_mail.body
    assert "ССЕВ" not in officer_mail.body
    assert "https://egov.example.bg/municipalities/VAR06/" in officer_mail.body
    assert ministry_mail.to == ["ministry@example.bg"]
    assert ministry_mail.subject == "Декларирано внедряване: 1 остарели и 1 отхвърлени декларации"
    assert "Варна (VAR06)" in ministry_mail.body
    assert "Аврен" not in ministry_mail.body


@pytest.mark.django_db
def test_nothing_to_report_sends_nothing(people):
    history("VAR06", "seos", [(timezone.localdate() - timedelta(days=5), "real")])
    result = send_reminders()
    assert (result.officer_emails, result.ministry_emails) == (0, 0)
    assert mail.outbox == []


@pytest.mark.django_db
def test_confirming_stops_the_reminder(people, settings):
    officer_varna, *_ = people
    settings.ADOPTION_STALE_AFTER_DAYS = 180
    adoption = history("VAR06", "seos", [(date(2018, 1, 1), "real")])
    services.confirm(officer_varna, adoption, "Все още е вярно")
    assert send_reminders().officer_emails == 0


@pytest.mark.django_db
def test_the_task_and_the_command_send_the_same_reminders(people, settings):
    settings.ADOPTION_STALE_AFTER_DAYS = 180
    history("VAR06", "seos", [(date(2018, 1, 1), "real")])
    assert send_stale_reminders.delay().get() == {
        "officer_emails": 1,
        "ministry_emails": 1,
        "municipalities": ["VAR06"],
    }
    call_command("send_stale_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 4
    assert Adoption.objects.count() == 1


def test_the_reminder_runs_weekly_from_celery_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["adoption-stale-reminders"]
    assert entry["task"] == send_stale_reminders.name
    assert entry["schedule"].day_of_week == {1}
    assert settings.ADOPTION_STALE_AFTER_DAYS == 180
