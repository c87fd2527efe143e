"""The outreach parts of the overview and municipality panels (included by scoring's panels)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from accounts import policy

from ..models import Case

register = template.Library()


@register.inclusion_tag("outreach/includes/overview_cases_body.html", takes_context=True)
def outreach_overview(context):
    user = context["request"].user
    if not policy.can_read_all_cases(user):
        return {"show": False}
    cases = Case.objects.open()
    return {
        "show": True,
        "open_count": cases.count(),
        "overdue": cases.filter(follow_up_on__lte=timezone.localdate()).count(),
    }


@register.inclusion_tag("outreach/includes/municipality_cases_body.html", takes_context=True)
def outreach_municipality(context, municipality):
    """Cases about the municipality; officers see their own (never the internal note, not shown here)."""
    user = context["request"].user
    cases = Case.objects.visible_to(user).filter(municipality=municipality).order_by("-contacted_on", "-id")[:10]
    return {
        "show": True,
        "municipality": municipality,
        "cases": list(cases),
        "can_manage": policy.can_manage_outreach(user),
    }


@register.simple_tag(takes_context=True)
def can_open_cases(context) -> bool:
    return policy.can_manage_outreach(context["request"].user)
