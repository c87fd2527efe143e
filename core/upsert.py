"""Idempotent bulk upserts of reference data keyed by a natural key."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class ImportReport:
    """What an import changed, per model."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()))


def upsert_by_key(model, key: str, rows: dict[str, dict], report: ImportReport) -> None:
    """Create missing rows and update changed ones, keyed by the natural key field, in bulk."""
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    to_create, to_update = [], []
    fields = sorted({name for values in rows.values() for name in values})
    for code, values in rows.items():
        obj = existing.get(code)
        if obj is None:
            to_create.append(model(**{key: code}, **values))
        elif any(getattr(obj, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            to_update.append(obj)
    model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, fields)
    label = model._meta.model_name
    report.created[label] += len(to_create)
    report.updated[label] += len(to_update)
    report.unchanged[label] += len(rows) - len(to_create) - len(to_update)
