"""Monthly scorecards: content (Bulgarian, HTML and text parts, CSV), exactly once per period and
recipient, dry runs, the unsubscribe link without sign-in, bounces, the first working day, the
ministry's subscription page and preview."""

from __future__ import annotations

import re
import smtplib
from datetime import date, timedelta
from html import unescape

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from municipalities.models import Province
from outreach import scorecards
from outreach.choices import ContactRole, DeliveryStatus
from outreach.models import Delivery, Subscription
from outreach.tasks import send_monthly_scorecards
from outreach.workdays import first_working_day, orthodox_easter

from .scoring_helpers import verified

pytestmark = pytest.mark.django_db

NOVEMBER = date(2026, 11, 1)


@pytest.fixture
def recipients(officer_varna):
    officer_varna.email = "officer@varna.bg"
    officer_varna.save()
    verified("VAR06", "seos", [(date(2018, 1, 1), "real")])
    mayor = Subscription.objects.create(
        municipality=officer_varna.municipality, email="mayor@varna.bg", role=ContactRole.MAYOR
    )
    governor = Subscription.objects.create(
        province=Province.objects.get(code="VAR"), email="governor@vn.government.bg", role=ContactRole.GOVERNOR
    )
    return mayor, governor


def test_each_recipient_gets_the_scorecard_once_with_html_text_and_csv(recipients):
    result = scorecards.send_scorecards(NOVEMBER)
    assert (result.sent, result.skipped) == (3, 0)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"officer@varna.bg", "mayor@varna.bg", "governor@vn.government.bg"}
    officer = by_address["officer@varna.bg"]
    assert "Варна" in officer.subject
    assert "11.2026" in officer.subject
    assert "27,3" in officer.body
    html, mimetype = officer.alternatives[0]
    assert mimetype == "text/html"
    assert "27,3" in html
    name, content, csv_type = officer.attachments[0]
    assert (name, csv_type) == ("scorecard-VAR06-2026-11.csv", "text/csv")
    text = content if isinstance(content, str) else content.decode("utf-8")
    assert "index,,27.3,27.3,1" in text.lstrip("\ufeff").splitlines()[1]
    assert "/outreach/unsubscribe/" in officer.body
    governor = by_address["governor@vn.government.bg"]
    assert "scorecard-VAR-2026-11.csv" == governor.attachments[0][0]
    # A second run (a restart, a second beat) sends nothing more.
    again = scorecards.send_scorecards(NOVEMBER)
    assert (again.sent, again.skipped) == (0, 3)
    assert len(mail.outbox) == 3
    assert Delivery.objects.filter(period=NOVEMBER, status=DeliveryStatus.SENT).count() == 3


def test_a_claim_left_by_a_dead_worker_is_retried_but_a_fresh_one_is_not(recipients):
    mayor, _governor = recipients
    stuck = Delivery.objects.create(
        subscription=mayor, period=NOVEMBER, email=mayor.email, status=DeliveryStatus.SENDING, claimed_at=timezone.now()
    )
    scorecards.send_scorecards(NOVEMBER)
    assert "mayor@varna.bg" not in {m.to[0] for m in mail.outbox}
    Delivery.objects.filter(pk=stuck.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    mail.outbox.clear()
    scorecards.send_scorecards(NOVEMBER)
    assert [m.to[0] for m in mail.outbox] == ["mayor@varna.bg"]


def test_a_dry_run_renders_everything_and_sends_and_records_nothing(recipients, capsys):
    call_command("send_scorecards", "--period", "2026-11", "--dry-run")
    assert "2 scorecards rendered" in capsys.readouterr().out  # the officer is subscribed by a real run
    assert mail.outbox == []
    assert not Delivery.objects.exists()
    call_command("send_scorecards", "--period", "2026-11")
    assert len(mail.outbox) == 3


def test_a_bad_period_is_a_clear_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="2026-11"):
        call_command("send_scorecards", "--period", "ноември")


