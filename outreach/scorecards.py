"""Monthly scorecards: what each municipality (and province) receives, and sending them exactly once.

Every (subscription, period) gets one `Delivery` row (a named unique constraint). A sender claims a
row with a conditional UPDATE (pending or failed, or a "sending" claim older than CLAIM_TIMEOUT left
by a worker that died) and goes on only if it changed one row, so concurrent or repeated runs, and a
worker restart, never send twice what was recorded as sent. A refused address is a recorded bounce
that pauses the subscription.
"""

from __future__ import annotations

import csv
import io
import smtplib
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts import policy
from adoption.models import Stage
from scoring.index import IndexRow, IndexTable, index_series
from scoring.peers import Peers, peer_table
from scoring.targets import TargetProgress, targets_progress

from .choices import ContactRole, DeliveryStatus
from .models import Delivery, Subscription

CLAIM_TIMEOUT = timedelta(minutes=15)
UNSUBSCRIBE_SALT = "outreach.unsubscribe"


def parse_period(text: str) -> date:
    """'2026-11' -> 1 November 2026; ValueError with a clear message otherwise."""
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError) as error:
        raise ValueError(f"The period must look like 2026-11, not {text!r}.") from error


def period_end(period: date) -> date:
    return (period.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def previous_period(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps(subscription.pk, salt=UNSUBSCRIBE_SALT)


def subscription_from_token(token: str) -> Subscription | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Subscription.objects.filter(pk=pk).first()


@dataclass
class Figures:
    """What every scorecard of one period is built from, computed once per run."""

    period: date
    now: IndexTable
    before: IndexTable
    peers: dict[str, Peers]
    targets: list[TargetProgress]


def period_figures(period: date) -> Figures:
    end = period_end(period)
    tables = index_series([end, period - timedelta(days=1)])
    now = tables[end]
    return Figures(period, now, tables[period - timedelta(days=1)], peer_table(now), targets_progress(end))


@dataclass
class Scorecard:
    subject: str
    text: str
    html: str
    csv_name: str
    csv_bytes: bytes


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def next_steps(row: IndexRow) -> list[tuple[str, Stage]]:
    """For each service not yet adopted, the next stage to reach (the municipality's to-do list)."""
    steps = []
    for score in row.services.values():
        stage = score.stage
        if stage is None or stage.counts_as_adopted:
            if stage is not None and score.observed is False:
                steps.append(("use", stage))
            continue
        later = [s for s in stage.service.stages.all() if s.order > stage.order]
        if later:
            steps.append(("stage", later[0]))
    return steps


def municipality_scorecard(figures: Figures, subscription: Subscription) -> Scorecard:
    municipality = subscription.municipality
    if municipality is None:
        raise ValueError("A municipality's scorecard is for a subscription to a municipality.")
    row = figures.now.row(municipality.code)
    before = figures.before.row(municipality.code)
    if row is None or before is None:  # every municipality has a row on both days
        raise ValueError(f"{municipality.code} has no index row.")
    context = {
        "period": figures.period,
        "row": row,
        "change": row.index - before.index,
        "method_version": figures.now.method_version,
        "peers": figures.peers[municipality.code],
        "services": [(s, row.services[s.code]) for s in figures.now.services],
        "missed": [p for p in figures.targets if p.misses(row.id)],
        "steps": next_steps(row),
        "page_url": settings.SITE_URL + municipality.get_absolute_url(),
        "unsubscribe_url": settings.SITE_URL + reverse("outreach:unsubscribe", args=[unsubscribe_token(subscription)]),
        "subscription": subscription,
    }
    rows = [["index", "", str(row.index), str(before.index), figures.now.method_version]]
    rows += [
        [
            s.code,
            score.stage.name_bg if score.stage else "",
            str(score.score),
            "" if score.observed is None else int(score.observed),
            "",
        ]
        for s, score in context["services"]
    ]
    return _render("municipality", context, f"scorecard-{municipality.code}-{figures.period:%Y-%m}.csv",
                   _csv(["measure", "stage", "score", "previous_or_observed", "method_version"], rows))  # fmt: skip


def province_scorecard(figures: Figures, subscription: Subscription) -> Scorecard:
    province = subscription.province
    if province is None:
        raise ValueError("A province's scorecard is for a subscription to a province.")
    now = next(p for p in figures.now.provinces if p.code == province.code)
    before = next(p for p in figures.before.provinces if p.code == province.code)
    rows = [r for r in figures.now.rows if r.province_code == province.code]
    context = {
        "period": figures.period,
        "province": now,
        "change": now.index - before.index,
        "method_version": figures.now.method_version,
        "rows": sorted(rows, key=lambda r: r.index),
        "unsubscribe_url": settings.SITE_URL + reverse("outreach:unsubscribe", args=[unsubscribe_token(subscription)]),
        "subscription": subscription,
    }
    data = [[r.code, r.name_bg, str(r.index), r.band, figures.now.method_version] for r in context["rows"]]
    return _render("province", context, f"scorecard-{province.code}-{figures.period:%Y-%m}.csv",
                   _csv(["code", "municipality", "index", "band", "method_version"], data))  # fmt: skip


def _render(kind: str, context: dict, csv_name: str, csv_bytes: bytes) -> Scorecard:
    with translation.override("bg"):
        subject = render_to_string(f"outreach/email/scorecard_{kind}_subject.txt", context).strip()
        text = render_to_string(f"outreach/email/scorecard_{kind}.txt", context)
        html = render_to_string(f"outreach/email/scorecard_{kind}.html", context)
    return Scorecard(subject, text, html, csv_name, csv_bytes)


def scorecard_for(figures: Figures, subscription: Subscription) -> Scorecard:
    if subscription.municipality_id:
        return municipality_scorecard(figures, subscription)
    return province_scorecard(figures, subscription)


def ensure_officer_subscriptions() -> int:
    """Every active officer with an address receives their municipality's scorecard (once subscribed,
    pausing is theirs or the ministry's to decide, so existing rows are left alone)."""
    officers = policy.officers(get_user_model().objects.all()).exclude(email="")
    existing = set(Subscription.objects.filter(user__isnull=False).values_list("user_id", flat=True))
    created = [
        Subscription(
            municipality_id=o.municipality_id, email=o.email, name=o.get_full_name(), role=ContactRole.OFFICER, user=o
        )
        for o in officers
        if o.pk not in existing
    ]
    Subscription.objects.bulk_create(created, ignore_conflicts=True)
    return len(created)


@dataclass
class SendResult:
    period: date
    planned: int = 0
    sent: int = 0
    skipped: int = 0
    bounced: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def claim(delivery: Delivery, now) -> bool:
    """Take the delivery for this run, or learn that it is sent or another worker holds it."""
    claimable = Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]) | Q(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    return bool(
        Delivery.objects.filter(claimable, pk=delivery.pk).update(status=DeliveryStatus.SENDING, claimed_at=now)
    )


def record_bounce(email: str, reason: str, delivery: Delivery | None = None) -> int:
    """A refused or bounced address: pause its subscriptions (and mark the delivery); how many paused."""
    reason = (reason or "bounced")[:300]
    if delivery is not None:
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.BOUNCED, error=reason)
    else:
        latest = Delivery.objects.filter(email__iexact=email, status=DeliveryStatus.SENT).order_by("-period").first()
        if latest is not None:
            Delivery.objects.filter(pk=latest.pk).update(status=DeliveryStatus.BOUNCED, error=reason)
    return Subscription.objects.filter(email__iexact=email, paused=False).update(paused=True, paused_reason=reason)


