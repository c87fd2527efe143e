"""The quick start's embedded PostgreSQL (core/embedded_db.py) and its bad inputs: one clear line each,
nothing deleted."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command

from core import embedded_db
from egov_portal.settings.env import postgres_database


@pytest.fixture
def open_var():
    """A var/ folder the server's own account can reach (pytest's tmp_path is closed to others)."""
    var = Path(tempfile.mkdtemp(prefix="egov-embedded-"))
    var.chmod(0o755)
    yield var
    shutil.rmtree(var)


def test_the_settings_read_the_embedded_url_back_as_a_socket_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", embedded_db.database_url(tmp_path))
    config = postgres_database("DATABASE_URL")
    assert config["HOST"] == str(tmp_path.resolve() / "postgres" / "run")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "egov"


def test_a_deep_checkout_gets_a_short_private_socket_folder(tmp_path):
    deep = tmp_path / ("x" * 90)
    socket_dir = embedded_db.layout(deep).socket_dir
    assert len(str(socket_dir / ".s.PGSQL.5432")) <= 100
    assert socket_dir == embedded_db.layout(deep).socket_dir  # the same folder every time


def test_a_stale_pid_file_from_a_killed_run_is_reported_not_trusted(tmp_path):
    where = embedded_db.layout(tmp_path)
    where.data.mkdir(parents=True)
    (where.data / "PG_VERSION").write_text("18\n")
    dead = 2**22 + 12345  # above the default pid_max: no such process
    where.pid_file.write_text(f"{dead}\n{where.data}\n")
    status = embedded_db.status(tmp_path)
    assert not status.running
    assert "stale postmaster.pid" in status.detail
    assert where.pid_file.exists(), "nothing is deleted"


def test_data_made_by_another_postgresql_version_is_refused_and_kept(open_var):
    where = embedded_db.layout(open_var)
    where.data.mkdir(parents=True)
    (where.data / "PG_VERSION").write_text("9\n")
    with pytest.raises(embedded_db.EmbeddedDbError, match="was made by PostgreSQL 9") as error:
        embedded_db.start(open_var)
    assert "\n" not in str(error.value)
    assert (where.data / "PG_VERSION").read_text() == "9\n"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a folder to another user")
def test_a_var_folder_owned_by_another_user_is_refused_and_left_alone(tmp_path):
    root = tmp_path / "postgres"
    root.mkdir()
    os.chown(root, 65534, 65534)  # nobody
    with pytest.raises(embedded_db.EmbeddedDbError, match="belongs to user") as error:
        embedded_db.start(tmp_path)
    assert "\n" not in str(error.value)
    assert list(root.iterdir()) == []
    assert root.stat().st_uid == 65534


@pytest.mark.skipif(os.geteuid() != 0, reason="as an ordinary user the server runs as that user")
def test_a_var_folder_the_servers_account_cannot_reach_is_explained(tmp_path):
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    with pytest.raises(embedded_db.EmbeddedDbError, match="a folder above it is closed to other users"):
        embedded_db.start(closed)
    assert not (closed / "postgres" / "data" / "PG_VERSION").exists()


def test_the_quick_start_refuses_a_port_in_use_in_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"Port {port} is in use"):
            call_command("quickstart", port=port)


def test_the_server_starts_is_reused_by_a_second_start_and_stops(open_var):
    """What a second `make run` after a killed one meets: the server still running is reused."""
    var = open_var
    try:
        first = embedded_db.start(var)
        assert first.startswith("Created and started the embedded PostgreSQL")
        assert embedded_db.start(var).startswith("Reusing the embedded PostgreSQL")
        where = embedded_db.layout(var)
        with psycopg.connect(host=str(where.socket_dir), user="postgres", dbname="egov") as conn:
            assert conn.execute("SHOW listen_addresses").fetchone()[0] == ""
        assert embedded_db.status(var).running
    finally:
        stopped = embedded_db.stop(var)
    assert stopped.startswith("Stopped the embedded PostgreSQL")
    assert not embedded_db.status(var).running
    assert (embedded_db.layout(var).data / "PG_VERSION").exists(), "stopping keeps the data"
