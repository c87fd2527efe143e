"""The reports' FilterSets, each shared by its page, its exports and its API endpoint.

Both are FilterSets over the municipalities the user may see (the view's queryset), so the
scoping is the same everywhere. Every filter narrows a QuerySet: the place filters narrow those
municipalities, the others narrow the report's facts of the municipalities left (the views of
`reports.models`). `filter_queryset` returns the narrowed facts; `qs`, what the page, the export
and the API read, is the report's rows that `reports.queries` computes from them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any, ClassVar

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from adoption.filters import stage_code_choices
from adoption.models import Service
from adoption.services import services_with_stages
from catalog.models import QueryType, Register
from municipalities.models import Municipality, Province

from .choices import NOT_DECLARED, MatrixVerification, UsageBreakdown, UsageService
from .queries import (
    MATRIX_ORDERING,
    first_stage_services,
    matrix_cells,
    matrix_order,
    matrix_rows,
    usage_facts,
    usage_items,
    usage_rows,
)

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class MonthInput(forms.DateInput):
    input_type = "month"


class MonthField(forms.Field):
    """A month as YYYY-MM (what <input type="month"> sends), cleaned to its first day."""

    widget = MonthInput
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, e.g. 2026-01.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        match = MONTH_RE.match(str(value).strip())
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return date(int(match[1]), int(match[2]), 1)


class MonthFilter(django_filters.Filter):
    """Facts from (`lookup_expr="gte"`) or up to (`"lte"`) a month, inclusive."""

    field_class = MonthField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        extend_schema_field(
            {"type": "string", "pattern": r"^\d{4}-\d{2}$", "description": kwargs.get("help_text", "")}
        )(self)


class CodesFilter(django_filters.ModelMultipleChoiceFilter):
    """Rows chosen by their codes, repeated for several (`?province=VAR&province=SOF`). Its schema is
    named here, with its help text: the API views' model (municipalities) is not the one these
    filters narrow, so drf-spectacular cannot guess the type from it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        extend_schema_field({"type": "string", "description": kwargs.get("help_text", "")})(self)


class ReportFilterSet(django_filters.FilterSet):
    """Always bound (no filters = the defaults), so `qs` is always the report's rows, never the
    municipalities it starts from; invalid filters give no rows (the form shows the errors).

    `place_filters` narrow the municipalities; `facts()` takes the report's facts of those left,
    which every other filter narrows in turn; `rows()` computes the report from them.
    """

    place_filters: ClassVar[tuple[str, ...]] = ()

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data if data is not None else {}, *args, **kwargs)

    def facts(self, places: QuerySet[Municipality]) -> QuerySet:
        raise NotImplementedError

    def rows(self, facts: QuerySet) -> Any:
        raise NotImplementedError

    def _narrow(self, queryset: QuerySet, names: Iterable[str]) -> QuerySet:
        for name in names:
            queryset = self.filters[name].filter(queryset, self.form.cleaned_data.get(name))
            assert isinstance(queryset, QuerySet), f"{type(self).__name__}.{name} returned no QuerySet"  # noqa: S101
        return queryset

    def filter_queryset(self, queryset: QuerySet[Municipality]) -> QuerySet:
        """The facts of the municipalities the place filters leave, narrowed by the other filters."""
        places = self._narrow(queryset, self.place_filters)
        return self._narrow(self.facts(places), [name for name in self.filters if name not in self.place_filters])

    @property
    def qs(self) -> Any:
        if not hasattr(self, "_qs"):
            if self.is_valid():
                facts = self.filter_queryset(self.queryset.all())
            else:
                facts = self.facts(self.queryset.none())
            self._qs = self.rows(facts)
        return self._qs


class BreakdownFilter(django_filters.ChoiceFilter):
    """What each RegiX fact is counted per: it sets the facts' item (register by default), narrowing
    nothing."""

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if value in ("", None, UsageBreakdown.REGISTER):
            return qs  # the facts come per register
        return usage_items(qs, value)


