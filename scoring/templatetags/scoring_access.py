"""The one access question the municipality page's include asks (without a query)."""

from __future__ import annotations

from django import template

from accounts import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def can_view_municipality_index(context, municipality) -> bool:
    return policy.can_view_municipality_index(context["request"].user, municipality)
