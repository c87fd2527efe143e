"""Issuing editions: the quarterly snapshot and its corrections, each visible in one transaction.

The edition of a quarter (`2026-q3`) shows the figures on the day before the quarter began, when the
previous quarter is complete. A correction re-snapshots the same day as a new version (`2026-q3-v2`)
with a note saying what changed; the earlier version stays as it was, at its own address.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy

from . import schema
from .choices import Level
from .figures import build
from .files import render_all
from .models import Edition, EditionFigure, EditionFile

LOCK_NAMESPACE = 1515  # pg advisory locks of this app (issue 15)


@dataclass(frozen=True)
class Quarter:
    year: int
    quarter: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """ "2026-q3" → Quarter(2026, 3); a clear error otherwise."""
        try:
            year, quarter = text.lower().split("-q")
            result = cls(int(year), int(quarter))
        except ValueError:
            raise ValidationError(_("A quarter is written like 2026-q3.")) from None
        if not 1 <= result.quarter <= 4 or result.year < 2016:
            raise ValidationError(_("A quarter is written like 2026-q3 (quarters 1 to 4, from 2016)."))
        return result

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * (self.quarter - 1) + 1, 1)

    @property
    def as_of(self) -> date:
        """The figures of a quarter's edition: the last day of the quarter before it."""
        return self.first_day - timedelta(days=1)

    def slug(self, version: int) -> str:
        base = f"{self.year}-q{self.quarter}"
        return base if version == 1 else f"{base}-v{version}"

    def __str__(self) -> str:
        return f"{self.year}-q{self.quarter}"


def issue_edition(quarter: Quarter | None = None, note: str = "", user=None, today: date | None = None) -> Edition:
    """Issue the edition of `quarter` (the current one by default), or its next version.

    1. refuse a quarter that has not begun, and a correction without a note;
    2. build the figures of the day before the quarter, with the changes since the previous edition;
    3. in one transaction, store the edition, its payloads and its three files, then make it visible.
    """
    if user is not None and not policy.can_manage_open_data(user):  # the beat job has no user
        raise PermissionDenied(_("Only ministry staff issue editions."))
    today = today or timezone.localdate()
    quarter = quarter or Quarter.of(today)
    if quarter.first_day > today:
        raise ValidationError(_("The quarter %(quarter)s has not begun yet.") % {"quarter": quarter})
    with transaction.atomic():
        _lock(quarter)
        version = 1 + (
            Edition.objects.filter(year=quarter.year, quarter=quarter.quarter).aggregate(v=Max("version"))["v"] or 0
        )
        note = (note or "").strip()
        if version > 1 and not note:
            raise ValidationError({"note": _("A correction needs a note saying what changed.")})
        previous = _previous(quarter)
        edition = Edition.objects.create(
            slug=quarter.slug(version),
            year=quarter.year,
            quarter=quarter.quarter,
            version=version,
            as_of=quarter.as_of,
            note=note,
            issued_at=timezone.now(),
            issued_by=user,
            previous=previous,
        )
        _store(edition, previous)
        Edition.objects.filter(pk=edition.pk).update(is_visible=True)
        edition.is_visible = True
    return edition


def _lock(quarter: Quarter) -> None:
    """One issuer at a time per quarter: the version number is read and used under this lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, quarter.year * 10 + quarter.quarter])


def _previous(quarter: Quarter) -> Edition | None:
    """The latest version of the latest earlier quarter: what "changed since" compares with."""
    earlier = Edition.objects.visible().filter(year__lt=quarter.year) | Edition.objects.visible().filter(
        year=quarter.year, quarter__lt=quarter.quarter
    )
    return earlier.latest_first().first()


def _store(edition: Edition, previous: Edition | None) -> None:
    before = None
    if previous is not None:
        before = list(previous.figures.filter(level=Level.MUNICIPALITY).values_list("payload", flat=True))
    built = build(edition.as_of, before, previous.slug if previous else None)
    national = schema.as_payload(built.national)
    provinces = [schema.as_payload(p) for p in built.provinces]
    municipalities = [schema.as_payload(m) for m in built.municipalities]
    rows = [EditionFigure(edition=edition, level=Level.NATIONAL, code="", payload=national)]
    rows += [EditionFigure(edition=edition, level=Level.PROVINCE, code=p["code"], payload=p) for p in provinces]
    rows += [
        EditionFigure(edition=edition, level=Level.MUNICIPALITY, code=m["code"], payload=m) for m in municipalities
    ]
    EditionFigure.objects.bulk_create(rows)
    files = render_all(summary(edition), national, provinces, municipalities)
    EditionFile.objects.bulk_create(
        EditionFile(
            edition=edition,
            format=fmt,
            content=content,
            byte_size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        for fmt, content in files.items()
    )


def summary(edition: Edition) -> dict:
    return schema.as_payload(
        schema.EditionSummary(
            slug=edition.slug,
            year=edition.year,
            quarter=edition.quarter,
            version=edition.version,
            as_of=edition.as_of.isoformat(),
            issued_at=edition.issued_at.isoformat(timespec="seconds"),
            note=edition.note,
            previous_edition=edition.previous.slug if edition.previous else None,
        )
    )


def issue_quarterly(today: date | None = None) -> Edition | None:
    """The beat job's work: the current quarter's first edition, unless it exists already."""
    quarter = Quarter.of(today or timezone.localdate())
    if Edition.objects.filter(year=quarter.year, quarter=quarter.quarter).exists():
        return None
    return issue_edition(quarter, today=today)
