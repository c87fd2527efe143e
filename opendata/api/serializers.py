"""Serializers of the open API, generated from the allow-list (schema.py) so they cannot drift from it.

Each serializer declares exactly the fields of its dataclass: a key outside the allow-list in a
stored payload is dropped on the way out, and the OpenAPI schema documents the same fields.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from rest_framework import serializers

from .. import schema

SCALARS = {
    str: serializers.CharField,
    int: serializers.IntegerField,
    float: serializers.FloatField,
    bool: serializers.BooleanField,
}
_made: dict[type, type[serializers.Serializer]] = {}


def _field(name: str, hint) -> serializers.Field:
    nullable = False
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        nullable = type(None) in typing.get_args(hint)
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    options: dict[str, Any] = {"help_text": schema.FIELD_HELP[name], **({"allow_null": True} if nullable else {})}
    origin = typing.get_origin(hint)
    if origin is list:
        (item,) = typing.get_args(hint)
        child = serializer_for(item)() if dataclasses.is_dataclass(item) else SCALARS[item]()
        return serializers.ListField(child=child, **options)
    if origin is dict:
        return serializers.DictField(child=serializers.IntegerField(), **options)
    if dataclasses.is_dataclass(hint):
        return serializer_for(hint)(**options)
    return SCALARS[hint](**options)


def serializer_for(cls) -> type[serializers.Serializer]:
    """A read-only serializer with exactly the fields of the allow-listed dataclass `cls`."""
    if cls not in _made:
        fields = {name: _field(name, hint) for name, hint in typing.get_type_hints(cls).items()}
        fields["__doc__"] = (cls.__doc__ or cls.__name__).strip()
        _made[cls] = type(f"Open{cls.__name__}Serializer", (serializers.Serializer,), fields)
    return _made[cls]


EditionSerializer = serializer_for(schema.EditionSummary)
NationalSerializer = serializer_for(schema.NationalFigures)
ProvinceSerializer = serializer_for(schema.ProvinceFigures)
MunicipalitySerializer = serializer_for(schema.MunicipalityFigures)


class EditionDetailSerializer(serializers.Serializer):
    """An edition and its national figures."""

    edition = EditionSerializer(help_text="The edition.")
    national = NationalSerializer(help_text="The country's figures in this edition.")
