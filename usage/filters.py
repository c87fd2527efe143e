"""One FilterSet for import batches, shared by the batches page, its export and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import Door, Kind, Status
from .models import ImportBatch


class ImportBatchFilterSet(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no types: its classes are Any
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices, empty_label=_("Any kind"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices, empty_label=_("Any status"))
    door = django_filters.ChoiceFilter(label=_("Door"), choices=Door.choices, empty_label=_("Any door"))
    q = django_filters.CharFilter(label=_("File name"), field_name="file_name", lookup_expr="icontains")

    class Meta:
        model = ImportBatch
        fields = ["kind", "status", "door", "q"]
