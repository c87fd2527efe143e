"""Helpers for the scoring and outreach tests: verified histories on hand-picked dates."""

from __future__ import annotations

from datetime import date

from adoption.choices import Verification
from adoption.models import Adoption

from .adoption_helpers import history


def verified(municipality_code: str, service_code: str, steps: list[tuple[date, str]]) -> Adoption:
    """A history whose current declaration the ministry has verified."""
    adoption = history(municipality_code, service_code, steps)
    Adoption.objects.filter(pk=adoption.pk).update(verification=Verification.VERIFIED)
    return adoption
