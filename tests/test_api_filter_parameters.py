"""Issue 10.4: every API list's query parameters are its FilterSet's fields, never written by hand.

The schema is built as /api/schema/ builds it, and each GET operation is checked against its view:
a list's query parameters must be exactly its FilterSet's fields (through django-filter's backend),
plus `ordering` where DRF's OrderingFilter sorts and `page`/`page_size` where it is paginated, plus
the few parameters in NOT_FILTERS. Each filter needs a help_text, which is the parameter's
description; choices are the parameter's enum. So a filter added without a description, or a
parameter written by hand that no filter backs, fails here, naming it.
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
import pytest
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.generators import SchemaGenerator
from rest_framework.filters import OrderingFilter

PAGINATION = {"page", "page_size"}
# Query parameters that are not filters: they choose what is computed, not which rows are kept.
NOT_FILTERS = {
    "/api/index/": {"as_of", "method"},  # the day and the index method version
    "/api/index/provinces/": {"as_of", "method"},
    "/api/targets/": {"as_of"},
    "/api/outreach/effect/": {"as_of"},
}


@pytest.fixture(scope="module")
def operations(django_db_blocker) -> list[tuple[str, Any, dict[str, dict]]]:
    """(path, view, query parameters by name) of every GET operation of the schema."""
    generator = SchemaGenerator()
    with django_db_blocker.unblock():
        schema = generator.get_schema(request=None, public=True)
        found = []
        # drf-spectacular's endpoints are (path, path_regex, method, callback); DRF's stubs say 3-tuples.
        for path, _regex, method, callback in cast(list[tuple[str, str, str, Any]], generator.endpoints):
            if method != "GET":
                continue
            view = generator.create_view(callback, method)
            path = generator.coerce_path(path, method, view)
            operation = schema["paths"].get(path, {}).get("get")
            if operation is None:
                continue  # left out of the schema (the schema's own views)
            query = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
            found.append((path, view, query))
    return found


def _uses(view: Any, backend: type) -> bool:
    return any(issubclass(b, backend) for b in getattr(view, "filter_backends", []))


def filterset_of(view: Any) -> Any:
    if getattr(view, "action", "list") != "list" or not _uses(view, DjangoFilterBackend):
        return None
    return getattr(view, "filterset_class", None)


def expected_value_schema(filter_: django_filters.Filter) -> dict[str, Any]:
    """What the schema should say of one value of the filter (choices become an enum)."""
    choices = filter_.extra.get("choices")
    if choices is not None and not callable(choices):
        return {"type": "string", "enum": sorted(str(value) for value, _ in choices)}
    if isinstance(filter_, django_filters.BooleanFilter):
        return {"type": "boolean"}
    if isinstance(filter_, django_filters.DateFilter):
        return {"type": "string", "format": "date"}
    if isinstance(filter_, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter):
        return {"type": "string"} if filter_.extra.get("to_field_name") else {"type": "integer"}
    return {"type": "string"}


def parameter_problems(path: str, view: Any, query: dict[str, dict]) -> list[str]:
    """Everything wrong with one operation's query parameters, as readable lines."""
    filterset = filterset_of(view)
    filters = dict(filterset.base_filters) if filterset else {}
    allowed = set(filters) | NOT_FILTERS.get(path, set())
    if getattr(view, "action", "list") == "list" and _uses(view, OrderingFilter):
        allowed.add("ordering")
    if getattr(view, "paginator", None) is not None:
        allowed |= PAGINATION
    problems = [f"{path}: ?{name} is documented but no filter of the view backs it" for name in set(query) - allowed]
    problems += [f"{path}: the filter {name} is not a parameter" for name in set(filters) - set(query)]
    for name, filter_ in filters.items():
        help_text = str(filter_.extra.get("help_text") or "").strip()
        if not help_text:
            problems.append(f"{path}: the filter {name} has no help_text (the parameter's description)")
        if name not in query:
            continue
        parameter = query[name]
        if not str(parameter.get("description", "")).startswith(help_text):
            problems.append(f"{path}: ?{name}'s description is not the filter's help_text")
        schema = parameter["schema"]
        value = schema.get("items", {}) if schema.get("type") == "array" else schema
        expected = expected_value_schema(filter_)
        actual = {key: sorted(value[key]) if key == "enum" else value.get(key) for key in expected}
        if actual != expected:
            problems.append(f"{path}: ?{name} is {actual}, expected {expected}")
    problems += [
        f"{path}: ?{name} has no description"
        for name, parameter in query.items()
        if name not in filters and not str(parameter.get("description", "")).strip()
    ]
    return problems


@pytest.mark.django_db
def test_the_check_covers_every_filtered_api(operations):
    """The walk reaches the FilterSets of every app's API, so the test below is not vacuous."""
    filtered = {path for path, view, _ in operations if filterset_of(view)}
    assert {
        "/api/registers/",
        "/api/query-types/",
        "/api/provinces/",
        "/api/municipalities/",
        "/api/adoption/",
        "/api/adoption/pending/",
        "/api/usage-files/",
        "/api/reports/usage/",
        "/api/reports/adoption-matrix/",
        "/api/index/",
        "/api/outreach/cases/",
        "/api/open/editions/{edition_slug}/municipalities/",
    } <= filtered


@pytest.mark.django_db
def test_every_list_documents_exactly_its_filtersets_fields(operations):
    problems = [problem for path, view, query in operations for problem in parameter_problems(path, view, query)]
    assert problems == [], "\n".join(problems)


class _Filters(django_filters.FilterSet):
    described = django_filters.ChoiceFilter(choices=[("a", "A"), ("b", "B")], help_text="A or b.")
    bare = django_filters.CharFilter()


class _View:
    action = "list"
    filter_backends = [DjangoFilterBackend]
    filterset_class = _Filters
    paginator = None


def test_the_check_names_a_bare_filter_a_hand_written_parameter_and_a_wrong_enum():
    query = {
        "described": {"description": "A or b.", "schema": {"type": "string", "enum": ["a"]}},
        "bare": {"description": "Bare", "schema": {"type": "string"}},
        "by_hand": {"description": "Written in the view.", "schema": {"type": "string"}},
    }
    assert sorted(parameter_problems("/x/", _View(), query)) == [
        "/x/: ?by_hand is documented but no filter of the view backs it",
        "/x/: ?described is {'type': 'string', 'enum': ['a']}, expected {'type': 'string', 'enum': ['a', 'b']}",
        "/x/: the filter bare has no help_text (the parameter's description)",
    ]
