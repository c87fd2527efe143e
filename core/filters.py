"""Filter backends shared by the APIs."""

from __future__ import annotations

from typing import Any

from rest_framework import filters


class OrderingFilter(filters.OrderingFilter):
    """DRF's `?ordering=`, unchanged, with the fields a view allows named in the schema."""

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        fields = getattr(view, "ordering_fields", None)
        if isinstance(fields, list | tuple) and fields:
            description = (
                f"Sort by {', '.join(fields)}; prefix a field with - for descending order "
                f"(e.g. -{fields[0]}); several fields separated by commas."
            )
        else:
            description = "Sort by a field of the results; prefix it with - for descending order."
        for parameter in parameters:
            parameter["description"] = description
        return parameters
