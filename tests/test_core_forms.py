"""core.forms.field_of: a form's field as the class it was declared with, or a TypeError."""

from __future__ import annotations

import pytest
from django import forms

from core.forms import field_of


class _Form(forms.Form):
    colour = forms.ChoiceField(choices=[("red", "Red")])
    note = forms.CharField()


def test_the_field_comes_back_as_declared_and_is_the_forms_own():
    form = _Form()
    field = field_of(form, "colour", forms.ChoiceField)
    field.choices = [("blue", "Blue")]
    assert list(form.fields["colour"].choices) == [("blue", "Blue")]


def test_a_field_of_another_class_is_a_type_error():
    with pytest.raises(TypeError, match="note is a CharField, not a ChoiceField"):
        field_of(_Form(), "note", forms.ChoiceField)
