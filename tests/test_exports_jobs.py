"""Exports above EXPORT_ASYNC_THRESHOLD_ROWS: a job, a file written by the task, an e-mail, downloads."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse

from exports.models import ExportJob
from exports.services import find_or_create_job
from exports.tasks import run_export_job

LIST_URL = reverse("municipalities:list")


@pytest.fixture
def small_threshold(settings, tmp_path, django_db_blocker):
    """The choice is the planner's estimate (no count(*) first): give it statistics, and a low bar."""
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("ANALYZE municipalities_municipality, municipalities_province")
    settings.EXPORT_ASYNC_THRESHOLD_ROWS = 5
    settings.EXPORT_STORAGE_DIR = tmp_path / "exports"
    return settings


@pytest.fixture
def analyst_with_email(analyst):
    analyst.email = "analyst@example.org"
    analyst.save()
    return analyst


@pytest.fixture
def finished_job(client, small_threshold, analyst_with_email) -> ExportJob:
    client.force_login(analyst_with_email)
    client.get(LIST_URL, {"province": "VAR", "_export": "excel", "page": "2"})
    client.logout()
    return ExportJob.objects.get()


@pytest.mark.django_db
def test_a_big_export_becomes_a_job_that_writes_the_file_and_mails_a_link(
    client, small_threshold, analyst_with_email, settings
):
    client.force_login(analyst_with_email)
    response = client.get(LIST_URL, {"province": "VAR", "_export": "excel", "page": "2"})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:detail", kwargs={"pk": job.pk})
    assert (job.user, job.source, job.query_string, job.flavour) == (
        analyst_with_email,
        "municipalities:list",
        "province=VAR",
        "excel",
    )
    assert job.status == "done", job.error
    assert job.row_count == 12
    assert job.filename.startswith("общини-област-варна-")
    assert job.path.is_file()
    assert job.path.is_relative_to(settings.EXPORT_STORAGE_DIR)

    # the same bytes as the download the page would have streamed
    settings.EXPORT_ASYNC_THRESHOLD_ROWS = 1000
    direct = b"".join(client.get(LIST_URL, {"province": "VAR", "_export": "excel"}).streaming_content)
    assert job.path.read_bytes() == direct

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["analyst@example.org"]
    assert job.filename in message.subject
    assert f"http://testserver/exports/{job.pk}/download/" in message.body
    assert "12" in message.body


@pytest.mark.django_db
def test_the_job_page_states_the_row_count_and_links_the_file(client, finished_job):
    client.force_login(finished_job.user)
    response = client.get(reverse("exports:detail", kwargs={"pk": finished_job.pk}))
    text = response.content.decode()
    assert response.status_code == 200
    assert "<dd>12</dd>" in text
    assert f'href="/exports/{finished_job.pk}/download/"' in text
    listing = client.get(reverse("exports:list")).content.decode()
    assert finished_job.filename in listing
    assert f'href="/exports/{finished_job.pk}/download/"' in listing


