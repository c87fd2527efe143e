"""The doors (upload page, API, inbox folder, command line), the pages and the API, per persona."""

from __future__ import annotations

import csv
import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.choices import Role
from tests.usage_support import PERSON, import_text, usage_storage, write  # noqa: F401
from usage import processing, services
from usage.choices import Door, Status
from usage.models import ImportBatch, RegixDailyUsage

pytestmark = pytest.mark.django_db

GOOD = f"date,municipality,operation,requests\n2024-03-04,VAR06,{PERSON},3\n2024-03-04,Бяла,{PERSON},1\n"


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.create_user(username="regix-operator", password="x-pass-123", role=Role.OPERATOR)


@pytest.fixture
def batch(tmp_path):
    return import_text(tmp_path, GOOD)


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


# -- upload page -----------------------------------------------------------------------------------


def test_ministry_staff_upload_a_file_that_is_kept_and_imported(
    client, ministry_user, django_capture_on_commit_callbacks
):
    client.force_login(ministry_user)
    upload = SimpleUploadedFile("march.csv", GOOD.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("usage:upload"), {"file": upload, "kind": ""})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == batch.get_absolute_url()
    assert (batch.door, batch.uploaded_by, batch.status, batch.rows_accepted) == (
        Door.UPLOAD,
        ministry_user,
        Status.SUCCEEDED,
        1,
    )
    assert RegixDailyUsage.objects.get().requests == 3
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Бяла" in page
    assert "имената не са уникални" in page


def test_the_upload_form_shows_its_errors_and_keeps_the_kind(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("usage:upload"), {"kind": "seos"})
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert 'value="seos" selected' in response.content.decode()
    empty = SimpleUploadedFile("empty.csv", b"", content_type="text/csv")
    response = client.post(reverse("usage:upload"), {"file": empty, "kind": "regix"})
    assert response.context["form"].errors["file"]
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("analyst", 403), ("officer_varna", 403), ("anonymous", 302)])
def test_only_ministry_administrators_and_operators_may_use_the_upload_page(as_persona, persona, status):
    client = as_persona(persona)
    assert client.get(reverse("usage:upload")).status_code == status
    upload = SimpleUploadedFile("x.csv", GOOD.encode())
    assert client.post(reverse("usage:upload"), {"file": upload}).status_code == status
    assert not ImportBatch.objects.exists()


def test_with_the_broker_down_an_upload_is_kept_pending_and_queued_later(
    client, ministry_user, monkeypatch, django_capture_on_commit_callbacks
):
    from usage import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr(tasks.ingest_batch, "apply_async", broker_down)
    client.force_login(ministry_user)
    response = client.post(reverse("usage:upload"), {"file": SimpleUploadedFile("m.csv", GOOD.encode())}, follow=True)
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.queued_at) == (Status.PENDING, None)
    assert batch.file.storage.exists(batch.file.name)
    assert "опашката със задачи не е достъпна" in response.content.decode()

    monkeypatch.undo()
    assert services.requeue_batches() == 1  # what the beat task does every minute
    batch.refresh_from_db()
    assert batch.status == Status.SUCCEEDED


# -- the API door ----------------------------------------------------------------------------------


def test_an_operator_uploads_with_a_token_and_sees_only_its_own_batches(operator, batch):
    client = token_client(operator)
    response = client.post(
        "/api/usage-files/", {"file": io.BytesIO(GOOD.encode()), "kind": "regix"}, format="multipart"
    )
    assert response.status_code == 201, response.content
    created = ImportBatch.objects.get(pk=response.json()["id"])
    assert (created.door, created.uploaded_by, created.status) == (Door.API, operator, Status.SUCCEEDED)
    assert response.json()["rows_rejected"] == 1
    listed = client.get("/api/usage-files/").json()["results"]
    assert [item["id"] for item in listed] == [created.pk]
    assert client.get(f"/api/usage-files/{batch.pk}/").status_code == 404
    assert client.post(f"/api/usage-files/{created.pk}/reprocess/").status_code == 403


