"""Helpers shared by the usage tests: write a file, send it through a door, import it."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from usage import processing, services
from usage.choices import Door
from usage.models import ImportBatch

PERSON = "TechnoLogica.RegiX.GraoNBDAdapter.APIService.INBDAPI.PersonDataSearch"
MARRIAGE = "TechnoLogica.RegiX.GraoBRAdapter.APIService.IBRAPI.MarriageSearch"


@pytest.fixture(autouse=True)
def usage_storage(settings, tmp_path):
    """Kept files and the inbox live in the test's own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.USAGE_INBOX_DIR = tmp_path / "inbox"
    settings.USAGE_INBOX_SETTLE_SECONDS = 0
    return tmp_path


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8", compress: bool = False) -> Path:
    data = text.encode(encoding)
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def import_file(path: Path, kind: str = "", door: str = Door.CLI, user=None) -> ImportBatch:
    """Keep the file as a batch and import it right away, as the task does."""
    batch = services.receive_path(path, kind=kind, door=door, user=user, queue=False)
    processing.process(batch.pk)
    batch.refresh_from_db()
    return batch


def import_text(tmp_path: Path, text: str, name: str = "usage.csv", kind: str = "", **options) -> ImportBatch:
    compress = options.pop("compress", False)
    encoding = options.pop("encoding", "utf-8")
    return import_file(write(tmp_path, name, text, encoding=encoding, compress=compress), kind=kind, **options)
