"""Publication to data.egov.bg, against a local server with the API's documented shapes."""

from __future__ import annotations

import json
import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from opendata import dataegov
from opendata.dictionary import NAMES
from opendata.models import DataEgovDataset, Publication, PublicationAttempt
from tests.opendata.conftest import CANARIES
from tests.opendata.fake_dataegov import API_KEY, FakeDataEgov

pytestmark = pytest.mark.django_db
# One port per pytest-xdist worker inside this helper's range (16800-16899).
PORT = 16800 + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)


@pytest.fixture
def fake(settings):
    with FakeDataEgov(PORT) as server:
        settings.DATA_EGOV_API_URL = server.url
        settings.DATA_EGOV_API_KEY = API_KEY
        settings.DATA_EGOV_CATEGORY_ID = 3
        settings.DATA_EGOV_ORG_ID = 7
        yield server


def test_each_edition_is_sent_once_as_its_own_resource_and_the_dataset_is_published(fake, editions):
    published = dataegov.publish_due()
    assert [p.edition.slug for p in published] == ["2019-q3", "2019-q1"]
    methods = [method for method, _ in fake.requests]
    assert methods.count("addDataset") == 1  # the dataset is created once
    assert methods.count("addResourceMetadata") == 2
    assert methods.count("addResourceData") == 2
    (uri,) = fake.datasets
    assert fake.datasets[uri]["status"] == 2
    assert DataEgovDataset.objects.get().uri == uri
    for resource in fake.resources.values():
        assert resource["rows"][0] == NAMES
        assert len(resource["rows"]) == 1 + 265 * 6
        assert resource["meta"]["schema_description"]
    assert dataegov.publish_due() == []  # nothing due any more: a rerun sends nothing
    assert len(fake.requests) == len(methods)
    assert PublicationAttempt.objects.filter(status="succeeded").count() == len(methods)


def test_nothing_outside_the_allow_list_is_sent(fake, editions):
    dataegov.publish_due()
    sent = json.dumps([body for _, body in fake.requests], ensure_ascii=False)
    for canary in CANARIES:
        assert canary not in sent
    for method, body in fake.requests:
        if method in {"addResourceData", "updateResourceData"}:
            assert all(len(row) == len(NAMES) for row in body["data"])


def test_a_refusal_is_recorded_and_retried_with_back_off_resuming_where_it_stopped(fake, editions):
    first, second = editions
    fake.fail_next["addResourceData"] = 1
    dataegov.publish_due()
    failed = Publication.objects.get(edition=second)
    assert failed.published_at is None
    assert failed.resource_uri  # the metadata step succeeded and is kept
    assert "Temporary failure" in failed.last_error
    assert failed.next_attempt_at > timezone.now() + timedelta(minutes=10)
    call = PublicationAttempt.objects.filter(status="failed", method="addResourceData").get()
    assert call.http_status == 500
    # data.egov.bg refuses to publish the dataset while a resource has no data: recorded as such
    refused = PublicationAttempt.objects.get(status="failed", method="editDataset")
    assert "Resources without data" in refused.response
    assert dataegov.publish_due() == []  # not due yet: back-off
    Publication.objects.filter(pk=failed.pk).update(next_attempt_at=timezone.now())
    dataegov.publish_due()
    failed.refresh_from_db()
    assert failed.published_at is not None
    methods = [
        m for m, body in fake.requests if body.get("resource_uri") == failed.resource_uri or m == "addResourceMetadata"
    ]
    assert methods.count("addResourceMetadata") == 2  # one per edition, never repeated for the retried one
    assert "updateResourceData" in methods  # the retry replaces whatever the failed call left


def test_field_errors_and_a_wrong_key_are_recorded_in_words(fake, editions, settings):
    settings.DATA_EGOV_CATEGORY_ID = 0
    dataegov.publish_due()
    call = PublicationAttempt.objects.filter(method="addDataset").first()
    assert call.status == "failed"
    assert "category_id" in call.response
    settings.DATA_EGOV_CATEGORY_ID = 3
    settings.DATA_EGOV_API_KEY = "wrong"
    Publication.objects.update(next_attempt_at=timezone.now())
    dataegov.publish_due()
    assert PublicationAttempt.objects.filter(http_status=403, response__contains="Access denied").exists()


def test_the_attempts_are_visible_to_ministry_staff_only(fake, editions, client, ministry_user, officer_varna):
    fake.fail_next["addDataset"] = 1
    dataegov.publish_due()
    client.force_login(ministry_user)
    page = client.get(reverse("opendata:manage")).content.decode()
    assert "addDataset" in page
    assert "Temporary failure" in page
    client.force_login(officer_varna)
    assert client.get(reverse("opendata:manage")).status_code == 403


def test_without_an_api_key_nothing_is_sent(editions, settings):
    settings.DATA_EGOV_API_KEY = ""
    assert dataegov.publish_due() == []
    assert not Publication.objects.exists()
