"""The access policy in templates: `{% load policy %}{% if user|may:"view_batches" %}…{% endif %}`.

The name is a rule of `accounts/policy.py` without its `can_` prefix; an unknown name is an error
(a typo must not silently hide or show a menu entry).
"""

from __future__ import annotations

from typing import Any

from django import template

from accounts import policy

register = template.Library()


@register.filter
def may(user: Any, rule_name: str) -> bool:
    try:
        rule = policy.RULES[rule_name]
    except KeyError:
        raise template.TemplateSyntaxError(f"No access rule named {rule_name!r} in accounts/policy.py.") from None
    return rule(user)
