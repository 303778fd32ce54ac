"""The counting rules of commitments/incident_selectors.py on one set of rows
(tests/commitments/incident_scenario.py): who reads what, retracted and unpublished
incidents, links that are no links, null figures, weeks across a year end, reasons from
the current assessment only."""

from datetime import date

import pytest

from commitments.incident_selectors import (
    BY_COMMITMENT,
    BY_PARTY,
    counted_links,
    incident_counts,
    incident_totals,
    incident_weeks,
    reason_counts,
)
from commitments.models import Obligation
from tests.commitments.incident_scenario import build, record_reasons

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(analyst, armenia, azerbaijan, make_commitment):
    return build(analyst=analyst, armenia=armenia, azerbaijan=azerbaijan, make_commitment=make_commitment)


def test_an_analyst_counts_drafts_but_never_retracted_or_links_not_made(scenario, analyst):
    counts = incident_totals(counted_links(analyst).filter(obligation__commitment=scenario.geneva), BY_COMMITMENT)
    # shelling (linked to both parties: once), drone, draft; not retracted/proposed/rejected/removed.
    assert counts.linked == 3
    assert counts.by_verification == {"reported": 2, "corroborated": 0, "verified": 1, "disputed": 0}
    assert counts.civilians_killed == 2 + 7  # the drone strike reports none: not a zero
    assert counts.killed_not_reported == 1
    assert counts.civilians_injured == 5 + 1
    assert counts.injured_not_reported == 1


def test_a_partner_counts_published_incidents_of_published_agreements(scenario, partner):
    links = counted_links(partner)
    geneva = incident_totals(links.filter(obligation__commitment=scenario.geneva), BY_COMMITMENT)
    assert (geneva.linked, geneva.civilians_killed, geneva.civilians_injured) == (2, 2, 5)
    moscow = incident_totals(links.filter(obligation__commitment=scenario.moscow), BY_COMMITMENT)
    assert moscow.linked == 0
    assert moscow.civilians_killed is None  # nothing reported, so no sum: not 0


def test_an_incident_counts_once_for_the_commitment_and_once_for_each_party(scenario, analyst, partner):
    by_party = incident_counts(counted_links(analyst), BY_PARTY, "obligation__party__code")
    # ARM: shelling, draft, moscow; AZE: shelling, drone.
    assert {code: c.linked for code, c in by_party.items()} == {"ARM": 3, "AZE": 2}
    assert by_party["ARM"].civilians_killed == 2 + 7 + 3
    assert by_party["AZE"].civilians_injured == 5
    partner_party = incident_counts(counted_links(partner), BY_PARTY, "obligation__party__code")
    assert {code: c.linked for code, c in partner_party.items()} == {"ARM": 1, "AZE": 2}
    assert partner_party["ARM"].civilians_injured is None  # the shelling reports no injured
    assert partner_party["ARM"].injured_not_reported == 1
    by_commitment = incident_counts(counted_links(analyst), BY_COMMITMENT, "obligation__commitment")
    assert {pk: c.linked for pk, c in by_commitment.items()} == {scenario.geneva.pk: 3, scenario.moscow.pk: 1}


def test_weeks_are_iso_weeks_across_the_year_end_by_party(scenario, analyst, partner):
    weeks = incident_weeks(counted_links(analyst).filter(obligation__commitment=scenario.geneva))
    # Mon 28 Dec 2020 to Sun 3 Jan 2021 is one week (ISO 2020-W53); Mon 4 Jan the next.
    assert weeks.weeks == [date(2020, 12, 28), date(2021, 1, 4)]
    assert weeks.counts == {"ARM": [1, 1], "AZE": [2, 0]}
    assert [code for code, _ in weeks.parties] == ["ARM", "AZE"]  # most incidents first, then code
    party = incident_weeks(counted_links(partner).filter(obligation__party=scenario.arm))
    assert (party.weeks, party.counts) == ([date(2020, 12, 28)], {"ARM": [1]})


def test_an_empty_week_between_two_is_a_zero(scenario, analyst):
    weeks = incident_weeks(counted_links(analyst).filter(obligation__party=scenario.arm))
    assert weeks.weeks == [date(2020, 12, 28), date(2021, 1, 4)]
    assert weeks.counts == {"ARM": [2, 1]}  # shelling and moscow, then the draft
    assert incident_weeks(counted_links(analyst).none()).weeks == []


def test_as_of_a_day_counts_incidents_of_then_linked_by_then(scenario, analyst):
    def linked(day):
        links = counted_links(analyst, day).filter(obligation__commitment=scenario.geneva)
        return incident_totals(links, BY_COMMITMENT).linked

    assert linked(date(2021, 1, 4)) == 0  # links made on 5 Jan
    assert linked(date(2021, 1, 5)) == 2  # the draft's link is of 6 Jan
    assert linked(date(2021, 1, 6)) == 3
    assert linked(date(2021, 1, 3)) == 0


def test_reasons_count_the_current_assessment_of_each_obligation(scenario, analyst):
    record_reasons(scenario, analyst=analyst)
    obligations = Obligation.objects.all()
    assert reason_counts(obligations, "party__code") == {
        # ARM's refusal of 1 Jan was superseded by its assessment of 6 Jan.
        "ARM": {"conditional-on-other-party": 1, "refusal": 1},
        "AZE": {"lack-of-capacity": 1, "refusal": 1},
    }
    assert reason_counts(obligations, "commitment__category") == {
        "civilian_protection": {"conditional-on-other-party": 1, "lack-of-capacity": 1, "refusal": 1},
        "ceasefire": {"refusal": 1},
    }
    # On 2 Jan, ARM's Geneva assessment was the refusal; nothing else was recorded yet.
    assert reason_counts(obligations, "party__code", date(2021, 1, 2)) == {"ARM": {"refusal": 1}}
    published = obligations.filter(commitment__agreement__published=True)
    assert reason_counts(published, "party__code")["ARM"] == {"conditional-on-other-party": 1}
