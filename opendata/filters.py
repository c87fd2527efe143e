"""The filters of the open municipality list, shared by the page and the open API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from adoption.models import Service, Stage
from municipalities.choices import PopulationBand
from municipalities.models import Province

from .models import EditionFigure

YES_NO = [("yes", _("yes")), ("no", _("no"))]


def _provinces() -> list[tuple[str, str]]:
    return [(p.code, p.name) for p in Province.objects.only("code", "name_bg", "name_en")]


def _services() -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in Service.objects.all()]


class OpenMunicipalityFilterSet(django_filters.FilterSet):
    """Filters over the stored payloads of one edition's municipalities (JSON lookups)."""

    q = django_filters.CharFilter(label=_("Name or code"), method="filter_q")
    province = django_filters.ChoiceFilter(label=_("Province"), choices=_provinces, method="filter_province")
    population_band = django_filters.ChoiceFilter(
        label=_("Population"), choices=PopulationBand.choices, method="filter_band"
    )
    service = django_filters.ChoiceFilter(label=_("Service"), choices=_services, method="filter_noop")
    stage = django_filters.CharFilter(label=_("Stage code"), method="filter_stage")
    adopted = django_filters.ChoiceFilter(label=_("Declared adopted"), choices=YES_NO, method="filter_adopted")
    observed = django_filters.ChoiceFilter(label=_("Observed in use"), choices=YES_NO, method="filter_observed")

    class Meta:
        model = EditionFigure
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return (
            queryset.filter(payload__name_bg__icontains=value)
            | queryset.filter(payload__name_en__icontains=value)
            | queryset.filter(code__iexact=value)
        )

    @extend_schema_field(OpenApiTypes.STR)  # a province's NSI code
    def filter_province(self, queryset, name, value):
        return queryset.filter(payload__province_code=value)

    def filter_band(self, queryset, name, value):
        return queryset.filter(payload__population_band=value)

    @extend_schema_field(OpenApiTypes.STR)  # a service code
    def filter_noop(self, queryset, name, value):
        return queryset  # the service only scopes stage / adopted / observed

    def _cell(self, queryset, **match):
        service = self.form.cleaned_data.get("service")
        if not service:
            return queryset
        return queryset.filter(payload__services__contains=[{"service": service, **match}])

    def filter_stage(self, queryset, name, value):
        if not value:
            return queryset
        if not Stage.objects.filter(code=value).exists():
            return queryset.none()
        return self._cell(queryset, stage=value)

    def filter_adopted(self, queryset, name, value):
        return self._cell(queryset, adopted=value == "yes")

    def filter_observed(self, queryset, name, value):
        return self._cell(queryset, observed=value == "yes")
