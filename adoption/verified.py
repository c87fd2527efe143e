"""Which declared stages count: the one rule for the adoption index and the open site.

A stage entry of the history counts from its effective date unless ministry staff rejected it, once a
verification vouches for it: its own (a "verified" entry before the pair's next stage entry), a later
one (a verified stage vouches for the path to it: the stages an officer declared on the way, which
nobody decided on one by one), or the pair's current declaration being verified (declarations
recorded before the history kept verifications, such as the demo's, carry only that). A rejected
entry never counts, nor does anything after the last verification while it awaits one: on such
days the last counting stage before it applies, or the service's first stage when there is none.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from .choices import ChangeKind, Verification
from .models import Adoption, AdoptionChange

# Most pairs need no reading of their turns: where the current declaration is verified and nothing was
# ever rejected, every stage entry counts (the first part, two hashed joins). The others are read in one
# pass with window functions (a correlated subquery per entry tripled the index's time at ten years):
# each entry is numbered by the stage entries up to it, so a stage entry and the decisions recorded
# after it, before the next stage entry, share a number ("its turn"); its own decision is the turn's
# last one. The kinds are the models' constants, written in as literals.
_COUNTING_IDS = """
WITH plain AS (
    SELECT municipality_id, service_id FROM {declarations} declared
    WHERE declared.verification = '{verified_now}'
      AND NOT EXISTS (
          SELECT 1 FROM {changes} rejection
          WHERE rejection.kind = '{rejected}' AND rejection.municipality_id = declared.municipality_id
            AND rejection.service_id = declared.service_id)
)
SELECT entry.id FROM {changes} entry JOIN plain USING (municipality_id, service_id)
WHERE entry.kind = '{stage}'
UNION ALL
SELECT id FROM (
    SELECT id, kind, municipality_id, service_id, last_verification,
           max(id) FILTER (WHERE kind = '{verified}')
               OVER (PARTITION BY municipality_id, service_id, turn) AS verified_in_turn,
           max(id) FILTER (WHERE kind = '{rejected}')
               OVER (PARTITION BY municipality_id, service_id, turn) AS rejected_in_turn
    FROM (
        SELECT id, kind, municipality_id, service_id,
               count(*) FILTER (WHERE kind = '{stage}')
                   OVER (PARTITION BY municipality_id, service_id ORDER BY id) AS turn,
               max(id) FILTER (WHERE kind = '{verified}')
                   OVER (PARTITION BY municipality_id, service_id) AS last_verification
        FROM {changes} entry
        WHERE kind IN ('{stage}', '{verified}', '{rejected}')
          AND NOT EXISTS (
              SELECT 1 FROM plain
              WHERE plain.municipality_id = entry.municipality_id AND plain.service_id = entry.service_id)
    ) numbered
) decided
WHERE kind = '{stage}'
  AND coalesce(rejected_in_turn, 0) <= coalesce(verified_in_turn, 0)
  AND (last_verification > id OR EXISTS (
      SELECT 1 FROM {declarations} declared
      WHERE declared.municipality_id = decided.municipality_id AND declared.service_id = decided.service_id
        AND declared.verification = '{verified_now}'))
"""


def _counting_ids_sql() -> str:
    constants = {
        "stage": ChangeKind.STAGE.value,
        "verified": ChangeKind.VERIFIED.value,
        "rejected": ChangeKind.REJECTED.value,
        "verified_now": Verification.VERIFIED.value,
    }
    assert all(value.isidentifier() for value in constants.values())  # noqa: S101 - literals, never input
    return _COUNTING_IDS.format(
        changes=AdoptionChange._meta.db_table, declarations=Adoption._meta.db_table, **constants
    )


def counting_stage_entries(day: date | None = None) -> QuerySet[AdoptionChange]:
    """The stage entries that count (see the module), as one query; with `day`, only the latest counting
    entry per (municipality, service) in effect on or before it."""
    entries = AdoptionChange.objects.filter(id__in=RawSQL(_counting_ids_sql(), ()))  # noqa: S611 - no input
    if day is None:
        return entries
    return (
        entries.filter(effective_date__lte=day)
        .order_by("municipality_id", "service_id", "-effective_date", "-id")
        .distinct("municipality_id", "service_id")
    )