class UsageReportFilterSet(ReportFilterSet):
    """Usage per month × municipality × register or query type, from the monthly rollups."""

    place_filters = ("province", "municipality")

    month_from = MonthFilter(
        label=_("From month"),
        field_name="month",
        lookup_expr="gte",
        help_text=_("First month, YYYY-MM (inclusive)."),
    )
    month_to = MonthFilter(
        label=_("To month"),
        field_name="month",
        lookup_expr="lte",
        help_text=_("Last month, YYYY-MM (inclusive)."),
    )
    province = CodesFilter(
        label=_("Provinces"),
        queryset=Province.objects.defer("boundary"),
        to_field_name="code",
        field_name="province__code",
        help_text=_("NSI province codes, e.g. VAR; repeat for several."),
    )
    municipality = CodesFilter(
        label=_("Municipalities"),
        queryset=Municipality.objects.defer("boundary"),
        to_field_name="code",
        field_name="code",
        help_text=_("Municipality codes, e.g. VAR06; repeat for several."),
    )
    service = django_filters.MultipleChoiceFilter(
        label=_("Services"),
        choices=UsageService.choices,
        field_name="service",
        distinct=False,  # one fact per value: nothing to deduplicate
        help_text=_("regix, seos or both (the default)."),
    )
    by = BreakdownFilter(
        label=_("RegiX rows per"),
        choices=UsageBreakdown.choices,
        empty_label=None,
        help_text=_("register (the default) or query_type: what each RegiX row is per."),
    )
    register = CodesFilter(
        label=_("Registers"),
        queryset=Register.objects.all(),
        to_field_name="code",
        field_name="query_type__register__code",
        distinct=False,  # one fact per value: nothing to deduplicate
        help_text=_("Only these RegiX registers (codes); SEOS rows are then left out."),
    )
    query_type = CodesFilter(
        label=_("Query types"),
        queryset=QueryType.objects.all(),
        to_field_name="operation",
        field_name="query_type__operation",
        distinct=False,  # one fact per value: nothing to deduplicate
        help_text=_("Only these RegiX query types (full operation names); SEOS rows are then left out."),
    )

    class Meta:
        model = Municipality
        fields = ["month_from", "month_to", "province", "municipality", "service", "by", "register", "query_type"]

    def facts(self, places: QuerySet[Municipality]) -> QuerySet:
        return usage_facts(places)

    def rows(self, facts: QuerySet) -> QuerySet:
        return usage_rows(facts)


def stage_choices() -> list[tuple[str, str]]:
    """The stage codes of all services, labelled by their names (see adoption.filters)."""
    return stage_code_choices()


class AdoptionMatrixFilterSet(ReportFilterSet):
    """One row per municipality × service: declared stage, verification, observed use and usage."""

    place_filters = ("q", "province")

    q = django_filters.CharFilter(label=_("Municipality"), method="search", help_text=_("Name or code."))
    province = CodesFilter(
        label=_("Provinces"),
        queryset=Province.objects.defer("boundary"),
        to_field_name="code",
        field_name="province__code",
        help_text=_("NSI province codes, e.g. VAR; repeat for several."),
    )
    service = CodesFilter(
        label=_("Services"),
        queryset=Service.objects.all(),
        to_field_name="code",
        field_name="service__code",
        distinct=False,  # one fact per value: nothing to deduplicate
        help_text=_("Service codes, e.g. regix; repeat for several."),
    )
    stage = django_filters.MultipleChoiceFilter(
        label=_("Stages"),
        choices=stage_choices,
        method="filter_stage",
        help_text=_("Stage codes, e.g. production; a pair nobody declared is at its service's first stage."),
    )
    verification = django_filters.MultipleChoiceFilter(
        label=_("Verification"),
        choices=MatrixVerification.choices,
        method="filter_verification",
        help_text=_("unverified, verified, rejected or not_declared."),
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Order by"),
        choices=[(key, key) for key in MATRIX_ORDERING] + [(f"-{key}", f"-{key}") for key in MATRIX_ORDERING],
        method="order",
        help_text=_("A column name; a leading minus sorts descending. Default: municipality."),
    )

    class Meta:
        model = Municipality
        fields = ["q", "province", "service", "stage", "verification", "ordering"]

    def search(self, queryset: QuerySet[Municipality], name: str, value: str) -> QuerySet[Municipality]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name_bg__icontains=value) | Q(name_en__icontains=value) | Q(code__iexact=value))

    def filter_stage(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        """Cells declared at one of the stages, or undeclared where it is their service's first stage."""
        undeclared_there = first_stage_services(services_with_stages(), value)
        undeclared = Q(adoption__isnull=True, service__in=undeclared_there)
        return queryset.filter(Q(adoption__stage__code__in=value) | undeclared)

    def filter_verification(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        """Declarations in one of the verification states; `not_declared` are the cells without one."""
        matches = Q(adoption__verification__in=[v for v in value if v != NOT_DECLARED])
        if NOT_DECLARED in value:
            matches |= Q(adoption__isnull=True)
        return queryset.filter(matches)

    def order(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return matrix_order(queryset, value)

    def facts(self, places: QuerySet[Municipality]) -> QuerySet:
        return matrix_cells(places)

    def rows(self, facts: QuerySet) -> list:
        return matrix_rows(facts)
