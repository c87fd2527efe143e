"""A form's fields by their declared class: django-stubs type `form.fields[name]` as a plain Field, so
setting a ChoiceField's choices or a ModelChoiceField's queryset needs the field's own class."""

from __future__ import annotations

from typing import TypeVar

from django import forms

F = TypeVar("F", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """`form.fields[name]`, which the form declared as a `kind` (TypeError when it did not)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}.")
    return field