@pytest.mark.django_db
def test_the_owner_downloads_the_file(client, finished_job):
    client.force_login(finished_job.user)
    response = client.get(reverse("exports:download", kwargs={"pk": finished_job.pk}))
    assert response.status_code == 200
    assert response["X-Row-Count"] == "12"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''%D0%BE%D0%B1")
    assert b"".join(response.streaming_content) == finished_job.path.read_bytes()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"), [("ministry_user", 200), ("officer_other", 404), ("officer_varna", 404)]
)
def test_only_the_owner_and_ministry_staff_may_download(as_persona, finished_job, persona, status):
    client = as_persona(persona)
    assert client.get(reverse("exports:download", kwargs={"pk": finished_job.pk})).status_code == status
    assert client.get(reverse("exports:detail", kwargs={"pk": finished_job.pk})).status_code == status
    assert finished_job.filename not in client.get(reverse("exports:list")).content.decode()


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client, finished_job):
    for url in (
        reverse("exports:download", kwargs={"pk": finished_job.pk}),
        reverse("exports:detail", kwargs={"pk": finished_job.pk}),
        reverse("exports:list"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.django_db
def test_anonymous_asking_for_a_big_export_is_sent_to_sign_in_first(client, small_threshold):
    response = client.get(LIST_URL, {"province": "VAR", "_export": "csv"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_a_background_xlsx_is_a_workbook(client, small_threshold, analyst_with_email):
    client.force_login(analyst_with_email)
    client.get(LIST_URL, {"province": "VAR", "_export": "xlsx"})
    job = ExportJob.objects.get()
    assert job.row_count == 12
    sheet = openpyxl.load_workbook(io.BytesIO(job.path.read_bytes())).active
    assert sheet.max_row == 13
    assert isinstance(sheet["H2"].value, int)


@pytest.mark.django_db
def test_asking_twice_while_a_job_waits_starts_no_second_job(client, small_threshold, analyst_with_email):
    waiting, _ = find_or_create_job(
        user=analyst_with_email,
        source="municipalities:list",
        arguments={},
        query_string="province=VAR",
        flavour="csv",
        filename="x.csv",
    )
    client.force_login(analyst_with_email)
    response = client.get(LIST_URL, {"province": "VAR", "_export": "csv"})
    assert response["Location"] == waiting.get_absolute_url()
    assert ExportJob.objects.count() == 1
    waiting.refresh_from_db()
    assert waiting.status == "pending"


@pytest.mark.django_db
def test_a_failing_job_records_the_error_and_tells_the_user(client, small_threshold, analyst_with_email, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("exports.services.write_file", broken)
    client.force_login(analyst_with_email)
    client.get(LIST_URL, {"province": "VAR", "_export": "csv"})
    job = ExportJob.objects.get()
    assert job.status == "failed"
    assert job.error == "disk full"
    assert job.finished_at is not None
    assert not job.is_ready
    assert client.get(reverse("exports:download", kwargs={"pk": job.pk})).status_code == 404
    assert "disk full" in mail.outbox[0].body
    assert "disk full" in client.get(job.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_job_already_taken_is_not_run_twice(finished_job):
    assert run_export_job(finished_job.pk, "http://testserver/") == "skipped"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_deactivated_owner_gets_no_file(small_threshold, analyst_with_email):
    job, _ = find_or_create_job(
        user=analyst_with_email,
        source="municipalities:list",
        arguments={},
        query_string="",
        flavour="csv",
        filename="x.csv",
    )
    analyst_with_email.is_active = False
    analyst_with_email.save()
    assert run_export_job(job.pk, "http://testserver/") == "failed"
    job.refresh_from_db()
    assert job.file_path == ""


@pytest.mark.django_db
def test_purge_exports_deletes_old_files_and_keeps_the_rows(client, finished_job, small_threshold):
    from datetime import timedelta

    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.utils import timezone

    client.force_login(finished_job.user)
    client.get(LIST_URL, {"province": "PDV", "_export": "csv"})  # a second, recent job (18 rows)
    recent = ExportJob.objects.exclude(pk=finished_job.pk).get()
    ExportJob.objects.filter(pk=finished_job.pk).update(finished_at=timezone.now() - timedelta(days=31))
    old_path = finished_job.path
    out = io.StringIO()
    call_command("purge_exports", stdout=out)
    assert "1 export file(s) deleted" in out.getvalue()
    finished_job.refresh_from_db()
    assert finished_job.status == "expired"
    assert finished_job.file_path == ""
    assert not old_path.exists()
    assert recent.path.exists()
    assert client.get(reverse("exports:download", kwargs={"pk": finished_job.pk})).status_code == 404
    assert client.get(reverse("exports:download", kwargs={"pk": recent.pk})).status_code == 200
    with pytest.raises(CommandError, match="--days must be 0 or more"):
        call_command("purge_exports", days=-1, stdout=out)


@pytest.mark.django_db
def test_my_exports_does_a_fixed_number_of_queries(client, analyst_with_email, django_assert_max_num_queries):
    for count in (1, 50):
        ExportJob.objects.all().delete()
        ExportJob.objects.bulk_create(
            ExportJob(user=analyst_with_email, source="municipalities:list", flavour="csv", filename=f"f{n}.csv")
            for n in range(count)
        )
        client.force_login(analyst_with_email)
        with django_assert_max_num_queries(5):
            response = client.get(reverse("exports:list"))
        assert len(response.context["table"].page.object_list) == count


@pytest.mark.django_db
def test_purge_exports_fails_jobs_whose_worker_is_gone(analyst_with_email, settings):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    stalled, _ = find_or_create_job(
        user=analyst_with_email, source="municipalities:list", arguments={}, query_string="a=1",
        flavour="csv", filename="a.csv",
    )  # fmt: skip
    waiting, _ = find_or_create_job(
        user=analyst_with_email, source="municipalities:list", arguments={}, query_string="b=1",
        flavour="csv", filename="b.csv",
    )  # fmt: skip
    long_ago = timezone.now() - timedelta(seconds=2 * settings.CELERY_TASK_TIME_LIMIT + 60)
    ExportJob.objects.filter(pk=stalled.pk).update(created_at=long_ago, status="running")
    out = io.StringIO()
    call_command("purge_exports", stdout=out)
    assert "1 stalled export(s) marked failed" in out.getvalue()
    stalled.refresh_from_db()
    waiting.refresh_from_db()
    assert stalled.status == "failed"
    assert "поискайте го отново" in stalled.error  # the portal's language: Bulgarian
    assert waiting.status == "pending"
