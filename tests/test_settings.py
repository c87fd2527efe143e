"""Settings come from the environment; production refuses to start insecurely."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from egov_portal.settings.env import strict_bool

ROOT = Path(__file__).resolve().parent.parent
GOOD_SECRET = "k3J9-x_2mPq8Zr5Tn7Wb1Yc4Vd6Fg0Hs3Lj9Qa2Ue5Io8Pz1Xw4Ny7Mt0Rb3Kc6Ed"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("False", False), ("0", False)])
def test_strict_bool_reads_true_and_false(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert strict_bool("SOME_FLAG", default=not expected) is expected


def test_strict_bool_refuses_yes_instead_of_guessing(monkeypatch):
    monkeypatch.setenv("DEBUG", "yes")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='yes' is not a boolean"):
        strict_bool("DEBUG", default=False)


def test_an_unset_flag_takes_its_default(monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)
    assert strict_bool("SOME_FLAG", default=True) is True


def test_production_without_secret_key_stops_with_a_clear_message():
    result = manage("check", DJANGO_SETTINGS_MODULE="egov_portal.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_with_a_short_secret_key_stops():
    result = manage("check", DJANGO_SETTINGS_MODULE="egov_portal.settings.production", SECRET_KEY="short")
    assert result.returncode != 0
    assert "SECRET_KEY is too short" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="egov_portal.settings.production",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="portal.example.bg",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_yes_stops_the_start():
    result = manage("check", DEBUG="yes")
    assert result.returncode != 0
    assert "DEBUG='yes' is not a boolean" in result.stderr


def test_defaults_are_the_embedded_postgresql_and_in_process_tasks(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.LANGUAGE_CODE, s.TIME_ZONE)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "egov_portal.settings.base", "EGOV_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        str(tmp_path / "postgres" / "run"),
        "True",
        "bg",
        "Europe/Sofia",
    ], result.stderr


@pytest.mark.parametrize("url", ["sqlite:///db.sqlite3", "mysql://egov@127.0.0.1/egov", "not a url"])
def test_a_database_url_naming_another_engine_stops_the_start_in_one_line(url):
    result = manage("check", DATABASE_URL=url)
    assert result.returncode != 0
    assert "the portal runs on PostgreSQL only" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_without_a_database_url_stops_instead_of_using_the_embedded_server():
    result = manage(
        "check", DJANGO_SETTINGS_MODULE="egov_portal.settings.production", SECRET_KEY=GOOD_SECRET, DATABASE_URL=""
    )
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr
