"""One FilterSet for import batches, shared by the batches page, its export and the API.

A filter's label is the page's; its help_text is the API's description of the query parameter."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import Door, Kind, Status
from .models import ImportBatch


class ImportBatchFilterSet(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no types: its classes are Any
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=Kind.choices,
        empty_label=_("Any kind"),
        help_text="Only batches of this kind: regix or seos.",
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Status.choices,
        empty_label=_("Any status"),
        help_text="Only batches in this status: pending, running, succeeded or failed.",
    )
    door = django_filters.ChoiceFilter(
        label=_("Door"),
        choices=Door.choices,
        empty_label=_("Any door"),
        help_text="Only files that came in this way: inbox, upload, api or cli.",
    )
    q = django_filters.CharFilter(
        label=_("File name"),
        field_name="file_name",
        lookup_expr="icontains",
        help_text="Part of the file name (any case).",
    )

    class Meta:
        model = ImportBatch
        fields = ["kind", "status", "door", "q"]
