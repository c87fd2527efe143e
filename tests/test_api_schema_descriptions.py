"""Issue 6: the OpenAPI schema describes every endpoint, parameter and field.

The schema is built the way /api/schema/ builds it (drf-spectacular's SchemaGenerator) and walked
completely, so a new serializer field or endpoint without a description fails here, naming it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _has_description(spec: dict[str, Any]) -> bool:
    return bool(str(spec.get("description", "")).strip())


def undescribed_properties(where: str, spec: dict[str, Any]) -> Iterator[str]:
    """Name every property under `spec` that has no description, as `where.property`.

    A property that points at another component is written by drf-spectacular either as a bare
    `$ref` (then the component itself must be described, which the caller checks) or, when the
    field has a help_text, as `allOf: [{$ref}]` with the description beside it. Nested inline
    objects and array items are walked too.
    """
    for name, prop in spec.get("properties", {}).items():
        path = f"{where}.{name}"
        if "$ref" not in prop and not _has_description(prop):
            yield path
        yield from _nested(path, prop)
    yield from _nested(where, {k: v for k, v in spec.items() if k != "properties"})


def _nested(where: str, spec: dict[str, Any]) -> Iterator[str]:
    for key in ("allOf", "oneOf", "anyOf"):
        for part in spec.get(key, []):
            yield from undescribed_properties(where, part)
    if isinstance(spec.get("items"), dict):
        yield from undescribed_properties(f"{where}[]", spec["items"])
    if isinstance(spec.get("additionalProperties"), dict):
        yield from undescribed_properties(f"{where}{{}}", spec["additionalProperties"])
    if "properties" in spec:
        yield from undescribed_properties(where, {"properties": spec["properties"]})


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], list[dict]]]:
    for path, item in schema["paths"].items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield f"{method.upper()} {path}", operation, shared + operation.get("parameters", [])


@pytest.mark.django_db
def test_the_schema_has_the_apis_of_every_app(schema):
    paths = set(schema["paths"])
    assert {
        "/api/adoption/",
        "/api/adoption/{code}/",
        "/api/services/{code}/",
        "/api/usage-files/",
        "/api/usage-files/{id}/",
        "/api/reports/usage/",
        "/api/municipalities/",
    } <= paths


@pytest.mark.django_db
def test_the_walk_covers_the_components_of_every_api(schema):
    """The described components exist and have properties, so the walk below is not vacuous."""
    components = schema["components"]["schemas"]
    for name in [
        "Adoption",
        "ServiceStatus",
        "History",
        "Contact",
        "MunicipalityAdoption",
        "MunicipalityAdoptionDetail",
        "Service",
        "Stage",
        "StageChangeInputRequest",
        "ConfirmInputRequest",
        "VerifyInputRequest",
        "ImportBatch",
        "RejectedRow",
        "UploadRequest",
        "UsageAggregate",
        "AdoptionMatrixRow",
        "DeclaredStage",
        "Province",
        "Municipality",
        "MunicipalityDetail",
        "Register",
        "RegisterDetail",
        "QueryType",
        "PaginatedUsageAggregateList",
        "PaginatedMunicipalityList",
    ]:
        assert components[name]["properties"], name


@pytest.mark.django_db
def test_every_operation_has_a_summary_or_description(schema):
    missing = [
        name
        for name, operation, _ in _operations(schema)
        if not (_has_description(operation) or str(operation.get("summary", "")).strip())
    ]
    assert missing == [], "operations without a summary or description:\n" + "\n".join(missing)


@pytest.mark.django_db
def test_every_path_and_query_parameter_is_described(schema):
    missing = [
        f"{name} {parameter['in']}:{parameter['name']}"
        for name, _, parameters in _operations(schema)
        for parameter in parameters
        if parameter.get("in") in {"path", "query"} and not _has_description(parameter)
    ]
    assert missing == [], "parameters without a description:\n" + "\n".join(missing)


@pytest.mark.django_db
def test_every_property_of_every_component_is_described(schema):
    missing = []
    for component, spec in schema["components"]["schemas"].items():
        missing.extend(undescribed_properties(component, spec))
    assert missing == [], "properties without a description:\n" + "\n".join(missing)


@pytest.mark.django_db
def test_every_enum_component_is_described(schema):
    missing = [
        component
        for component, spec in schema["components"]["schemas"].items()
        if "enum" in spec and not _has_description(spec)
    ]
    assert missing == [], "enums without a description:\n" + "\n".join(missing)


def test_the_walker_finds_nested_gaps():
    """The walk itself is checked, so a passing schema test means something."""
    spec = {
        "properties": {
            "ok": {"type": "string", "description": "fine"},
            "bare": {"type": "string"},
            "ref": {"$ref": "#/components/schemas/Other"},
            "wrapped": {"allOf": [{"$ref": "#/components/schemas/Other"}], "description": "x"},
            "rows": {
                "type": "array",
                "description": "rows",
                "items": {"type": "object", "properties": {"cell": {"type": "integer"}}},
            },
            "inner": {
                "type": "object",
                "description": "inner",
                "properties": {"deep": {"type": "string"}},
            },
        },
        "allOf": [{"properties": {"mixed": {"type": "string"}}}],
    }
    assert sorted(undescribed_properties("C", spec)) == [
        "C.bare",
        "C.inner.deep",
        "C.mixed",
        "C.rows[].cell",
    ]


def _parameters(schema: dict[str, Any], path: str, method: str = "get") -> dict[str, dict]:
    return {p["name"]: p for p in schema["paths"][path][method].get("parameters", [])}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/api/adoption/", "code, name_bg"),
        ("/api/municipalities/", "code, name_bg, population"),
        ("/api/usage-files/", "created_at, id, rows_read"),
    ],
)
def test_ordering_names_the_fields_it_allows(schema, path, fields):
    assert f"Sort by {fields};" in _parameters(schema, path)["ordering"]["description"]


@pytest.mark.django_db
def test_page_size_states_its_default_and_limit(schema):
    description = _parameters(schema, "/api/adoption/")["page_size"]["description"]
    assert "50 by default" in description
    assert "at most 1000" in description


@pytest.mark.django_db
def test_the_filters_are_described_with_their_values(schema):
    adoption = _parameters(schema, "/api/adoption/")
    assert "lt5k" in adoption["population_band"]["description"]
    assert set(adoption["population_band"]["schema"]["enum"]) == {"lt5k", "5k-20k", "20k-100k", "gt100k"}
    batches = _parameters(schema, "/api/usage-files/")
    assert set(batches["status"]["schema"]["enum"]) == {"pending", "running", "succeeded", "failed"}


@pytest.mark.django_db
def test_rejected_rows_document_only_their_own_parameters(schema):
    """The batch filters do not filter rows, so they are not offered there."""
    assert set(_parameters(schema, "/api/usage-files/{id}/rejected-rows/")) == {"id", "page", "page_size"}
