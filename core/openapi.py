"""Hooks for the OpenAPI schema drf-spectacular builds (see SPECTACULAR_SETTINGS)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response

# drf-spectacular adds these two helper enums for optional choice fields, without a description.
HELPER_ENUM_DESCRIPTIONS = {
    "BlankEnum": "The empty string: the field has no value (it may be left blank).",
    "NullEnum": "null: the field has no value.",
}


def describe_helper_enums(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Describe the BlankEnum and NullEnum components, so every component of the schema is described."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, description in HELPER_ENUM_DESCRIPTIONS.items():
        if name in schemas:
            schemas[name].setdefault("description", description)
    return result


class SchemaView(SpectacularAPIView):
    """The schema in one language. Its descriptions are written in English, while the fields' titles
    and the choices' labels come from the translated models: built in the page's language (Bulgarian
    by default) it mixed the two. So it is built in English unless `?lang=bg` asks for the labels in
    Bulgarian (Swagger UI and ReDoc pass `?lang=` on to it)."""

    @extend_schema(**SCHEMA_KWARGS)  # as the view it extends: left out of the schema (SERVE_INCLUDE_SCHEMA)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        language = request.GET.get("lang") or "en"
        with translation.override(language):
            response: Response = super().get(request, *args, **kwargs)  # type: ignore[no-untyped-call]  # drf-spectacular's views are untyped
        response["Content-Language"] = language
        return response
