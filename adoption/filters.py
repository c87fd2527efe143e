"""The declarations' FilterSets: the declarations list and its CSV export, and the pending queue's
page and API. A filter's help_text is the API's description of its query parameter."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from municipalities.models import Province

from .choices import Verification
from .models import Adoption, AdoptionQuerySet, Service, Stage, stale_cutoff


def stage_code_choices() -> list[tuple[str, str]]:
    """Every stage code with its name(s) in the active language: several services share a code
    ("applied", "suspended") under different names, shown together ("Applied / Profile requested")."""
    names: dict[str, list[str]] = {}
    for stage in Stage.objects.order_by("order", "service__order", "id"):
        labels = names.setdefault(stage.code, [])
        if stage.name not in labels:
            labels.append(stage.name)
    return [(code, " / ".join(labels)) for code, labels in names.items()]


def _province_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("Province"),
        field_name="municipality__province",
        queryset=Province.objects.defer("boundary"),
        to_field_name="code",
        empty_label=_("All provinces"),
        help_text="NSI province code, e.g. VAR: only its municipalities.",
    )


def _service_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label=_("Service"),
        queryset=Service.objects.all(),
        to_field_name="code",
        empty_label=_("All services"),
        help_text="Service code, e.g. seos or regix: only its declarations.",
    )


class AdoptionFilterSet(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no types: its classes are Any
    q = django_filters.CharFilter(label=_("Municipality"), method="search")
    province = _province_filter()
    service = _service_filter()
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), field_name="stage__code", choices=stage_code_choices, empty_label=_("Any stage")
    )
    adopted = django_filters.BooleanFilter(label=_("Counts as adopted"), field_name="stage__counts_as_adopted")
    verification = django_filters.ChoiceFilter(
        label=_("Verification"), choices=Verification.choices, empty_label=_("Any verification")
    )
    stale = django_filters.BooleanFilter(label=_("Stale"), method="filter_stale")

    class Meta:
        model = Adoption
        fields = ["q", "province", "service", "stage", "adopted", "verification", "stale"]

    def search(self, queryset: AdoptionQuerySet, name: str, value: str) -> AdoptionQuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(municipality__name_bg__icontains=value)
            | Q(municipality__name_en__icontains=value)
            | Q(municipality__code__iexact=value)
        )

    def filter_stale(self, queryset: AdoptionQuerySet, name: str, value: bool) -> AdoptionQuerySet:
        cutoff = stale_cutoff()
        return (
            queryset.filter(last_confirmed_at__lt=cutoff) if value else queryset.filter(last_confirmed_at__gte=cutoff)
        )


class PendingAdoptionFilterSet(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no types: its classes are Any
    """The pending-verification API's filters: the same province and service as the declarations list
    (verification, stage and staleness would be meaningless on a queue of unverified declarations)."""

    province = _province_filter()
    service = _service_filter()

    class Meta:
        model = Adoption
        fields = ["province", "service"]
