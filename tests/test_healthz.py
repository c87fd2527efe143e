"""/healthz reports the database and the broker: 200 when both answer, 503 otherwise."""

from __future__ import annotations

import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_it_is_200_when_postgresql_and_redis_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "detail": "postgresql"}
    assert body["broker"] == {"ok": True, "detail": "redis"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_it_is_503_when_the_broker_does_not_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"]["ok"] is False
    assert "ConnectionError" in body["broker"]["detail"]
    assert body["database"]["ok"] is True


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL="memory://")
def test_in_process_tasks_count_as_a_working_broker(client):
    body = client.get("/healthz").json()
    assert body["broker"] == {"ok": True, "detail": "in-process (no REDIS_URL)"}


@pytest.mark.django_db
def test_it_is_503_when_the_database_does_not_answer(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False
