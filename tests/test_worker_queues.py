"""Celery queues by kind of work: three dedicated import workers on Redis share 200 uploads exactly once."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django.db.models import Sum

from egov_portal.celery import app
from municipalities.models import Municipality
from tests.usage_support import PERSON, usage_storage  # noqa: F401
from usage import services
from usage.choices import Door, Status
from usage.models import ImportBatch, RegixDailyUsage, RegixMonthlyUsage

ROOT = Path(__file__).resolve().parent.parent
FILES = 200


def test_each_kind_of_work_has_its_queue():
    route = app.amqp.router.route
    assert route({}, "usage.tasks.ingest_batch")["queue"].name == "imports"
    assert route({}, "exports.tasks.run_export_job")["queue"].name == "exports"
    assert route({}, "adoption.tasks.send_stale_reminders")["queue"].name == "mail"
    assert route({}, "dashboards.tasks.warm_dashboards")["queue"].name == "maintenance"
    assert route({}, "usage.beat.scan_inbox")["queue"].name == "maintenance"


def test_a_fresh_worker_process_knows_every_task_the_beat_sends():
    """What a worker registers comes from autodiscovery plus CELERY_IMPORTS: a beat entry naming a task
    no worker loads would be sent every minute and never run."""
    script = (
        "import django, json; django.setup(); from egov_portal.celery import app; "
        "app.loader.import_default_modules(); print(json.dumps(sorted(app.tasks)))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    registered = set(json.loads(out.stdout.strip().splitlines()[-1]))
    beat_tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"usage.beat.scan_inbox", "usage.beat.requeue_batches", "usage.tasks.ingest_batch"} <= registered
    assert beat_tasks - registered == set()


def start_worker(tmp_path: Path, name: str, queues: str) -> tuple[subprocess.Popen, Path]:
    database = connection.settings_dict
    log = tmp_path / f"{name}.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egov_portal.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": django_settings.CELERY_BROKER_URL,
        "EGOV_VAR_DIR": str(tmp_path / "var"),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "egov_portal", "worker",
        "--pool=solo", "-l", "info", "-n", f"{name}@%h", "-Q", queues, "--prefetch-multiplier=1",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    return process, log


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture
def real_broker(settings, tmp_path):
    redis.Redis.from_url(django_settings.CELERY_BROKER_URL).flushdb()  # this run's own Redis database
    # Celery reads the Django setting (namespace CELERY) before its own key: set it there, for this test only.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    return app


@pytest.mark.worker
def test_three_import_workers_import_200_uploads_each_exactly_once(reference_data, real_broker, tmp_path):
    municipalities = list(Municipality.objects.order_by("code")[:FILES])
    workers = [start_worker(tmp_path, f"imports-{i}", "imports") for i in range(3)]
    try:
        batches = []
        for i, municipality in enumerate(municipalities):  # 200 uploads at once, each its municipality's March
            rows = "".join(f"2024-03-{day:02d},{municipality.code},{PERSON},{i + 1}\n" for day in range(1, 11))
            text = "date,municipality,operation,requests\n" + rows
            batches.append(
                services.receive_file(io.BytesIO(text.encode()), file_name=f"{municipality.code}.csv", door=Door.API)
            )
        deadline = time.monotonic() + 600
        while ImportBatch.objects.exclude(status__in=[Status.SUCCEEDED, Status.FAILED]).exists():
            assert time.monotonic() < deadline, "the 200 imports did not finish in 10 minutes"
            assert all(process.poll() is None for process, _ in workers), "a worker died"
            time.sleep(1)
    finally:
        for process, _ in workers:
            stop(process)

    assert Counter(ImportBatch.objects.values_list("status", flat=True)) == {Status.SUCCEEDED: FILES}
    expected = sum(10 * (i + 1) for i in range(FILES))
    assert RegixDailyUsage.objects.count() == 10 * FILES
    assert RegixDailyUsage.objects.aggregate(total=Sum("requests"))["total"] == expected
    assert RegixMonthlyUsage.objects.aggregate(total=Sum("requests"))["total"] == expected
    # Each batch was imported by exactly one worker, once; and the three shared the work.
    done: Counter = Counter()
    per_worker = []
    for _, log in workers:
        ids = re.findall(r"succeeded in [\d.]+s: \{'batch_id': (\d+), 'status': 'succeeded'", log.read_text())
        done.update(int(batch_id) for batch_id in ids)
        per_worker.append(len(ids))
    assert done == Counter({batch.pk: 1 for batch in batches})
    assert all(count > 0 for count in per_worker), per_worker
