"""Send the editions not yet on data.egov.bg whose next attempt is due (what the beat job does)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from opendata import dataegov
from opendata.models import Publication


class Command(BaseCommand):
    help = "Publish due editions to data.egov.bg (needs DATA_EGOV_API_KEY)."

    def handle(self, *args, **options):
        if dataegov.client_from_settings() is None:
            raise CommandError("DATA_EGOV_API_KEY is not set: nothing can be sent to data.egov.bg.")
        done = dataegov.publish_due()
        for publication in done:
            self.stdout.write(f"{publication.edition.slug}: published")
        failed = Publication.objects.filter(published_at__isnull=True).exclude(last_error="")
        for publication in failed:
            self.stdout.write(self.style.WARNING(f"{publication.edition.slug}: {publication.last_error}"))
        self.stdout.write(self.style.SUCCESS(f"{len(done)} edition(s) published."))
