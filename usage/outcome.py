"""What happened to a usage file, in words for a person: imported, imported with rejected rows, refused.

The batch page, the operators' page, the batch tables and the JSON status the upload page polls all
word an outcome through `outcome(batch)`, so a refused file never reads as a success anywhere.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.formatting import format_number

from .choices import Status
from .models import ImportBatch

WAITING, IMPORTED, WARNING, REFUSED = "waiting", "succeeded", "warning", "failed"


@dataclass(frozen=True)
class Outcome:
    level: str  # waiting / succeeded / warning / failed: the CSS class and the test hook
    label: str  # short, for tables: "Imported with 3 rejected rows"
    headline: str  # a sentence for the batch page
    reason: str = ""  # refused: the plain reason
    detail: str = ""  # refused: the technical detail, folded below the reason
    finished: bool = True

    def as_dict(self) -> dict[str, str | bool]:
        return asdict(self)


def plain_reason(error: str) -> str:
    """The reason without its technical tail: "The file is not text" from "The file is not text: it
    contains NUL bytes." (the import's messages put the plain cause before the colon)."""
    head = error.strip().split("\n", 1)[0]
    head = head.split(": ", 1)[0].rstrip(".")
    return head or _("the file could not be read")


def outcome(batch: ImportBatch) -> Outcome:
    """The batch's outcome; `plain_reason` attribute wins where the import records one."""
    if batch.status in (Status.PENDING, Status.RUNNING):
        label = _("Waiting to be imported") if batch.status == Status.PENDING else _("Being imported")
        return Outcome(WAITING, label, label + "…", finished=False)
    if batch.status == Status.FAILED:
        reason = getattr(batch, "plain_reason", "") or plain_reason(batch.error)
        return Outcome(REFUSED, _("Refused"), _("Refused: %(reason)s.") % {"reason": reason}, reason, batch.error)
    accepted = format_number(batch.rows_accepted)
    if batch.rows_rejected:
        label = ngettext(
            "Imported with %(count)s rejected row", "Imported with %(count)s rejected rows", batch.rows_rejected
        ) % {"count": format_number(batch.rows_rejected)}
        headline = _("%(label)s: %(accepted)s of %(read)s rows were imported; the rejected ones are listed below.") % {
            "label": label,
            "accepted": accepted,
            "read": format_number(batch.rows_read),
        }
        return Outcome(WARNING, label, headline)
    headline = ngettext("Imported: %(count)s row.", "Imported: %(count)s rows.", batch.rows_accepted) % {
        "count": accepted
    }
    return Outcome(IMPORTED, _("Imported"), headline)
