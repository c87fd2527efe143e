"""The scoring app's downloads, registered with the exports app: the index table and the targets."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

import exports
from accounts import policy
from dashboards.exports import DashboardExport

from .filters import IndexFilterSet
from .index import NoIndexMethod
from .peers import ranked_rows
from .served import served_index
from .tables import IndexTable, TargetProgressTable
from .targets import targets_progress


@exports.register
class IndexExport(DashboardExport):
    """Every municipality's index, band and peer ranks as on the page, with its method's version."""

    page = "scoring:index"
    title = _("adoption index")
    every_municipality = True

    def check_access(self) -> None:
        super().check_access()
        if not policy.can_view_index_table(self.user):
            raise PermissionDenied

    @cached_property
    def result(self) -> Any:
        value = self.params.get("method", "")
        try:
            return served_index(self.as_of, int(value) if str(value).isdigit() else None)
        except NoIndexMethod as error:
            raise Http404(str(error)) from error

    def get_table_data(self) -> Any:
        return IndexFilterSet(self.params, rows=ranked_rows(self.result)).qs

    def make_table(self, data: Any, **kwargs: Any) -> IndexTable:
        return IndexTable(data, services=self.result.services, **kwargs)

    def name_parts(self) -> list[str]:
        return [*super().name_parts(), f"v{self.result.method_version}"]


@exports.register
class TargetsExport(DashboardExport):
    """Each target's progress; the missing list limited to what the user may see, as on screen."""

    page = "scoring:targets"
    title = _("targets")

    def check_access(self) -> None:
        super().check_access()
        if not policy.can_view_targets(self.user):
            raise PermissionDenied

    def get_table_data(self) -> Any:
        rows = targets_progress(self.as_of)
        if not policy.can_view_target_missing(self.user):
            scope = policy.declarations_scope(self.user)
            rows = [replace(p, missing=[m for m in p.missing if scope.includes(municipality_id=m.id)]) for p in rows]
        return rows

    def make_table(self, data: Any, **kwargs: Any) -> TargetProgressTable:
        return TargetProgressTable(data, **kwargs)