def test_a_refused_address_is_a_recorded_bounce_that_pauses_the_subscription(recipients, monkeypatch):
    mayor, _governor = recipients
    real_send = mail.EmailMultiAlternatives.send

    def refuse(message, fail_silently=False):
        if message.to == ["mayor@varna.bg"]:
            raise smtplib.SMTPRecipientsRefused({"mayor@varna.bg": (550, b"No such user")})
        return real_send(message, fail_silently)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", refuse)
    result = scorecards.send_scorecards(NOVEMBER)
    assert (result.sent, result.bounced) == (2, 1)
    mayor.refresh_from_db()
    assert mayor.paused
    assert "mayor@varna.bg" in mayor.paused_reason
    assert Delivery.objects.get(subscription=mayor).status == DeliveryStatus.BOUNCED
    # Paused: the next period skips it altogether.
    assert scorecards.send_scorecards(date(2026, 12, 1)).planned == 2


def test_a_bounce_notice_recorded_later_pauses_the_address(recipients):
    scorecards.send_scorecards(NOVEMBER)
    call_command("record_bounce", "mayor@varna.bg", "--reason", "mailbox full")
    mayor = Subscription.objects.get(email="mayor@varna.bg")
    assert (mayor.paused, mayor.paused_reason) == (True, "mailbox full")
    assert Delivery.objects.get(subscription=mayor).status == DeliveryStatus.BOUNCED


def test_the_unsubscribe_link_works_without_signing_in_for_that_subscription_alone(client, recipients):
    mayor, governor = recipients
    url = reverse("outreach:unsubscribe", args=[scorecards.unsubscribe_token(mayor)])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 200
    mayor.refresh_from_db()
    governor.refresh_from_db()
    assert mayor.paused
    assert not governor.paused
    forged = reverse("outreach:unsubscribe", args=[scorecards.unsubscribe_token(mayor)[:-2] + "xx"])
    assert client.get(forged).status_code == 404


def test_the_task_sends_the_previous_month_on_the_first_working_day_only(recipients):
    assert first_working_day(2026, 12) == date(2026, 12, 1)
    assert first_working_day(2027, 1) == date(2027, 1, 4)  # 1 Jan holiday, then a weekend
    assert orthodox_easter(2026) == date(2026, 4, 12)
    assert send_monthly_scorecards("2026-12-02")["sent"] == 0
    assert mail.outbox == []
    assert send_monthly_scorecards("2026-12-01")["sent"] == 3
    assert Delivery.objects.filter(period=NOVEMBER).count() == 3
    assert send_monthly_scorecards("2026-12-01")["sent"] == 0


@pytest.mark.parametrize(("persona", "status"), [("officer_varna", 403), ("analyst", 403), ("anonymous", 302)])
def test_the_subscription_page_is_the_ministrys(as_persona, persona, status):
    assert as_persona(persona).get(reverse("outreach:subscriptions")).status_code == status


def test_ministry_staff_pause_resume_and_preview_any_scorecard(client, ministry_user, recipients):
    mayor, governor = recipients
    client.force_login(ministry_user)
    page = client.get(reverse("outreach:subscriptions"))
    assert page.status_code == 200
    toggle = reverse("outreach:subscription-toggle", args=[mayor.pk])
    client.post(toggle, {"action": "pause"})
    mayor.refresh_from_db()
    assert mayor.paused
    client.post(toggle, {"action": "resume"})
    mayor.refresh_from_db()
    assert not mayor.paused
    preview = client.get(reverse("outreach:scorecard-preview", args=[governor.pk]), {"period": "2026-11"})
    assert preview.status_code == 200
    assert preview.context["card"].csv_name == "scorecard-VAR-2026-11.csv"
    # The HTML part is shown whole in the frame (its quotes escaped in the attribute, not cutting it short).
    frame = re.search(r'<iframe[^>]* srcdoc="([^"]*)"', preview.content.decode())
    assert frame is not None
    assert unescape(frame.group(1)) == preview.context["card"].html
    assert mail.outbox == []
    assert client.get("/api/outreach/deliveries/").status_code == 200


def test_ministry_staff_subscribe_a_governor_and_a_subscription_names_one_area(client, ministry_user):
    client.force_login(ministry_user)
    url = reverse("outreach:subscriptions")
    varna = Province.objects.get(code="VAR")
    both = {
        "province": varna.pk,
        "municipality": varna.municipalities.first().pk,
        "email": "g@vn.bg",
        "role": "governor",
    }
    refused = client.post(url, both)
    assert refused.status_code == 400
    assert not Subscription.objects.exists()
    assert client.post(url, {"province": varna.pk, "email": "g@vn.bg", "role": "governor"}).status_code == 302
    assert Subscription.objects.get().province == varna
