"""The reports' FilterSets, each shared by its page, its exports and its API endpoint.

Both are FilterSets over the municipalities the user may see (the view's queryset), so the
scoping is the same everywhere; their `filter_queryset` turns the cleaned filters into the
report's rows (`reports.queries`), which the page, the export and the API then show as they are.
"""

from __future__ import annotations

import re
from datetime import date

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from adoption.filters import stage_code_choices
from adoption.models import Service
from catalog.models import QueryType, Register
from municipalities.models import Municipality, Province

from .choices import MatrixVerification, UsageBreakdown, UsageService
from .queries import MatrixParams, UsageParams, adoption_matrix, usage_aggregates

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


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{4}-\d{2}$", "description": "A month as YYYY-MM, e.g. 2026-01 (inclusive)."}
)
class MonthFilter(django_filters.Filter):
    field_class = MonthField


def _codes(values) -> list[str]:
    return [getattr(value, "code", value) for value in values or ()]


def _keep(queryset, name: str, value: str):
    """The filters are read together by filter_queryset; one by one they change nothing."""
    return queryset


class ReportFilterSet(django_filters.FilterSet):
    """Always bound (no filters = the defaults), so `qs` is always the report's rows, never the
    municipalities it starts from; invalid filters give no rows (the form shows the errors)."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data if data is not None else {}, *args, **kwargs)


class CodesFilter(django_filters.ModelMultipleChoiceFilter):
    """Rows chosen by their codes, repeated for several (`?province=VAR&province=SOF`). Its schema is
    named here, with its help text: the report's API lists rollups, a model in which drf-spectacular
    cannot find the field to guess its type from."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        extend_schema_field({"type": "string", "description": kwargs.get("help_text", "")})(self)


class UsageReportFilterSet(ReportFilterSet):
    """Usage per month × municipality × register or query type, from the monthly rollups."""

    month_from = MonthFilter(label=_("From month"), method=_keep, help_text=_("First month, YYYY-MM (inclusive)."))
    month_to = MonthFilter(label=_("To month"), method=_keep, help_text=_("Last month, YYYY-MM (inclusive)."))
    # These two filter the municipalities the report starts from, as any FilterSet does.
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
        method=_keep,
        help_text=_("regix, seos or both (the default)."),
    )
    by = django_filters.ChoiceFilter(
        label=_("RegiX rows per"),
        choices=UsageBreakdown.choices,
        method=_keep,
        empty_label=None,
        help_text=_("register (the default) or query_type: what each RegiX row is per."),
    )
    register = django_filters.ModelMultipleChoiceFilter(
        label=_("Registers"),
        queryset=Register.objects.all(),
        to_field_name="code",
        method=_keep,
        help_text=_("Only these RegiX registers (codes); SEOS rows are then left out."),
    )
    query_type = django_filters.ModelMultipleChoiceFilter(
        label=_("Query types"),
        queryset=QueryType.objects.all(),
        to_field_name="operation",
        method=_keep,
        help_text=_("Only these RegiX query types (full operation names); SEOS rows are then left out."),
    )

    class Meta:
        model = Municipality
        fields = ["month_from", "month_to", "province", "municipality", "service", "by", "register", "query_type"]

    def params(self) -> UsageParams:
        data = self.form.cleaned_data
        return UsageParams(
            month_from=data.get("month_from"),
            month_to=data.get("month_to"),
            services=list(data.get("service") or ()),
            registers=_codes(data.get("register")),
            query_types=[query_type.operation for query_type in data.get("query_type") or ()],
            by=data.get("by") or UsageBreakdown.REGISTER,
        )

    def filter_queryset(self, queryset: QuerySet[Municipality]) -> QuerySet:
        if not self.form.is_valid():
            return usage_aggregates(queryset.none(), UsageParams(services=[UsageService.REGIX]))
        return usage_aggregates(super().filter_queryset(queryset), self.params())


def stage_choices() -> list[tuple[str, str]]:
    """The stage codes of all services, labelled by their names (see adoption.filters)."""
    return stage_code_choices()


MATRIX_ORDERING = {
    "municipality": ("municipality_name", "municipality_code", "service"),
    "municipality_code": ("municipality_code", "service"),
    "province": ("province", "municipality_name", "service"),
    "service": ("service", "municipality_name"),
    "stage": ("service", "stage_order", "municipality_name"),
    "since": ("since", "municipality_name", "service"),
    "usage_90_days": ("usage_90_days", "municipality_name", "service"),
}


class AdoptionMatrixFilterSet(ReportFilterSet):
    """One row per municipality × service: declared stage, verification, observed use and usage."""

    q = django_filters.CharFilter(label=_("Municipality"), method="search", help_text=_("Name or code."))
    province = django_filters.ModelMultipleChoiceFilter(
        label=_("Provinces"),
        queryset=Province.objects.defer("boundary"),
        to_field_name="code",
        method="filter_province",
        help_text=_("NSI province codes, e.g. VAR; repeat for several."),
    )
    service = django_filters.ModelMultipleChoiceFilter(
        label=_("Services"),
        queryset=Service.objects.all(),
        to_field_name="code",
        method=_keep,
        help_text=_("Service codes, e.g. regix; repeat for several."),
    )
    stage = django_filters.MultipleChoiceFilter(
        label=_("Stages"),
        choices=stage_choices,
        method=_keep,
        help_text=_("Stage codes, e.g. production; a pair nobody declared is at its service's first stage."),
    )
    verification = django_filters.MultipleChoiceFilter(
        label=_("Verification"),
        choices=MatrixVerification.choices,
        method=_keep,
        help_text=_("unverified, verified, rejected or not_declared."),
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Order by"),
        choices=[(key, key) for key in MATRIX_ORDERING] + [(f"-{key}", f"-{key}") for key in MATRIX_ORDERING],
        method=_keep,
        help_text=_("A column name; a leading minus sorts descending. Default: municipality."),
    )

    class Meta:
        model = Municipality
        fields = ["q", "province", "service", "stage", "verification", "ordering"]

    def search(self, queryset, name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name_bg__icontains=value) | Q(name_en__icontains=value) | Q(code__iexact=value))

    def filter_province(self, queryset, name: str, value: str):
        codes = _codes(value)
        return queryset.filter(province__code__in=codes) if codes else queryset

    def filter_queryset(self, queryset: QuerySet[Municipality]):
        """The filtered municipalities, then their matrix rows (a list), sorted as asked."""
        if not self.form.is_valid():
            return []
        municipalities = super().filter_queryset(queryset).order_by("name_bg", "code")
        data = self.form.cleaned_data
        params = MatrixParams(
            services=_codes(data.get("service")),
            stages=list(data.get("stage") or ()),
            verifications=list(data.get("verification") or ()),
        )
        rows = adoption_matrix(municipalities, params)
        ordering = data.get("ordering")
        if ordering:
            keys = MATRIX_ORDERING[ordering.lstrip("-")]
            rows.sort(key=lambda row: tuple(_sortable(getattr(row, key)) for key in keys))
            if ordering.startswith("-"):
                rows.reverse()
        return rows


def _sortable(value):
    # None sorts first, whatever the column's type.
    return (value is not None, value if value is not None else 0)
