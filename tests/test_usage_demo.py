"""Demo usage files: realistic, deterministic, consistent with the published adoption figures."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random

import pytest
from django.core.management import call_command

from demo import usage as demo
from tests.usage_support import usage_storage  # noqa: F401
from usage.choices import Status
from usage.models import ImportBatch, ObservedAdoption

pytestmark = pytest.mark.django_db


def test_adoption_follows_the_published_timeline():
    adopters = demo.plan_adopters(random.Random(2018), max_ops=2)

    def adopted(attribute: str, day: dt.date) -> int:
        return sum(1 for a in adopters if getattr(a, attribute) is not None and getattr(a, attribute) <= day)

    assert adopted("regix_from", dt.date(2018, 8, 31)) == 49
    assert adopted("seos_from", dt.date(2017, 10, 9)) == 14
    assert adopted("seos_from", dt.date(2017, 12, 5)) == 80
    assert adopted("seos_from", dt.date(2018, 10, 2)) == 220
    assert adopted("regix_from", dt.date(2026, 1, 1)) >= 250
    assert adopted("seos_from", dt.date(2026, 1, 1)) >= 260
    pioneers = {a.name for a in adopters if a.seos_from and a.seos_from <= dt.date(2017, 10, 9)}
    assert pioneers == set(demo.SEOS_PIONEERS)
    holidays = demo.public_holidays(2018)
    assert all(
        demo.is_working_day(a.regix_from, holidays | demo.public_holidays(2019))
        for a in adopters
        if a.regix_from and a.regix_from.year == 2018
    )


def test_the_demo_usage_changes_within_the_month_and_the_year_and_some_stop():
    """Issue 12: observed adoption moves against 30 days and a year ago, and a few stop (discrepancies)."""
    from django.utils import timezone

    today = timezone.localdate()
    adopters = demo.plan_adopters(random.Random(2018), max_ops=2)
    started = [a for a in adopters if a.regix_from and a.regix_from > today - dt.timedelta(days=365)]
    started += [a for a in adopters if a.seos_from and a.seos_from > today - dt.timedelta(days=365)]
    assert len(started) >= 4
    assert any(a.regix_from and a.regix_from > today - dt.timedelta(days=45) for a in adopters)
    stopped = [a for a in adopters if a.regix_until is not None]
    assert len(stopped) == 5
    assert all(130 <= (today - a.regix_until).days <= 170 for a in stopped)
    rows = list(demo.regix_rows(stopped, today - dt.timedelta(days=100), True, random.Random(1), 1.0))
    assert rows == [], "a municipality that stopped sends no more rows"


def test_orthodox_easter_and_the_public_holidays():
    assert demo.orthodox_easter(2018) == dt.date(2018, 4, 8)
    assert demo.orthodox_easter(2024) == dt.date(2024, 5, 5)
    assert dt.date(2024, 3, 3) in demo.public_holidays(2024)
    assert dt.date(2024, 5, 3) in demo.public_holidays(2024)  # Good Friday


def digests(folder) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


def test_the_command_writes_the_same_files_every_time_and_they_import_as_the_contract_says(tmp_path):
    options = {"since": dt.date(2019, 2, 1), "until": dt.date(2019, 3, 31), "stdout": io.StringIO()}
    call_command("generate_demo_usage", out=tmp_path / "a", **options)
    call_command("generate_demo_usage", out=tmp_path / "b", **options)
    files = digests(tmp_path / "a")
    assert files == digests(tmp_path / "b")
    assert set(files) == {"regix-2019-02.csv", "regix-2019-03.csv", "seos-2019-02.csv", "seos-2019-03.csv"}
    cp1251 = (tmp_path / "a" / "regix-2019-03.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        cp1251.decode("utf-8")

    call_command("ingest_usage", *sorted(str(p) for p in (tmp_path / "a").iterdir()), "--wait", stdout=io.StringIO())
    batches = {batch.file_name: batch for batch in ImportBatch.objects.all()}
    assert {batch.status for batch in batches.values()} == {Status.SUCCEEDED}
    march = batches["regix-2019-03.csv"]
    assert march.rows_rejected == 2
    assert sorted(march.rejected_rows.values_list("reason", flat=True))[0].startswith("Непозната операция")
    plan = {a.code: a for a in demo.plan_adopters(random.Random(2018), demo.SCALES["small"]["max_ops"])}
    observed = list(ObservedAdoption.objects.filter(service="regix").select_related("municipality"))
    assert len(observed) > 49
    for adoption in observed:
        planned = plan[adoption.municipality.code].regix_from
        assert adoption.first_day >= planned, "no use before adoption"
        if planned >= options["since"]:
            assert adoption.first_day == planned, "the first day of use is the adoption day"

    out = io.StringIO()
    call_command("ingest_usage", *sorted(str(p) for p in (tmp_path / "a").iterdir()), "--skip-imported", stdout=out)
    assert out.getvalue().count("already imported, skipped") == 4
    assert ImportBatch.objects.count() == 4