def test_api_upload_errors_are_clear(operator):
    client = token_client(operator)
    response = client.post("/api/usage-files/", {"kind": "regix"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()
    response = client.post("/api/usage-files/", {"file": io.BytesIO(GOOD.encode()), "kind": "xml"}, format="multipart")
    assert "kind" in response.json()


@pytest.mark.parametrize(
    ("persona", "list_status", "detail_status", "upload_status"),
    [
        ("ministry_user", 200, 200, 201),
        ("analyst", 200, 200, 403),
        ("officer_varna", 403, 403, 403),
        ("anonymous", 403, 403, 403),
    ],
)
def test_api_permissions_per_persona(request, batch, persona, list_status, detail_status, upload_status):
    user = request.getfixturevalue(persona)
    client = token_client(user) if user else APIClient()
    assert client.get("/api/usage-files/").status_code == list_status
    assert client.get(f"/api/usage-files/{batch.pk}/").status_code == detail_status
    assert client.get(f"/api/usage-files/{batch.pk}/rejected-rows/").status_code == detail_status
    upload = client.post("/api/usage-files/", {"file": io.BytesIO(GOOD.encode())}, format="multipart")
    assert upload.status_code == upload_status
    assert client.post(f"/api/usage-files/{batch.pk}/reprocess/").status_code == 403


def test_the_api_lists_rejected_rows_and_administrators_reprocess(
    administrator, batch, django_capture_on_commit_callbacks
):
    client = token_client(administrator)
    rows = client.get(f"/api/usage-files/{batch.pk}/rejected-rows/").json()["results"]
    assert [(row["line"], row["raw"]) for row in rows] == [(3, f"2024-03-04,Бяла,{PERSON},1")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/usage-files/{batch.pk}/reprocess/")
    assert response.status_code == 202
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == (Status.SUCCEEDED, 2)


def test_the_schema_builds(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/usage-files/" in response.content


# -- pages -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "list_status", "detail_status"),
    [
        ("ministry_user", 200, 200),
        ("analyst", 200, 200),
        ("officer_varna", 403, 404),
        ("officer_other", 403, 404),
        ("operator", 403, 404),
        ("anonymous", 302, 302),
    ],
)
def test_batch_pages_per_persona(as_persona, batch, persona, list_status, detail_status):
    client = as_persona(persona)
    assert client.get(reverse("usage:batch-list")).status_code == list_status
    assert client.get(batch.get_absolute_url()).status_code == detail_status
    rejected = client.get(reverse("exports:source", args=["usage-rejected-rows"]), {"batch": batch.pk})
    assert rejected.status_code == detail_status
    assert client.post(reverse("usage:reprocess", args=[batch.pk])).status_code in {403, 404, 302}
    batch.refresh_from_db()
    assert batch.attempts == 1


def test_the_batches_page_lists_filters_and_exports(client, analyst, batch, tmp_path, django_assert_max_num_queries):
    import_text(tmp_path, "date,municipality,sent,received\n2024-03-04,VAR06,1,1\n", name="seos.csv")
    client.force_login(analyst)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("usage:batch-list"))
    assert response.context["table"].paginator.count == 2
    response = client.get(reverse("usage:batch-list"), {"kind": "seos"})
    assert [row.record.file_name for row in response.context["table"].page.object_list] == ["seos.csv"]
    export = client.get(reverse("usage:batch-list"), {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(export.getvalue().decode("utf-8"))))
    assert len(rows) == 3
    assert "SHA-256" in rows[0]


def test_the_rejected_rows_download_is_a_csv_of_line_raw_text_and_reason(client, analyst, batch):
    client.force_login(analyst)
    page = client.get(batch.get_absolute_url()).content.decode()
    url = reverse("exports:source", args=["usage-rejected-rows"]) + f"?batch={batch.pk}"
    assert url.replace("&", "&amp;") in page
    response = client.get(url)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["ред", "суров текст", "причина"]
    assert rows[1][:2] == ["3", f"2024-03-04,Бяла,{PERSON},1"]
    assert "Бяла" in rows[1][2]


def test_administrators_reprocess_from_the_batch_page(client, administrator, batch, django_capture_on_commit_callbacks):
    client.force_login(administrator)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert reverse("usage:reprocess", args=[batch.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("usage:reprocess", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.attempts, batch.status) == (2, Status.SUCCEEDED)


# -- inbox and command line ------------------------------------------------------------------------


def test_the_inbox_picks_up_files_archives_them_and_moves_unreadable_ones_to_failed(tmp_path, settings):
    inbox = services.inbox_dirs()["inbox"]
    write(inbox, "good.csv", GOOD)
    write(inbox, "bad.csv", "no,header,here\n1,2,3\n")
    write(inbox, "partial.csv.part", GOOD)
    fresh = write(inbox, "fresh.csv", GOOD)
    settings.USAGE_INBOX_SETTLE_SECONDS = 30
    old = time.time() - 60
    for name in ("good.csv", "bad.csv"):
        os.utime(inbox / name, (old, old))
    from usage.beat import scan_inbox

    batch_ids = scan_inbox.delay().get()
    for batch_id in batch_ids:
        processing.process(batch_id)
    batches = {b.file_name: b for b in ImportBatch.objects.filter(pk__in=batch_ids)}
    assert set(batches) == {"good.csv", "bad.csv"}
    assert batches["good.csv"].status == Status.SUCCEEDED
    assert batches["good.csv"].door == Door.INBOX
    assert batches["bad.csv"].status == Status.FAILED
    assert [p.name.split("-", 1)[1] for p in (inbox / "archive").iterdir()] == ["good.csv"]
    assert [p.name.split("-", 1)[1] for p in (inbox / "failed").iterdir()] == ["bad.csv"]
    assert fresh.exists()
    assert (inbox / "partial.csv.part").exists()
    assert scan_inbox.delay().get() == []


def test_the_command_imports_waits_and_prints_the_result(tmp_path, capsys):
    path = write(tmp_path, "march.csv", GOOD)
    call_command("ingest_usage", str(path), "--kind", "regix", "--wait")
    out = capsys.readouterr().out
    assert "succeeded: regix, 2 rows read, 1 accepted, 1 rejected" in out
    assert "line 3:" in out
    batch = ImportBatch.objects.get()
    assert batch.door == Door.CLI


def test_the_command_fails_clearly(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("ingest_usage", str(tmp_path / "missing.csv"))
    bad = write(tmp_path, "bad.csv", "x,y\n1,2\n")
    with pytest.raises(CommandError, match="1 of 1 file"):
        call_command("ingest_usage", str(bad), "--wait", stdout=io.StringIO())


@pytest.mark.parametrize("count", [1, 50])
def test_batch_lists_make_the_same_few_queries_for_1_or_50_batches(
    client, analyst, ministry_user, count, django_assert_max_num_queries
):
    ImportBatch.objects.bulk_create(
        ImportBatch(
            kind="seos",
            file=f"usage/2024/03/{n}.csv",
            file_name=f"{n}.csv",
            sha256=f"{n:064d}",
            size=10,
            door=Door.API,
            uploaded_by=ministry_user,
            status=Status.SUCCEEDED,
        )
        for n in range(count)
    )
    client.force_login(analyst)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("usage:batch-list"))
    assert response.context["table"].paginator.count == count
    api = token_client(analyst)
    with django_assert_max_num_queries(6):
        response = api.get("/api/usage-files/")
    assert response.json()["count"] == count
    assert response.json()["results"][0]["uploaded_by"] == "ministry"


def test_the_command_keeps_the_file_pending_when_the_queue_is_down(tmp_path, monkeypatch):
    from usage import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr(tasks.ingest_batch, "apply_async", broker_down)
    out = io.StringIO()
    call_command("ingest_usage", str(write(tmp_path, "march.csv", GOOD)), "--wait", stdout=out)
    assert "pending" in out.getvalue()
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.queued_at) == (Status.PENDING, None)


def test_the_scan_command_picks_up_the_inbox_now(tmp_path, django_capture_on_commit_callbacks):
    inbox = services.inbox_dirs()["inbox"]
    write(inbox, "april.csv", GOOD)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("scan_usage_inbox", stdout=out)
    assert "1 file(s) picked up" in out.getvalue()
    batch = ImportBatch.objects.get()
    assert (batch.file_name, batch.door, batch.status) == ("april.csv", Door.INBOX, Status.SUCCEEDED)
    assert not (inbox / "april.csv").exists()
