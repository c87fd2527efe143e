"""A real worker on a Redis of the test's own, restarted during an import: the worker reconnects and
finishes every batch without a person (issue 11, item 5)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis

from egov_portal.celery import app
from tests.test_usage_worker import start_worker, wait_for
from tests.usage_support import PERSON, usage_storage, write  # noqa: F401
from usage import services
from usage.choices import Door, Status
from usage.models import ImportBatch, RegixDailyUsage
from usage.tasks import ingest_batch


def _free_port() -> int:
    """A free port in the importer's own range (16300-16399), so parallel runs never meet."""
    for port in range(16300, 16400):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 16300-16399")


class OwnRedis:
    """A redis-server of the test's own, with an append-only file so a restart keeps the queue, as a
    production Redis would."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)]
        command += ["--appendonly", "yes", "--save", "", "--protected-mode", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        wait_for(self._answers, 10, "redis-server to answer")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SHUTDOWN: the append-only file is flushed
            self.process.wait(10)

    def _answers(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_timeout=1).ping()
        except redis.ConnectionError:
            return False


@pytest.fixture
def own_redis(tmp_path, settings):
    server = OwnRedis(tmp_path / "redis")
    server.start()
    settings.MEDIA_ROOT = tmp_path / "var" / "media"  # where the worker (EGOV_VAR_DIR) finds the files
    yield server
    server.stop()


@pytest.mark.worker
def test_a_worker_finishes_every_batch_when_redis_restarts_during_an_import(reference_data, own_redis, tmp_path):
    batches = []
    for day in range(1, 7):
        path = write(
            tmp_path, f"day{day}.csv", f"date,municipality,operation,requests\n2024-03-0{day},VAR06,{PERSON},{day}\n"
        )
        batches.append(services.receive_path(path, door=Door.CLI, queue=False))
    # Each import sleeps 4 s inside its transaction: the worker is busy when Redis goes away.
    # The visibility timeout is 15 s here (5 minutes by default): the messages the worker had reserved
    # when the connection broke are handed out again after it.
    worker, log = start_worker(
        tmp_path,
        "survivor",
        pool="prefork",
        REDIS_URL=own_redis.url,
        pause=4,
        CELERY_VISIBILITY_TIMEOUT="15",
    )
    try:
        with app.connection_for_write(own_redis.url) as connection:
            for batch in batches:
                app.send_task(ingest_batch.name, (batch.pk,), connection=connection)
        wait_for(
            lambda: b"pausing inside the import transaction" in log.read_bytes(),
            30,
            f"the first import {list(ImportBatch.objects.values_list('status', flat=True))}",
        )
        own_redis.stop()
        time.sleep(2)
        own_redis.start()

        def all_done() -> bool:
            return set(ImportBatch.objects.values_list("status", flat=True)) == {Status.SUCCEEDED}

        wait_for(all_done, 90, "every batch to finish after the restart")
        assert worker.poll() is None, "the worker is still running"
        output = log.read_text(errors="replace")
        assert "Unrecoverable error" not in output
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(20)
    assert RegixDailyUsage.objects.count() == 6
    assert list(ImportBatch.objects.order_by("pk").values_list("attempts", flat=True)) == [1] * 6
