"""One FilterSet for municipalities, shared by the list page, its export and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import POPULATION_BAND_BOUNDS, PopulationBand
from .models import Municipality, Province


class MunicipalityFilterSet(django_filters.FilterSet):
    province = django_filters.ModelChoiceFilter(
        label=_("Province"),
        queryset=Province.objects.all(),
        to_field_name="code",
        empty_label=_("All provinces"),
    )
    q = django_filters.CharFilter(label=_("Name or code"), method="search")
    population_band = django_filters.ChoiceFilter(
        label=_("Population"),
        choices=PopulationBand.choices,
        method="filter_population",
        empty_label=_("Any population"),
    )

    class Meta:
        model = Municipality
        fields = ["province", "q", "population_band"]

    def search(self, queryset, name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name_bg__icontains=value) | Q(name_en__icontains=value) | Q(code__iexact=value))

    def filter_population(self, queryset, name: str, value: str):
        low, high = POPULATION_BAND_BOUNDS[value]
        queryset = queryset.filter(population__gte=low)
        return queryset if high is None else queryset.filter(population__lt=high)


class ProvinceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="search")

    class Meta:
        model = Province
        fields = ["q"]

    def search(self, queryset, name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name_bg__icontains=value) | Q(name_en__icontains=value) | Q(code__iexact=value))