def send_one(figures: Figures, subscription: Subscription, result: SendResult) -> None:
    delivery, _created = Delivery.objects.get_or_create(
        subscription=subscription, period=figures.period, defaults={"email": subscription.email}
    )
    if not claim(delivery, timezone.now()):
        result.skipped += 1
        return
    card = scorecard_for(figures, subscription)
    message = EmailMultiAlternatives(card.subject, card.text, None, [subscription.email])
    message.attach_alternative(card.html, "text/html")
    message.attach(card.csv_name, card.csv_bytes, "text/csv")
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        record_bounce(subscription.email, f"SMTP: {error.recipients}", delivery)
        result.bounced += 1
        return
    except (smtplib.SMTPException, OSError) as error:
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, error=str(error)[:1000])
        result.failed += 1
        result.errors.append(f"{subscription.email}: {error}")
        return
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, sent_at=timezone.now(), error="")
    result.sent += 1


def subscriptions_to_send():
    return Subscription.objects.active().select_related("municipality", "province").order_by("id")


def send_scorecards(period: date, dry_run: bool = False) -> SendResult:
    """1. subscribe officers; 2. compute the period's figures once; 3. send each active subscription's
    scorecard unless its delivery is recorded (dry run: render every scorecard, send and record nothing)."""
    if not dry_run:
        ensure_officer_subscriptions()
    figures = period_figures(period)
    result = SendResult(period)
    for subscription in subscriptions_to_send():
        result.planned += 1
        if dry_run:
            scorecard_for(figures, subscription)
            continue
        send_one(figures, subscription, result)
    return result


def preview(subscription: Subscription, period: date) -> Scorecard:
    return scorecard_for(period_figures(period), subscription)
