"""Pages of the RegiX catalogue: the searchable registers list and a register's page.

The catalogue is public reference data: everybody may read it; only administrators change it
(in the Django admin or with `import_regix_catalog`).
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from .filters import QueryTypeFilterSet, RegisterFilterSet
from .models import Register
from .tables import QueryTypeTable, RegisterTable


def registers_with_counts():
    return Register.objects.annotate(
        query_type_count=Count("query_types"),
        active_query_type_count=Count("query_types", filter=Q(query_types__is_active=True)),
    )


class RegisterListView(SingleTableMixin, FilterView):
    """All registers with their query type counts; `?_export=excel|csv|xlsx` downloads the view."""

    model = Register
    table_class = RegisterTable
    filterset_class = RegisterFilterSet
    template_name = "catalog/register_list.html"

    def get_queryset(self):
        return registers_with_counts()


class RegisterDetailView(SingleTableMixin, FilterView):
    """One register and its query types."""

    table_class = QueryTypeTable
    template_name = "catalog/register_detail.html"
    filterset_class = QueryTypeFilterSet

    def dispatch(self, request, *args, **kwargs):
        self.register = get_object_or_404(registers_with_counts(), code=kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.register.query_types.all()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "register": self.register}
