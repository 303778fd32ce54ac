"""The on-time rate leaves out obligations with no deadline: they can be neither on time
nor late (once, fulfilling one counted as fulfilling it late)."""

from datetime import date

import pytest

from commitments import services
from commitments.models import Commitment
from commitments.services import SourceInput
from parties.models import Party
from tracker import services as engine

pytestmark = pytest.mark.django_db


def fulfil(title: str, party: str, on: date, analyst) -> None:
    services.status_update_record(
        commitment=Commitment.objects.get(title=title),
        party=Party.objects.get(code=party),
        status="fulfilled",
        effective_on=on,
        summary="Done.",
        sources=[SourceInput(publisher="ICRC", published_on=on)],
        user=analyst,
    )


def rate(partner_api, **params) -> float | None:
    summary = partner_api.get("/api/v1/summary/", params).json()
    return next(p["on_time_rate"] for p in summary["by_party"] if p["party"] == "AZE")


def test_an_obligation_with_no_deadline_is_left_out_of_the_on_time_rate(partner_api, demo, analyst):
    # On time: the lists were due at the end of 6 Nov 2020. The civilians pledge has no deadline.
    fulfil("POW lists to the ICRC", "AZE", date(2020, 11, 5), analyst)
    fulfil("No deliberate targeting of civilians", "AZE", date(2020, 11, 20), analyst)
    engine.deadline_sweep()
    assert Commitment.objects.get(title="No deliberate targeting of civilians").current_deadline is None
    # Assessed: the lists (on time) and the verification comments (overdue); not the pledge.
    assert rate(partner_api) == 0.5
    # Only the pledge left: nothing to rate.
    assert rate(partner_api, category="civilian_protection") is None
