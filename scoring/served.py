"""The index as the pages, the API and the exports ask for it: computed once per change of the data.

The index on a day changes only when its inputs do: an import (the rollups), the adoption history
(declarations, verifications) or the scoring data (a new method version). So the table is kept in
the shared cache (dashboards/cache.py) under the dashboards' data version and the scoring version,
per language (it holds names): every worker computes it once per change, and the task that warms the
dashboards after an import or a declaration computes today's before anyone asks (`warm_index`).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import timezone, translation

from dashboards.cache import cached

from .index import IndexTable, NoIndexMethod, index_on
from .models import scoring_version


def served_index(
    day: date, method: int | None = None, data_version: str | None = None, refresh: bool = False
) -> IndexTable:
    """`index_on(day, method)`, from the shared cache when this data and scoring version has it.

    `data_version`: the dashboards' data version when the caller has read it already (a page has)."""
    if settings.DASHBOARD_CACHE_SECONDS <= 0:
        return index_on(day, method)
    parts = (day, method, scoring_version())
    return cached("scoring_index", parts, lambda: index_on(day, method), data_version, refresh=refresh)


def warm_index() -> int:
    """Today's index under the newest method, in every language, computed again and kept."""
    kept = 0
    for language, _label in settings.LANGUAGES:
        with translation.override(language):
            try:
                served_index(timezone.localdate(), refresh=True)
            except NoIndexMethod:
                return kept
            kept += 1
    return kept
