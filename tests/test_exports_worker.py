"""A background export through a real Celery worker on Redis (not the in-process eager mode)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from egov_portal.celery import app as celery_app
from exports.models import ExportJob

pytestmark = pytest.mark.worker


@pytest.fixture
def worker(settings, tmp_path, reference_data):
    """A worker on the test database and this test's storage dir; the test sends it real messages."""
    db = connection.settings_dict
    storage = tmp_path / "exports"
    settings.EXPORT_STORAGE_DIR = storage
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egov_portal.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "EXPORT_STORAGE_DIR": str(storage),
    }
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "egov_portal", "worker", "--pool", "solo", "--purge", "-l", "warning"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
    )
    # Send real messages to the worker. Celery reads the Django setting (namespace CELERY) before its own
    # key: set it there; pytest-django's settings fixture restores it.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        deadline = time.time() + 60
        while not celery_app.control.ping(timeout=1):
            assert time.time() < deadline, "the Celery worker did not start"
            assert process.poll() is None, "the Celery worker exited"
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_real_worker_writes_the_export_and_the_owner_downloads_it(client, analyst, worker, settings):
    settings.EXPORT_ASYNC_THRESHOLD_ROWS = 0  # the planner's estimate of any table is above it
    client.force_login(analyst)
    response = client.get(reverse("municipalities:list"), {"province": "VAR", "_export": "csv"})
    job = ExportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    deadline = time.time() + 60
    while job.status in ("pending", "running"):
        assert time.time() < deadline, f"the job is still {job.status}"
        time.sleep(0.2)
        job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.row_count == 12
    download = client.get(reverse("exports:download", kwargs={"pk": job.pk}))
    data = b"".join(download.streaming_content)
    assert data.count(b"\n") == 13
    assert data.startswith("Код,Име,".encode())
