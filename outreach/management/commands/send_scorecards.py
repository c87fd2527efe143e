"""`send_scorecards --period 2026-11 [--dry-run]`: the monthly task's service, by hand."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from outreach.scorecards import parse_period, send_scorecards


class Command(BaseCommand):
    help = "Send (or with --dry-run, only render) the scorecards of a month; each recipient gets it once."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="The month the scorecards cover, e.g. 2026-11.")
        parser.add_argument("--dry-run", action="store_true", help="Render every scorecard; send and record nothing.")

    def handle(self, *args, period: str, dry_run: bool, **options):
        try:
            month = parse_period(period)
        except ValueError as error:
            raise CommandError(str(error)) from error
        result = send_scorecards(month, dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(f"Dry run for {month:%Y-%m}: {result.planned} scorecards rendered, none sent.")
            )
            return
        self.stdout.write(
            f"{month:%Y-%m}: {result.sent} sent, {result.skipped} already sent or in progress, "
            f"{result.bounced} bounced (subscription paused), {result.failed} failed."
        )
        for message in result.errors:
            self.stderr.write(message)
        if result.failed:
            raise CommandError(f"{result.failed} scorecards failed: run the command again to retry them.")
        self.stdout.write(self.style.SUCCESS("Done."))
