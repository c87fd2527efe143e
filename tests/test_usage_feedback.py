"""Uploads with feedback: outcomes worded for a person, the JSON status the batch page polls, the
operators' own page, and the browsable API's upload form with its file field."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.choices import Role
from tests.usage_support import PERSON, import_text, usage_storage  # noqa: F401
from usage.models import ImportBatch
from usage.outcome import outcome, plain_reason

pytestmark = pytest.mark.django_db

GOOD = f"date,municipality,operation,requests\n2024-03-04,VAR06,{PERSON},3\n"
THREE_OF_FOUR_BAD = (
    f"date,municipality,operation,requests\n2024-03-04,VAR06,{PERSON},3\n"
    f"2024-03-04,XXX99,{PERSON},1\n2024-13-04,VAR06,{PERSON},1\n2024-03-04,VAR06,{PERSON},-1\n"
)


@pytest.fixture
def operator(django_user_model):
    return django_user_model.objects.create_user(username="regix-operator", password="x-pass-123", role=Role.OPERATOR)


@pytest.fixture
def other_operator(django_user_model):
    return django_user_model.objects.create_user(username="seos-operator", password="x-pass-123", role=Role.OPERATOR)


def test_a_batch_with_rejected_rows_is_a_warning_not_a_success(tmp_path):
    batch = import_text(tmp_path, THREE_OF_FOUR_BAD)
    result = outcome(batch)
    assert (batch.rows_read, batch.rows_rejected) == (4, 3)
    assert result.level == "warning"
    assert result.label == "Внесен с 3 отхвърлени реда"


def test_a_refused_file_says_why_in_plain_words_with_the_detail_folded(client, ministry_user, tmp_path):
    batch = import_text(tmp_path, "a\x00b\n", name="binary.csv")
    client.force_login(ministry_user)
    page = client.get(batch.get_absolute_url()).content.decode()
    result = outcome(batch)
    assert result.level == "failed"
    assert result.reason == plain_reason(batch.error)
    assert result.reason
    assert 'class="outcome failed"' in page
    assert "<details><summary>" in page
    assert batch.error in page
    assert 'class="outcome succeeded"' not in page
    assert "message success" not in page


def test_plain_reason_keeps_the_cause_before_the_technical_tail():
    assert plain_reason("The file is not text: it contains NUL bytes.") == "The file is not text"
    assert plain_reason("") != ""


def test_the_status_endpoint_answers_what_the_page_polls(client, ministry_user, tmp_path):
    batch = import_text(tmp_path, THREE_OF_FOUR_BAD)
    client.force_login(ministry_user)
    response = client.get(reverse("usage:batch-status", args=[batch.pk]))
    data = json.loads(response.content)
    assert response["Cache-Control"] == "no-store"
    assert data["finished"] is True
    assert (data["level"], data["rows_read"], data["rows_rejected"]) == ("warning", 4, 3)


def test_a_waiting_batch_is_followed_by_the_page(client, ministry_user, tmp_path):
    from usage import services

    batch = services.receive_file(
        SimpleUploadedFile("x.csv", GOOD.encode()), file_name="x.csv", door="upload", queue=False
    )
    client.force_login(ministry_user)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert f'data-poll="{reverse("usage:batch-status", args=[batch.pk])}"' in page
    assert json.loads(client.get(reverse("usage:batch-status", args=[batch.pk])).content)["finished"] is False


def test_an_operator_uploads_from_their_page_and_sees_only_their_own_files(client, operator, other_operator, tmp_path):
    import_text(tmp_path, GOOD, name="someone-elses.csv", user=other_operator)
    client.force_login(operator)
    response = client.post(
        reverse("usage:upload"), {"file": SimpleUploadedFile("mine.csv", GOOD.encode())}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 201
    mine = ImportBatch.objects.get(file_name="mine.csv")
    assert json.loads(response.content)["url"] == mine.get_absolute_url()
    assert mine.uploaded_by == operator
    page = client.get(reverse("usage:mine"))
    assert [row.record.file_name for row in page.context["table"].rows] == ["mine.csv"]
    assert "someone-elses.csv" not in page.content.decode()
    assert client.get(mine.get_absolute_url()).status_code == 200
    other = ImportBatch.objects.get(file_name="someone-elses.csv")
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("usage:batch-status", args=[other.pk])).status_code == 404


def test_an_invalid_upload_answers_the_script_with_the_reason(client, operator):
    client.force_login(operator)
    response = client.post(
        reverse("usage:upload"), {"file": SimpleUploadedFile("empty.csv", b"")}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert json.loads(response.content)["errors"]
    assert not ImportBatch.objects.exists()


def test_the_browsable_api_offers_the_file_field(client, operator):
    client.force_login(operator)
    page = client.get("/api/usage-files/", HTTP_ACCEPT="text/html").content.decode()
    assert 'type="file"' in page
    assert 'name="file"' in page
