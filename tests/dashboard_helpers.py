"""Helpers for the dashboard tests: usage loaded through the real import, and adoption histories."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, timedelta

from usage import processing, services
from usage.choices import Door, Status
from usage.models import ImportBatch

PERSON = "TechnoLogica.RegiX.GraoNBDAdapter.APIService.INBDAPI.PersonDataSearch"
MARRIAGE = "TechnoLogica.RegiX.GraoBRAdapter.APIService.IBRAPI.MarriageSearch"


def days(first: date, last: date, step: int = 1) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=step)


def _import(kind: str, header: str, lines: list[str], name: str) -> ImportBatch:
    text = header + "\n" + "\n".join(lines) + "\n"
    batch = services.receive_file(io.BytesIO(text.encode()), file_name=name, door=Door.CLI, kind=kind, queue=False)
    processing.process(batch.pk)
    batch.refresh_from_db()
    assert batch.status == Status.SUCCEEDED, (batch.error, batch.warnings)
    return batch


def load_regix(rows: Iterable[tuple[date, str, str, int]], name: str = "regix.csv") -> ImportBatch:
    """(day, municipality code, operation, requests) rows, imported as an operator's RegiX file."""
    lines = [f"{day.isoformat()},{code},{operation},{requests},0" for day, code, operation, requests in rows]
    return _import("regix", "date,municipality,operation,requests,errors", lines, name)


def load_seos(rows: Iterable[tuple[date, str, int, int]], name: str = "seos.csv") -> ImportBatch:
    """(day, municipality code, sent, received) rows, imported as an operator's SEOS file."""
    lines = [f"{day.isoformat()},{code},{sent},{received}" for day, code, sent, received in rows]
    return _import("seos", "date,municipality,sent,received", lines, name)
