"""`manage.py quickstart [--port N] [--dev]`: what `make run` and `make dev` do.

1. refuse a port in use; 2. with no DATABASE_URL start the embedded PostgreSQL (reusing one that
runs), else check that DATABASE_URL answers; 3. build the demo (demo/build.py; quick when it is
there already); 4. serve: gunicorn with DEBUG off and whitenoise (or, with --dev, runserver with
DEBUG on); 5. on Ctrl-C or SIGTERM stop the server and then the embedded PostgreSQL, so nothing
is left running.

Gunicorn rather than `runserver --insecure`: the quick start then serves the product as it is
deployed (README, "Deployment"), static files included, and two workers keep the map responsive
while a download streams.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection, connections

from core import embedded_db
from demo.build import build
from demo.users import logins_file

QUIET_LOGGERS = ("celery.app.trace", "usage.ingest")  # one line per task or import: the bar says it
READY_TIMEOUT_SECONDS = 60


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does: TIME_WAIT is no owner
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own http://127.0.0.1 URL
            return response.status == 200
    except OSError:
        return False


def _sigterm_to_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Set up the demo portal and serve it (gunicorn, DEBUG off; --dev: runserver, DEBUG on) until Ctrl-C."
    requires_system_checks: list = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--dev", action="store_true", help="Django's development server with DEBUG on.")
        parser.add_argument("--scale", choices=["small", "full"], default="small")

    def handle(self, *args, port: int, dev: bool, scale: str, **options) -> None:
        if not _port_free(port):
            raise CommandError(f"Port {port} is in use by another program: stop it or pick another (make run PORT=N).")
        embedded = not os.environ.get("DATABASE_URL")
        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
        previous = signal.signal(signal.SIGTERM, _sigterm_to_interrupt)
        try:
            self._database(embedded)
            build(scale, say=self.stdout.write, stdout=self.stdout._out, stderr=self.stderr._out)
            if not dev:
                call_command("collectstatic", interactive=False, verbosity=0)
            connections.close_all()
            self._serve(port, dev)
        except KeyboardInterrupt:
            self.stdout.write("\nStopping ...")
        finally:
            if embedded:
                self._stop_embedded()
            signal.signal(signal.SIGTERM, previous)

    def _database(self, embedded: bool) -> None:
        if embedded:
            try:
                self.stdout.write(embedded_db.start(settings.VAR_DIR))
            except embedded_db.EmbeddedDbError as error:
                raise CommandError(str(error)) from None
            return
        try:
            connection.ensure_connection()
        except OperationalError as error:
            reason = str(error).strip().splitlines()[0].strip() if str(error).strip() else type(error).__name__
            raise CommandError(
                f"DATABASE_URL does not answer ({reason}): fix it, or unset it to use the embedded PostgreSQL."
            ) from None

    def _serve(self, port: int, dev: bool) -> None:
        python = sys.executable
        environment = {**os.environ, "TASK_LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1"}
        environment.setdefault("LOG_LEVEL", "WARNING")  # sign-ins and the like stay out of the terminal
        environment.setdefault("DJANGO_SETTINGS_MODULE", "egov_portal.settings.base")
        if dev:
            environment["DEBUG"] = "true"
            command = [python, "manage.py", "runserver", f"127.0.0.1:{port}"]
        else:
            environment["DEBUG"] = "false"
            command = [
                str(Path(python).with_name("gunicorn")), "egov_portal.wsgi", "--bind", f"127.0.0.1:{port}",
                "--workers", "2", "--timeout", "120", "--graceful-timeout", "5", "--log-level", "warning",
            ]  # fmt: skip
        server = subprocess.Popen(command, cwd=settings.BASE_DIR, env=environment)  # noqa: S603
        try:
            self._announce(server, port, dev)
            server.wait()
        finally:
            if server.poll() is None:
                server.terminate()
                try:
                    server.wait(10)
                except subprocess.TimeoutExpired:
                    server.kill()
        if server.returncode not in (0, -signal.SIGINT, -signal.SIGTERM):
            raise CommandError(f"The web server stopped with exit code {server.returncode}.")

    def _announce(self, server: subprocess.Popen, port: int, dev: bool) -> None:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not _answers(url + "healthz"):
            if server.poll() is not None or time.monotonic() > deadline:
                return
            time.sleep(0.3)
        path = logins_file()
        if path.exists():
            self.stdout.write(self.style.SUCCESS(f"Demo logins (kept in {path}):"))
            self.stdout.write(path.read_text(encoding="utf-8").rstrip())
        mode = "development server, DEBUG on" if dev else "gunicorn, DEBUG off"
        self.stdout.write(self.style.SUCCESS(f"The portal answers on {url} ({mode}). Ctrl-C stops it."))

    def _stop_embedded(self) -> None:
        try:
            self.stdout.write(embedded_db.stop(settings.VAR_DIR))
        except embedded_db.EmbeddedDbError as error:
            self.stderr.write(str(error))
