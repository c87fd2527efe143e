"""One rule decides which declared stages count, for the adoption index and the open site alike
(adoption/verified.py): a rejected stage never counts, an undecided one counts once a later
verification vouches for the path to it, and what awaits verification does not count yet."""

from __future__ import annotations

from datetime import date

import pytest

from adoption import services as adoption_services
from opendata.figures import build
from scoring.index import index_on

from .adoption_helpers import history, stage

pytestmark = pytest.mark.django_db


def seen_on(day: date) -> tuple[str, str]:
    """VAR02's SEOS stage on `day`: as the adoption index counts it, and as an open edition publishes it."""
    public = next(m for m in build(day).municipalities if m.code == "VAR02")
    seos = next(cell for cell in public.services if cell.service == "seos")
    return index_on(day).row("VAR02").services["seos"].stage.code, seos.stage


def test_a_rejected_stage_never_counts_and_the_path_to_a_verified_one_does(ministry_user, administrator):
    adoption = history("VAR02", "seos", [(date(2017, 1, 10), "applied")])  # recorded without a decision

    def declare(code: str, since: date):
        return adoption_services.change_stage(
            ministry_user, adoption.municipality, adoption.service, stage("seos", code), "декларация", since=since
        )

    adoption_services.verify(administrator, declare("test", date(2017, 6, 1)), approve=False, comment="няма")
    real = declare("real", date(2018, 1, 1))
    # "real" awaits verification: nothing after the last verification counts; there is none yet.
    assert seen_on(date(2018, 6, 1)) == ("not_applied", "not_applied")
    adoption_services.verify(administrator, real, approve=True, comment="проверено")
    assert seen_on(date(2018, 6, 1)) == ("real", "real")
    # Between them: "test" was rejected (the index counted it before), "applied" is vouched for by the
    # verification of "real" (the open site showed the first stage before).
    assert seen_on(date(2017, 7, 1)) == ("applied", "applied")
    assert seen_on(date(2017, 3, 1)) == ("applied", "applied")
    assert seen_on(date(2016, 12, 31)) == ("not_applied", "not_applied")
