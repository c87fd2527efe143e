"""One FilterSet for cases: the open cases page, its export and the API share it.

A filter's label is the page's; its help_text is the API's description of the query parameter."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from municipalities.models import Province

from .choices import CaseKind, CaseStatus
from .models import Case


class CaseFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=CaseStatus.choices,
        empty_label=_("Any status"),
        help_text="Only cases in this status.",
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"),
        queryset=get_user_model().objects.filter(outreach_cases__isnull=False).distinct(),
        help_text="Only the cases of this owner (the user's id).",
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=CaseKind.choices,
        empty_label=_("Any kind"),
        help_text="Only contacts of this kind.",
    )
    province = django_filters.ModelChoiceFilter(
        label=_("Province"),
        field_name="municipality__province",
        queryset=Province.objects.defer("boundary"),
        to_field_name="code",
        empty_label=_("All provinces"),
        help_text="NSI province code, e.g. VAR: only cases about its municipalities.",
    )
    municipality = django_filters.CharFilter(
        label=_("Municipality (NSI code)"),
        field_name="municipality__code",
        help_text="Municipality code, e.g. VAR06: only cases about it.",
    )
    due_by = django_filters.DateFilter(
        label=_("Follow-up due by"), field_name="follow_up_on", lookup_expr="lte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
        help_text="A day (YYYY-MM-DD): only cases whose follow-up is due on or before it.",
    )  # fmt: skip

    class Meta:
        model = Case
        fields = ["status", "owner", "kind", "province", "municipality", "due_by"]
