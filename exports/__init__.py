"""The portal's downloads. Pages plug in with `@exports.register` in their app's `exports.py`:

    import exports

    @exports.register
    class UsageReportExport(exports.TableExport):
        page = "reports:usage"
        ...

Nothing else imports this app; see registry.py and sources.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .registry import register

if TYPE_CHECKING:  # what mypy sees of the names __getattr__ loads on first use
    from .formats import PERCENT
    from .sources import ExportSource, QueryExport, TableExport

__all__ = ["PERCENT", "ExportSource", "QueryExport", "TableExport", "register"]


def __getattr__(name: str) -> Any:
    # The source classes import django-tables2, which reads settings: load them on first use.
    if name in {"ExportSource", "TableExport", "QueryExport", "PERCENT"}:
        from . import formats, sources

        return getattr(formats if name == "PERCENT" else sources, name)
    raise AttributeError(name)
