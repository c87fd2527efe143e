"""Hooks for the OpenAPI schema drf-spectacular builds (see SPECTACULAR_SETTINGS)."""

from __future__ import annotations

from typing import Any

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
