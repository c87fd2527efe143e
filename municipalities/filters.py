"""One FilterSet for municipalities, shared by the list page, its export and the API.

A filter's label is the page's short form label; its help_text is the API's fuller description of
the query parameter (drf-spectacular reads it; choices become the parameter's enum)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import POPULATION_BAND_BOUNDS, PopulationBand
from .models import Municipality, Province

# API descriptions shared with the FilterSets of other apps that filter municipalities.
NAME_OR_CODE = "Part of the Bulgarian or English name (any case), or the exact code."
POPULATION_BAND = "Population band: lt5k (under 5,000), 5k-20k, 20k-100k or gt100k (100,000 and over)."


def province_choices() -> list[tuple[str, str]]:
    """Every province's code and name in the active language, for filters on rows that are not models."""
    return [(p.code, p.name) for p in Province.objects.only("code", "name_bg", "name_en")]


class MunicipalityFilterSet(django_filters.FilterSet):
    province = django_filters.ModelChoiceFilter(
        label=_("Province"),
        queryset=Province.objects.all(),
        to_field_name="code",
        empty_label=_("All provinces"),
        help_text="NSI province code, e.g. VAR: only its municipalities.",
    )
    q = django_filters.CharFilter(label=_("Name or code"), method="search", help_text=NAME_OR_CODE)
    population_band = django_filters.ChoiceFilter(
        label=_("Population"),
        choices=PopulationBand.choices,
        method="filter_population",
        empty_label=_("Any population"),
        help_text=POPULATION_BAND,
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
    q = django_filters.CharFilter(label=_("Name or code"), method="search", help_text=NAME_OR_CODE)

    class Meta:
        model = Province
        fields = ["q"]

    def search(self, queryset, name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name_bg__icontains=value) | Q(name_en__icontains=value) | Q(code__iexact=value))
