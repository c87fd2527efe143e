"""Quarterly editions: what they hold (verified declarations only), versions, immutability, changes."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from opendata import reading
from opendata.choices import Level
from opendata.editions import Quarter, issue_edition, issue_quarterly
from opendata.models import Edition, EditionFigure, EditionFile
from opendata.tasks import issue_quarterly_edition
from tests.opendata.conftest import TODAY

pytestmark = pytest.mark.django_db


def cell(edition, code: str, service: str) -> dict:
    payload = reading.payload(edition, Level.MUNICIPALITY, code)
    return next(c for c in payload["services"] if c["service"] == service)


def test_an_edition_shows_verified_declarations_only(editions):
    first, second = editions
    assert cell(second, "VAR06", "regix") | {"usage": None} == {
        "service": "regix",
        "stage": "production",
        "adopted": True,
        "since": "2018-03-01",
        "observed": True,
        "usage": None,
    }
    # VAR01's later "suspended" is unverified: the public still sees the verified production stage.
    assert cell(second, "VAR01", "regix")["stage"] == "production"
    assert cell(second, "VAR01", "regix")["since"] == "2018-01-10"
    # SOF46's SEOS declaration was rejected: the public sees the first stage, never declared.
    assert cell(second, "SOF46", "seos") == {
        "service": "seos",
        "stage": "not_applied",
        "adopted": False,
        "since": None,
        "observed": False,
        "usage": 0,
    }
    national = reading.national(second)
    regix = next(s for s in national["services"] if s["code"] == "regix")
    assert regix["declared"] == 2
    assert regix["observed"] == 1


def test_the_quarter_edition_shows_the_day_before_the_quarter_and_its_address_is_permanent(editions):
    first, second = editions
    assert (first.slug, first.as_of) == ("2019-q1", date(2018, 12, 31))
    assert (second.slug, second.as_of) == ("2019-q3", date(2019, 6, 30))
    assert second.get_absolute_url() == "/open/editions/2019-q3/"
    assert second.previous == first
    assert set(EditionFile.objects.filter(edition=second).values_list("format", flat=True)) == {"csv", "json", "xlsx"}
    assert EditionFigure.objects.filter(edition=second, level=Level.MUNICIPALITY).count() == 265
    assert EditionFigure.objects.filter(edition=second, level=Level.PROVINCE).count() == 28


def test_a_correction_is_a_new_version_with_a_note_and_the_old_one_stays(editions, ministry_user):
    first, second = editions
    with pytest.raises(ValidationError, match="note"):
        issue_edition(Quarter(2019, 3), user=ministry_user, today=TODAY)
    corrected = issue_edition(Quarter(2019, 3), note="VAR06 re-verified", user=ministry_user, today=TODAY)
    assert corrected.slug == "2019-q3-v2"
    assert corrected.version == 2
    assert corrected.previous == first  # changes are against the previous quarter, not v1
    assert Edition.objects.get(slug="2019-q3").is_visible
    reading.forget_latest()
    assert reading.latest_edition() == corrected


def test_figures_and_files_never_change_and_editions_are_never_deleted(editions):
    _, second = editions
    figure = EditionFigure.objects.filter(edition=second).first()
    figure.payload = {"tampered": True}
    with pytest.raises(PermissionDenied):
        figure.save()
    with pytest.raises(PermissionDenied):
        second.delete()


def test_what_changed_lists_stage_moves_and_use_entered(declarations):
    first = issue_edition(Quarter(2018, 1), today=TODAY)  # figures on 31.12.2017: nothing adopted yet
    second = issue_edition(Quarter(2019, 1), today=TODAY)
    changes = reading.national(second)["changes"]
    assert {(c["municipality"], c["service"], c["kind"], c["to_stage"]) for c in changes} == {
        ("VAR06", "regix", "stage", "production"),
        ("VAR01", "regix", "stage", "production"),
        ("VAR06", "regix", "entered_use", None),
    }
    assert reading.national(first)["changes"] == []


def test_an_edition_is_visible_only_once_everything_is_stored(declarations):
    with mock.patch("opendata.editions.render_all", side_effect=RuntimeError("disk full")), pytest.raises(RuntimeError):
        issue_edition(Quarter(2019, 1), today=TODAY)
    assert not Edition.objects.exists()
    assert not EditionFigure.objects.exists()


def test_a_quarter_that_has_not_begun_is_refused_in_words(declarations):
    with pytest.raises(ValidationError, match="още не е започнало"):
        issue_edition(Quarter(2019, 4), today=TODAY)
    with pytest.raises(ValidationError, match="2026-q3"):
        Quarter.parse("2026-Q5")


def test_the_beat_job_issues_the_quarter_once(declarations):
    assert issue_quarterly(today=date(2019, 7, 1)).slug == "2019-q3"
    assert issue_quarterly(today=date(2019, 7, 1)) is None
    assert Edition.objects.count() == 1


def test_the_beat_task_runs_the_service(declarations, settings):
    settings.DATA_EGOV_API_KEY = ""  # no publication target configured: nothing is sent
    with mock.patch("opendata.editions.timezone.localdate", return_value=date(2019, 7, 1)):
        assert issue_quarterly_edition() == "2019-q3"
    assert Edition.objects.visible().count() == 1


def test_officers_and_the_public_cannot_issue_editions(client, officer_varna, declarations):
    with pytest.raises(PermissionDenied):
        issue_edition(Quarter(2019, 1), user=officer_varna, today=TODAY)
    client.force_login(officer_varna)
    assert client.get(reverse("opendata:manage")).status_code == 403
    assert client.post(reverse("opendata:issue"), {"quarter": "2019-q1"}).status_code == 403
    client.logout()
    assert client.get(reverse("opendata:manage")).status_code == 302


def test_ministry_staff_issue_on_demand_from_their_page(client, ministry_user, declarations, settings):
    settings.DATA_EGOV_API_KEY = ""
    client.force_login(ministry_user)
    response = client.post(reverse("opendata:issue"), {"quarter": "2019-q1"}, follow=True)
    assert response.status_code == 200
    assert Edition.objects.get().slug == "2019-q1"
    assert "2019-q1" in response.content.decode()
    refused = client.post(reverse("opendata:issue"), {"quarter": "2019-q1"}, follow=True)
    assert "note" in refused.content.decode() or "бележка" in refused.content.decode()
    assert Edition.objects.count() == 1
