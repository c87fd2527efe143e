"""Import of the RegiX catalogue CSV (registers and operations).

Validates the whole file before writing; writes upserts in one transaction, so a re-run
changes nothing. Operations missing from a newer file are left alone: an administrator
may have added them by hand, and retiring is an explicit act in the admin.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.db import transaction

from core.csvfiles import DataFileError, read_csv_rows
from core.upsert import ImportReport, upsert_by_key

from .models import QueryType, Register

COLUMNS = ["register_code", "register_name_bg", "register_name_en", "owner", "adapter", "operation"]
OPERATION = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$")


def read_catalog(path: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    """Return validated (registers by code, operations by name)."""
    registers: dict[str, dict] = {}
    operations: dict[str, dict] = {}
    for line, row in read_csv_rows(path, COLUMNS):
        code, operation = row["register_code"], row["operation"]
        if not code:
            raise DataFileError(path, "field 'register_code' is empty", line)
        if not row["register_name_bg"]:
            raise DataFileError(path, "field 'register_name_bg' is empty", line)
        if not OPERATION.match(operation):
            raise DataFileError(path, f"field 'operation': {operation!r} is not an operation name", line)
        if operation in operations:
            raise DataFileError(path, f"field 'operation': {operation} appears twice", line)
        register = {"name_bg": row["register_name_bg"], "name_en": row["register_name_en"], "owner": row["owner"]}
        if registers.setdefault(code, register) != register:
            raise DataFileError(path, f"register {code} has different names or owner than on an earlier line", line)
        operations[operation] = {
            "register_code": code,
            "adapter": row["adapter"],
            "source": row.get("source", ""),
        }
    if not operations:
        raise DataFileError(path, "no operations in the file")
    return registers, operations


def import_catalog(path: Path) -> ImportReport:
    """Validate the file, then upsert registers and query types in one transaction."""
    registers, operations = read_catalog(Path(path))
    report = ImportReport()
    with transaction.atomic():
        upsert_by_key(Register, "code", registers, report)
        register_ids = dict(Register.objects.values_list("code", "id"))
        rows = {
            operation: {
                "register_id": register_ids[values["register_code"]],
                "adapter": values["adapter"],
                "source": values["source"],
            }
            for operation, values in operations.items()
        }
        upsert_by_key(QueryType, "operation", rows, report)
    return report
