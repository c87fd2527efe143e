"""The filters of the open municipality list, shared by the page and the open API.

A filter's label is the page's; its help_text is the open API's description of the query parameter."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from adoption.models import Service, Stage
from municipalities.choices import PopulationBand
from municipalities.filters import NAME_OR_CODE, POPULATION_BAND, province_choices

from .models import EditionFigure

YES_NO = [("yes", _("yes")), ("no", _("no"))]


def _services() -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in Service.objects.all()]


def _stages() -> list[tuple[str, list[tuple[str, str]]]]:
    """Each service's stages by name under the service's name: the page shows labels, the API takes codes."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for stage in Stage.objects.select_related("service"):
        grouped.setdefault(stage.service.name, []).append((stage.code, stage.name))
    return list(grouped.items())


class OpenMunicipalityFilterSet(django_filters.FilterSet):
    """Filters over the stored payloads of one edition's municipalities (JSON lookups)."""

    q = django_filters.CharFilter(label=_("Name or code"), method="filter_q", help_text=NAME_OR_CODE)
    province = django_filters.ChoiceFilter(
        label=_("Province"),
        choices=province_choices,
        method="filter_province",
        help_text="Only this province (NSI code, e.g. VAR).",
    )
    population_band = django_filters.ChoiceFilter(
        label=_("Population"), choices=PopulationBand.choices, method="filter_band", help_text=POPULATION_BAND
    )
    service = django_filters.ChoiceFilter(
        label=_("Service"),
        choices=_services,
        method="filter_noop",
        help_text="The service that stage, adopted and observed refer to (a service code, e.g. regix).",
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"),
        choices=_stages,
        method="filter_stage",
        help_text="Only municipalities at this stage of the service (a stage code, e.g. production); "
        "ignored without service.",
    )
    adopted = django_filters.ChoiceFilter(
        label=_("Declared adopted"),
        choices=YES_NO,
        method="filter_adopted",
        help_text="yes or no: whether the service is declared adopted (verified); ignored without service.",
    )
    observed = django_filters.ChoiceFilter(
        label=_("Observed in use"),
        choices=YES_NO,
        method="filter_observed",
        help_text="yes or no: whether the usage reports show the service in use; ignored without service.",
    )

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

    def filter_province(self, queryset, name, value: str):  # the hint types the API parameter
        return queryset.filter(payload__province_code=value)

    def filter_band(self, queryset, name, value):
        return queryset.filter(payload__population_band=value)

    def filter_noop(self, queryset, name, value: str):  # the hint types the API parameter
        return queryset  # the service only scopes stage / adopted / observed

    def _cell(self, queryset, **match):
        service = self.form.cleaned_data.get("service")
        if not service:
            return queryset
        return queryset.filter(payload__services__contains=[{"service": service, **match}])

    def filter_stage(self, queryset, name, value: str):  # the hint types the API parameter
        return self._cell(queryset, stage=value) if value else queryset

    def filter_adopted(self, queryset, name, value):
        return self._cell(queryset, adopted=value == "yes")

    def filter_observed(self, queryset, name, value):
        return self._cell(queryset, observed=value == "yes")
