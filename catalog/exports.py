"""The RegiX catalogue's downloads (public reference data, as its pages)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

import exports

from .filters import QueryTypeFilterSet, RegisterFilterSet
from .tables import QueryTypeTable, RegisterTable
from .views import registers_with_counts


@exports.register
class RegisterListExport(exports.TableExport):
    page = "catalog:register-list"
    title = _("RegiX registers")
    login_required = False
    table_class = RegisterTable
    filterset_class = RegisterFilterSet

    def get_queryset(self):
        return registers_with_counts()


@exports.register
class RegisterDetailExport(exports.TableExport):
    page = "catalog:register-detail"
    title = _("RegiX query types")
    login_required = False
    table_class = QueryTypeTable
    filterset_class = QueryTypeFilterSet

    @cached_property
    def register(self):
        return get_object_or_404(registers_with_counts(), code=self.kwargs.get("code"))

    def check_access(self) -> None:
        self.register  # noqa: B018 - an unknown register is a 404, as on the page

    def get_queryset(self):
        return self.register.query_types.all()

    def name_parts(self) -> list[str]:
        return [*super().name_parts(), self.register.code.replace("/", "-")]
