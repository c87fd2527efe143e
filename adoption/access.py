"""Who may see and change declared adoption, as querysets of municipalities.

One helper per question, used by the views, the API and the reminder task alike. Outsiders get
404 (the object is outside their queryset); read-only users get 403 on writes.
"""

from __future__ import annotations

from django.db.models import QuerySet

from municipalities.models import Municipality


def visible_municipalities(user) -> QuerySet[Municipality]:
    """Municipalities whose declarations, history and contacts the user may see."""
    if not user.is_authenticated or not user.is_active:
        return Municipality.objects.none()
    if user.is_ministry or user.is_administrator or user.is_analyst:
        return Municipality.objects.all()
    if user.is_officer:
        return Municipality.objects.filter(pk=user.municipality_id)
    return Municipality.objects.none()


def editable_municipalities(user) -> QuerySet[Municipality]:
    """Municipalities whose stages and contacts the user may change (officers: only their own)."""
    return Municipality.objects.editable_by(user)


def can_verify(user) -> bool:
    """Only ministry staff (and administrators) verify or reject officers' declarations."""
    if not user.is_authenticated:
        return False
    return user.is_ministry or user.is_administrator


def can_view(user, municipality: Municipality) -> bool:
    return visible_municipalities(user).filter(pk=municipality.pk).exists()


def can_edit(user, municipality: Municipality) -> bool:
    return editable_municipalities(user).filter(pk=municipality.pk).exists()
