"""The dashboard tables' downloads: the page's own table for the `?as_of=` date, every row of it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import BadRequest, PermissionDenied
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

import exports
from accounts import policy
from municipalities.models import Province

from .cache import cached
from .forms import AsOfForm, MunicipalityFilterForm
from .queries import (
    MunicipalityFilter,
    MunicipalityRow,
    MunicipalityTable,
    ProvinceRow,
    ProvinceTable,
    filter_rows,
    municipality_table,
    province_table,
)
from .snapshots import USAGE_ROLLUPS
from .tables import MunicipalityAdoptionTable, ProvinceAdoptionTable

if TYPE_CHECKING:  # the exports package loads its source classes lazily (a module __getattr__)
    from exports.sources import TableExport
else:
    TableExport = exports.TableExport


class DashboardExport(TableExport):
    """Signed-in dashboard readers; a bad `?as_of=` is a 400 as on the page (see views.DashboardMixin)."""

    every_municipality = False

    def check_access(self) -> None:
        if not policy.can_view_dashboards(self.user):
            raise PermissionDenied
        if self.every_municipality and not policy.can_view_every_municipality(self.user):
            raise PermissionDenied
        if not self.as_of_form.is_valid():
            raise BadRequest("Invalid as_of date.")

    @cached_property
    def as_of_form(self) -> AsOfForm:
        return AsOfForm(self.params)

    @property
    def as_of(self) -> date:
        if not self.as_of_form.is_valid():
            raise BadRequest("Invalid as_of date.")
        as_of: date = self.as_of_form.cleaned_data["as_of"]
        return as_of

    def name_parts(self) -> list[str]:
        return [*super().name_parts(), self.as_of.isoformat()]


@exports.register
class ProvinceTableExport(DashboardExport):
    page = "dashboards:provinces"
    title = _("provinces")

    def get_table_data(self) -> list[ProvinceRow]:
        return self.result.rows

    @cached_property
    def result(self) -> ProvinceTable:
        return cached("province_table", (self.as_of,), lambda: province_table(self.as_of))

    def make_table(self, data: Any, **kwargs: Any) -> ProvinceAdoptionTable:
        result = self.result
        return ProvinceAdoptionTable(
            data, services=result.services, observed_codes=set(USAGE_ROLLUPS), total=result.total
        )


@exports.register
class MunicipalityTableExport(DashboardExport):
    page = "dashboards:municipalities"
    title = _("municipalities by service")
    every_municipality = True

    @cached_property
    def result(self) -> MunicipalityTable:
        return cached("municipality_table", (self.as_of,), lambda: municipality_table(self.as_of))

    def get_table_data(self) -> list[MunicipalityRow]:
        result = self.result
        form = MunicipalityFilterForm(
            self.params, services=result.services, provinces=Province.objects.only("code", "name_bg", "name_en")
        )
        rows = result.rows
        if form.is_valid():
            data = form.cleaned_data
            rows = filter_rows(
                rows, MunicipalityFilter(**{k: data.get(k) or "" for k in MunicipalityFilter.__annotations__})
            )
        return rows

    def make_table(self, data: Any, **kwargs: Any) -> MunicipalityAdoptionTable:
        observed = set(USAGE_ROLLUPS)
        return MunicipalityAdoptionTable(data, services=self.result.services, observed_codes=observed, **kwargs)
