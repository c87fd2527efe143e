"""Pages of the municipalities app: the filterable list and a municipality's page."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from adoption.views import municipality_section_context

from .filters import MunicipalityFilterSet
from .geo import project
from .models import Municipality
from .tables import MunicipalityTable


class MunicipalityListView(SingleTableMixin, FilterView):
    """All 265 municipalities, filtered by province and name; `?_export=excel|csv|xlsx` downloads the view."""

    model = Municipality
    table_class = MunicipalityTable
    filterset_class = MunicipalityFilterSet
    template_name = "municipalities/municipality_list.html"

    def get_queryset(self):
        return Municipality.objects.select_related("province").defer("boundary", "province__boundary")


class MunicipalityDetailView(DetailView):
    """A municipality's facts and a map of its boundary among its province's municipalities."""

    model = Municipality
    template_name = "municipalities/municipality_detail.html"
    context_object_name = "municipality"

    def get_object(self, queryset=None) -> Municipality:
        return get_object_or_404(Municipality.objects.select_related("province"), code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        municipality = self.object
        neighbours = Municipality.objects.filter(province_id=municipality.province_id, boundary__isnull=False).only(
            "code", "name_bg", "name_en", "boundary"
        )
        by_code = {m.code: m for m in neighbours}
        svg = project({code: m.boundary for code, m in by_code.items()})
        context["map"] = svg
        context["map_shapes"] = [
            {"shape": shape, "municipality": by_code[shape.key], "current": shape.key == municipality.code}
            for shape in svg.shapes
        ]
        context.update(municipality_section_context(self.request, municipality))
        return context
