"""The quick start's demo, built by one list of management commands.

`make run` (through `manage.py quickstart`) and tests/test_demo_walk.py both call `build_demo`, so the
portal the tests walk is built exactly as the one a newcomer opens, only over fewer months.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

DEMO_SINCE = dt.date(2016, 1, 1)
REFERENCE_AND_DECLARATIONS = (
    "import_ekatte",
    "import_regix_catalog",
    "seed_services",
    "seed_demo_adoption",
    "create_demo_users",
)


def usage_dir() -> Path:
    return settings.VAR_DIR / "demo-usage"


def _stamp(scale: str, since: dt.date, until: dt.date) -> dict:
    return {"scale": scale, "since": since.isoformat(), "until": until.isoformat()}


def _usage_is_current(stamp: dict) -> bool:
    """The demo usage of this scale and span was generated and imported before (a second `make run`)."""
    from usage.choices import Status
    from usage.models import ImportBatch

    path = usage_dir() / ".imported.json"
    try:
        done = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return False
    return done == stamp and ImportBatch.objects.filter(status=Status.SUCCEEDED).exists()


def build(scale: str = "small", since: dt.date = DEMO_SINCE, say: Callable[[str], None] = print, **io) -> None:
    """1. schema; 2. reference data; 3. services; 4. demo declarations and users; 5. demo usage files
    and their import (skipped when the same span was imported before). Every step is idempotent."""
    call_command("migrate", interactive=False, verbosity=0, **io)
    say("Database schema up to date.")
    for command in REFERENCE_AND_DECLARATIONS:
        call_command(command, **io)
    until = timezone.localdate() - dt.timedelta(days=1)
    stamp = _stamp(scale, since, until)
    if _usage_is_current(stamp):
        say(f"Demo usage up to {until:%d.%m.%Y} already imported: skipped.")
        return
    out = usage_dir()
    call_command("generate_demo_usage", out=out, scale=scale, since=since, until=until, **io)
    files = sorted(path for path in out.iterdir() if path.name.startswith(("regix-", "seos-")))
    call_command("ingest_usage", *[str(path) for path in files], wait=True, skip_imported=True, **io)
    (out / ".imported.json").write_text(json.dumps(stamp), encoding="utf-8")
