"""`record_bounce ADDRESS [--reason ...]`: a bounce notice from the mail server pauses the address."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from outreach.scorecards import record_bounce


class Command(BaseCommand):
    help = "Record that an address bounced: its scorecard subscriptions are paused."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--reason", default="bounced")

    def handle(self, *args, email: str, reason: str, **options):
        paused = record_bounce(email, reason)
        self.stdout.write(self.style.SUCCESS(f"{paused} subscription(s) of {email} paused."))
