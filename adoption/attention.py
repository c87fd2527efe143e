"""What an officer's municipality needs from them: the start page's list, one action per item.

Rejected declarations first (the ministry is waiting for a correction), then stale ones (confirm or
change), then the ones still waiting for verification, then missing contact details.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from core.formatting import format_date
from municipalities.models import Municipality

from .choices import Verification
from .models import MunicipalityContact
from .services import ServiceStatus

# The contact fields the ministry needs to reach a municipality.
REQUIRED_CONTACT_FIELDS = ("responsible_person", "phone", "email")


@dataclass(frozen=True)
class AttentionItem:
    kind: str  # rejected / stale / unverified / contacts: the CSS class and the test hook
    text: str
    action_label: str
    action_url: str
    confirm_url: str = ""  # stale: a POST that confirms the stage as current in one click
    service_code: str = ""


def needs_attention(
    municipality: Municipality, statuses: list[ServiceStatus], contact: MunicipalityContact | None
) -> list[AttentionItem]:
    """The items of the start page, most urgent first (no queries: the caller loads the statuses)."""
    code = municipality.code
    items: list[AttentionItem] = []
    for kind in ("rejected", "stale", "unverified"):
        for status in statuses:
            item = _declaration_item(kind, code, status)
            if item is not None:
                items.append(item)
    missing = [
        str(MunicipalityContact._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
        for name in REQUIRED_CONTACT_FIELDS
        if contact is None or not getattr(contact, name)
    ]
    if missing:
        items.append(
            AttentionItem(
                "contacts",
                _("Contact details missing: %(fields)s.") % {"fields": ", ".join(missing)},
                _("Fill in the contact details"),
                reverse("adoption:contacts", args=[code]) + "?next=mine",
            )
        )
    return items


def _declaration_item(kind: str, code: str, status: ServiceStatus) -> AttentionItem | None:
    adoption = status.adoption
    if adoption is None:
        return None
    change_url = reverse("adoption:change", args=[code, status.service.code]) + "?next=mine"
    service, stage = status.service.name, status.stage.name
    if kind == "rejected" and adoption.verification == Verification.REJECTED:
        text = _("%(service)s: the ministry rejected “%(stage)s”: %(comment)s") % {
            "service": service,
            "stage": stage,
            "comment": adoption.verification_comment or "—",
        }
        return AttentionItem(kind, text, _("Declare it again"), change_url, service_code=status.service.code)
    if kind == "stale" and status.is_stale and adoption.verification != Verification.REJECTED:
        text = _("%(service)s: “%(stage)s” has not been confirmed since %(date)s.") % {
            "service": service,
            "stage": stage,
            "date": format_date(adoption.last_confirmed_at),
        }
        confirm_url = reverse("adoption:confirm", args=[code, status.service.code])
        return AttentionItem(kind, text, _("Change the stage"), change_url, confirm_url, status.service.code)
    if kind == "unverified" and adoption.verification == Verification.UNVERIFIED and not status.is_stale:
        text = _("%(service)s: “%(stage)s” waits for the ministry's verification since %(date)s.") % {
            "service": service,
            "stage": stage,
            "date": format_date(adoption.set_at),
        }
        page = reverse("municipalities:detail", args=[code]) + f"#service-{status.service.code}"
        return AttentionItem(kind, text, _("Open the declaration"), page, service_code=status.service.code)
    return None
