"""One FilterSet per catalogue list, shared by the page, its export and the API.

A filter's label is the page's; its help_text is the API's description of the query parameter
(drf-spectacular reads it: no parameter is written by hand in the API views)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import QueryType, Register


class RegisterFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text="Part of the code, a name, the owner or the name of one of the register's query types.",
    )
    owner = django_filters.CharFilter(
        label=_("Owner administration"),
        lookup_expr="icontains",
        help_text="Part of the owner administration's name (any case).",
    )

    class Meta:
        model = Register
        fields = ["q", "owner"]

    def search(self, queryset, name: str, value: str):
        """Code, names, owner, or the name of one of the register's query types."""
        value = value.strip()
        if not value:
            return queryset
        matching_registers = QueryType.objects.filter(
            Q(operation__icontains=value) | Q(name_bg__icontains=value) | Q(name_en__icontains=value)
        ).values("register_id")
        return queryset.filter(
            Q(code__icontains=value)
            | Q(name_bg__icontains=value)
            | Q(name_en__icontains=value)
            | Q(owner__icontains=value)
            | Q(pk__in=matching_registers)
        )


class QueryTypeFilterSet(django_filters.FilterSet):
    """Query types by text, register code and status (`?is_active=true|false`)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text="Part of the operation name or of the Bulgarian or English name.",
    )
    register = django_filters.CharFilter(
        label=_("Register code"), field_name="register__code", help_text="Exact register code, e.g. GRAO/NBD."
    )
    is_active = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("true", _("Active")), ("false", _("Retired"))],
        method="filter_active",
        empty_label=_("All"),
        help_text="true: only active query types; false: only retired ones.",
    )

    class Meta:
        model = QueryType
        fields = ["q", "register", "is_active"]

    def search(self, queryset, name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(operation__icontains=value) | Q(name_bg__icontains=value) | Q(name_en__icontains=value)
        )

    def filter_active(self, queryset, name: str, value: str):
        return queryset.filter(is_active=value == "true")
