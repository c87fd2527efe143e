"""Reads from a streaming replica: the router, and a real replica made with pg_basebackup.

The real test starts its own primary and its replica (`pg_basebackup -R` into a temporary directory,
ports 16601/16602, the servers run as the `postgres` OS user) when the test server refuses replication
connections: the shared server's pg_hba.conf has no `replication` entry and is not ours to change.
It is skipped, saying why, where PostgreSQL's server programs are missing.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from core import replica
from core.replica import ReplicaRouter, replica_reads
from municipalities.models import Municipality

ROOT = Path(__file__).resolve().parent.parent
PRIMARY_PORT, REPLICA_PORT = 16601, 16602


def test_reads_go_to_the_replica_only_inside_replica_reads(monkeypatch):
    from django.contrib.sessions.models import Session

    from accounts.models import User

    monkeypatch.setattr(replica, "enabled", lambda: True)
    router = ReplicaRouter()
    assert router.db_for_read(Municipality) is None
    with replica_reads():
        assert router.db_for_read(Municipality) == "replica"
        assert router.db_for_read(Session) is None  # sign-in and sessions: the primary, always
        assert router.db_for_read(User) is None
        assert router.db_for_write(Municipality) == "default"
    assert router.db_for_read(Municipality) is None
    assert router.allow_migrate("replica", "municipalities") is False


def test_without_a_replica_nothing_changes(client, ministry_user):
    assert "replica" not in django_settings.DATABASES
    client.force_login(ministry_user)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert replica.PIN_COOKIE not in response.cookies


def server_programs() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_basebackup"))
    return Path(found[-1]).parent if found else None


def as_postgres(*command: str, **kwargs) -> subprocess.CompletedProcess:
    """PostgreSQL refuses to run as root: as root, run the server programs as the postgres OS user."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=180, **kwargs)  # noqa: S603


@pytest.fixture
def streaming_pair():
    """A primary and its streaming replica of our own, stopped and deleted afterwards."""
    programs = server_programs()
    if programs is None:
        pytest.skip("PostgreSQL's server programs (initdb, pg_basebackup) are not installed on this machine")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL as the postgres user")
    base = Path(tempfile.mkdtemp(prefix="egov-replica-"))
    primary, standby = base / "primary", base / "replica"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    started = []
    try:
        result = as_postgres(str(programs / "initdb"), "-D", str(primary), "-A", "trust", "-U", "postgres", "--no-sync")
        assert result.returncode == 0, result.stderr
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {PRIMARY_PORT}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{base}'\n"
                "wal_level = replica\nmax_wal_senders = 4\nfsync = off\nshared_buffers = 32MB\n"
            )
        start(programs, primary, base / "primary.log", started)
        result = as_postgres(
            str(programs / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres",
            "-D", str(standby), "-R", "-X", "stream", "--no-sync",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        with (standby / "postgresql.auto.conf").open("a") as conf:
            conf.write(f"port = {REPLICA_PORT}\n")
        start(programs, standby, base / "replica.log", started)
        result = as_postgres(str(programs / "createdb"), "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres",
                             "egov")  # fmt: skip
        assert result.returncode == 0, result.stderr
        yield (
            f"postgres://postgres@127.0.0.1:{PRIMARY_PORT}/egov",
            f"postgres://postgres@127.0.0.1:{REPLICA_PORT}/egov",
        )
    finally:
        for data in reversed(started):
            as_postgres(str(programs / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(base, ignore_errors=True)


def start(programs: Path, data: Path, log: Path, started: list) -> None:
    result = as_postgres(str(programs / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "start")
    assert result.returncode == 0, result.stderr + (log.read_text() if log.exists() else "")
    started.append(data)


# Run in a process of its own whose DATABASES are the pair above (the test database is on another server).
CHECKS = r"""
import json, time
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.choices import Role
from accounts.models import User

call_command("migrate", verbosity=0)
out = {}
with connections["replica"].cursor() as cursor:
    cursor.execute("SELECT pg_is_in_recovery()")
    out["replica_in_recovery"] = cursor.fetchone()[0]
with connections["default"].cursor() as cursor:
    cursor.execute("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
    out["streaming_replicas"] = cursor.fetchone()[0]

User.objects.create_user("probe", password="x-secret-123", role=Role.MINISTRY)
deadline = time.monotonic() + 30
while not User.objects.using("replica").filter(username="probe").exists():
    assert time.monotonic() < deadline, "the replica never received the write"
    time.sleep(0.1)
out["write_reached_replica"] = True

user = User.objects.get(username="probe")
client = Client(HTTP_HOST="localhost")
client.force_login(user)

def reads(path, method="get", **data):
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as rep:
        response = getattr(client, method)(path, data)
    return {"status": response.status_code, "primary": len(primary), "replica": len(rep)}

out["dashboard"] = reads("/dashboards/provinces/")
out["api"] = reads("/api/municipalities/")
out["adoption_page"] = reads("/adoption/")
out["own_write"] = reads("/i18n/setlang/", "post", language="bg", next="/")
out["right_after_write"] = reads("/dashboards/provinces/")
time.sleep(settings.DATABASE_REPLICA_PIN_SECONDS + 0.5)
out["after_the_pin"] = reads("/dashboards/provinces/")
print("RESULT " + json.dumps(out))
"""


@pytest.mark.worker
def test_a_real_streaming_replica_serves_the_dashboards_and_the_api(streaming_pair, tmp_path):
    primary_url, replica_url = streaming_pair
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egov_portal.settings.test",
        "DATABASE_URL": primary_url,
        "DATABASE_REPLICA_URL": replica_url,
        "DATABASE_REPLICA_PIN_SECONDS": "2",
        "EGOV_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", CHECKS], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-4000:]
    out = json.loads(next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))[7:])
    assert out["replica_in_recovery"] is True
    assert out["streaming_replicas"] == 1
    assert out["write_reached_replica"] is True
    for page in ("dashboard", "api"):  # their data from the replica; the session and user from the primary
        assert out[page]["status"] == 200, out
        assert out[page]["replica"] > 0, out
    assert out["adoption_page"]["replica"] == 0, out  # a page with forms to write: the primary
    assert out["own_write"]["status"] == 302, out
    assert out["right_after_write"]["replica"] == 0, out  # pinned to the primary after the user's own write
    assert out["right_after_write"]["status"] == 200, out
    assert out["after_the_pin"]["replica"] > 0, out
