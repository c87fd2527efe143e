"""Schemathesis over every operation of /api/schema/: no 5xx, and every response matches the schema.

The schema is loaded from the portal's own WSGI application (no network, no server), and every
request carries an analyst's token. Writes are generated too; an analyst may not make them, so
they must come back as clean 4xx. A few examples per operation keep the run well under a minute.
"""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode

from tests.adoption_helpers import history
from tests.reports_support import observed, query_types, regix, seos
from usage.choices import Door, Kind, Status
from usage.models import ImportBatch, RejectedRow

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.content_type_conformance,
]


@pytest.fixture
def api_data(db):
    """Something in every list the schema describes, so response bodies are validated, not just []."""
    query_type = query_types()[0]
    regix("VAR06", query_type, date(2026, 1, 1), 12, 1)
    seos("VAR06", date(2026, 1, 1), 3, 4)
    observed("VAR06", "regix", date(2025, 6, 1), date(2026, 1, 31))
    history("VAR06", "regix", [(date(2024, 6, 1), "production")])
    batch = ImportBatch.objects.create(
        kind=Kind.REGIX,
        file="usage/2026/01/0123456789abcdef-regix.csv",
        file_name="regix.csv",
        sha256="0" * 64,
        size=120,
        door=Door.UPLOAD,
        status=Status.SUCCEEDED,
        rows_read=2,
        rows_accepted=1,
        rows_rejected=1,
    )
    RejectedRow.objects.create(batch=batch, line=3, raw="2026-01-01;XXX99;op;1", reason="Unknown municipality XXX99")


@pytest.fixture
def wsgi_app():
    """The portal's WSGI app, kept from closing the test's database connection after each request
    (Django's own test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(api_data, wsgi_app):
    return schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)


@pytest.fixture
def analyst_token(analyst) -> str:
    return Token.objects.create(user=analyst).key


SETTINGS = settings(
    max_examples=15,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def run_operations(api_schema, token: str, mode: GenerationMode, checks) -> tuple[list[str], dict[str, str]]:
    """Each operation runs as its own Hypothesis test (schemathesis' pytest plugin does not run
    on pytest 9); every failing operation is named with its first failure."""
    headers = {"Authorization": f"Token {token}"}
    tested, failures = [], {}
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @SETTINGS
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            case.call_and_validate(headers=headers, checks=checks)

        try:
            run()
        except Unsatisfiable:  # no invalid input can be built for it (e.g. one free-text path parameter)
            continue
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collected, reported below by operation
            failures[operation.label] = f"{type(error).__name__}: {error}"
        tested.append(operation.label)
    return tested, failures


def test_every_operation_answers_without_5xx_and_as_documented(api_schema, analyst_token):
    tested, failures = run_operations(api_schema, analyst_token, GenerationMode.POSITIVE, CHECKS)
    assert len(tested) >= 20, tested
    assert {"GET /api/reports/usage/", "GET /api/reports/adoption-matrix/"} <= set(tested)
    assert failures == {}


def test_invalid_input_never_gives_a_server_error(api_schema, analyst_token):
    checks = [schemathesis.checks.not_a_server_error]
    tested, failures = run_operations(api_schema, analyst_token, GenerationMode.NEGATIVE, checks)
    assert "GET /api/reports/usage/" in tested  # operations with no possible invalid input are left out
    assert failures == {}


def test_the_pending_queue_answers_ministry_staff_as_documented(api_schema, ministry_user):
    """The analyst above gets 403 from the ministry-only queue; as ministry staff its 200 bodies
    (the api_data declaration is unverified, so the queue is not empty) are checked against the schema."""
    token = Token.objects.create(user=ministry_user).key
    queue = api_schema.include(path="/api/adoption/pending/")
    tested, failures = run_operations(queue, token, GenerationMode.POSITIVE, CHECKS)
    assert tested == ["GET /api/adoption/pending/"]
    assert failures == {}
