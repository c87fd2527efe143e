"""A real Celery worker on Redis: a worker killed mid-import leaves nothing applied; the batch completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from egov_portal.celery import app
from tests.usage_support import MARRIAGE, PERSON, usage_storage, write  # noqa: F401
from usage import processing, services
from usage.choices import Door, Status
from usage.models import ImportBatch, ObservedAdoption, RegixDailyUsage, RegixMonthlyUsage, RejectedRow

ROOT = Path(__file__).resolve().parent.parent


def start_worker(
    tmp_path: Path, name: str, *, pause: int = 0, pool: str = "solo", **env
) -> tuple[subprocess.Popen, Path]:
    """A Celery worker on the test database; with `pause`, one that sleeps inside each import's
    transaction (tests/paused_worker.py) so the test can kill it right there."""
    database = connection.settings_dict
    log = tmp_path / f"{name}.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egov_portal.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": django_settings.CELERY_BROKER_URL,
        "EGOV_VAR_DIR": str(tmp_path / "var"),
        **env,
    }
    if pause:
        environment["PAUSE_INSIDE_IMPORT_SECONDS"] = str(pause)
    launcher = [str(ROOT / "tests" / "paused_worker.py")] if pause else ["-m", "celery"]
    command = [sys.executable, *launcher, "-A", "egov_portal", "worker", f"--pool={pool}", "-l", "info", "-n", name]
    if pool == "prefork":
        command += ["--concurrency=2"]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    return process, log


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def real_broker(settings, tmp_path):
    """Tasks go to Redis (not in-process); the kept files live where the worker looks for them."""
    redis.Redis.from_url(django_settings.CELERY_BROKER_URL).flushdb()
    # Celery reads the Django setting (namespace CELERY) before its own key: set it there, for this test only.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    return app


@pytest.mark.worker
def test_a_worker_killed_mid_import_leaves_nothing_applied_and_the_batch_completes_on_retry(
    reference_data, real_broker, tmp_path, settings
):
    rows = "".join(
        f"2024-03-{day:02d},VAR06,{PERSON},{day}\n2024-03-{day:02d},VAR01,{MARRIAGE},1\n" for day in range(1, 29)
    )
    path = write(tmp_path, "march.csv", "date,municipality,operation,requests\n" + rows + "2024-03-01,Бяла,x,1\n")
    batch = services.receive_path(path, door=Door.CLI, queue=False)

    first, first_log = start_worker(tmp_path, "first", pause=60)
    try:
        assert services.enqueue(batch.pk)
        wait_for(lambda: b"pausing inside the import transaction" in first_log.read_bytes(), 30, "the import to pause")
        batch.refresh_from_db()
        assert batch.status == Status.RUNNING
        assert not RegixDailyUsage.objects.exists(), "nothing is visible before the commit"
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)

    # The database rolled the dead worker's transaction back: nothing half applied.
    assert not RegixDailyUsage.objects.exists()
    assert not RegixMonthlyUsage.objects.exists()
    assert not ObservedAdoption.objects.exists()
    assert not RejectedRow.objects.exists()
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == (Status.RUNNING, 1)

    settings.USAGE_STALE_AFTER_SECONDS = 1
    second, second_log = start_worker(tmp_path, "second", USAGE_STALE_AFTER_SECONDS="1")
    try:
        time.sleep(1.5)
        assert services.requeue_batches() == 1  # what the beat task does every minute
        wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).status == Status.SUCCEEDED, 40, "the retried import")
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(15)
    batch.refresh_from_db()
    assert (batch.attempts, batch.rows_read, batch.rows_accepted, batch.rows_rejected) == (2, 57, 56, 1)
    assert RegixDailyUsage.objects.count() == 56
    assert RegixMonthlyUsage.objects.get(municipality__code="VAR06").requests == sum(range(1, 29))
    assert ObservedAdoption.objects.filter(service="regix").count() == 2


@pytest.mark.django_db
def test_a_batch_is_claimed_by_one_worker_only(tmp_path):
    batch = services.receive_path(
        write(tmp_path, "a.csv", "date,municipality,sent,received\n"), door=Door.CLI, queue=False
    )
    first = processing.claim(batch.pk)
    assert first is not None
    assert processing.claim(batch.pk) is None
    assert processing.process(batch.pk) is None
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.claim_token) == (Status.RUNNING, 1, first.claim_token)


@pytest.mark.django_db
def test_a_running_batch_whose_worker_died_is_requeued_and_completed(tmp_path, settings):
    from datetime import timedelta

    from django.utils import timezone

    path = write(tmp_path, "a.csv", "date,municipality,sent,received\n2024-03-04,VAR06,1,2\n")
    batch = services.receive_path(path, door=Door.CLI, queue=False)
    assert processing.claim(batch.pk) is not None  # a worker took it ... and died
    assert services.requeue_batches() == 0, "a running batch is left alone until it is stale"
    ImportBatch.objects.filter(pk=batch.pk).update(
        started_at=timezone.now() - timedelta(seconds=settings.USAGE_STALE_AFTER_SECONDS + 1)
    )
    assert services.requeue_batches() == 1  # eager in tests: the retry runs right here
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.rows_accepted) == (Status.SUCCEEDED, 2, 1)
