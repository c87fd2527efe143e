"""Idempotent bulk upserts of reference data keyed by a natural key."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model


@dataclass
class ImportReport:
    """What an import changed, per model."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()))


def upsert_by_key(model: type[Model], key: str, rows: dict[str, dict[str, Any]], report: ImportReport) -> None:
    """Create missing rows and update changed ones, keyed by the natural key field, in bulk."""
    manager = model._default_manager
    existing = {getattr(obj, key): obj for obj in manager.all()}
    to_create: list[Model] = []
    to_update: list[Model] = []
    fields = sorted({name for values in rows.values() for name in values})
    for code, values in rows.items():
        obj = existing.get(code)
        if obj is None:
            to_create.append(model(**{key: code}, **values))
        elif any(getattr(obj, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            to_update.append(obj)
    manager.bulk_create(to_create)
    if to_update:
        manager.bulk_update(to_update, fields)
    label = model._meta.label_lower.split(".")[-1]
    report.created[label] += len(to_create)
    report.updated[label] += len(to_update)
    report.unchanged[label] += len(rows) - len(to_create) - len(to_update)
