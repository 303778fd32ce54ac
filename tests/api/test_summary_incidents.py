"""The summary's incident and reason counts: what a partner and an analyst are told
differ as they may read (drafts, draft agreements), the summary's filters and as_of
narrow them, and the fields it had are unchanged (tests/commitments/incident_scenario.py)."""

import pytest

from tests.commitments.incident_scenario import build, record_reasons

pytestmark = pytest.mark.django_db

URL = "/api/v1/summary/"


@pytest.fixture
def scenario(analyst, armenia, azerbaijan, make_commitment):
    made = build(analyst=analyst, armenia=armenia, azerbaijan=azerbaijan, make_commitment=make_commitment)
    record_reasons(made, analyst=analyst)
    return made


def _by(rows: list[dict], key: str) -> dict:
    return {row[key]: row for row in rows}


def test_a_partner_is_told_of_published_incidents_of_published_agreements(partner_api, scenario):
    body = partner_api.get(URL).json()
    assert set(body) == {"by_agreement", "by_category", "by_party", "overdue", "incidents", "reasons"}
    commitments = _by(body["incidents"]["by_commitment"], "commitment")
    assert list(commitments) == [scenario.geneva.pk]  # the draft agreement's is not there
    assert commitments[scenario.geneva.pk] == {
        "commitment": scenario.geneva.pk,
        "linked": 2,
        "verification": {"reported": 1, "corroborated": 0, "verified": 1, "disputed": 0},
        "civilians_killed": 2,
        "civilians_injured": 5,
        "killed_not_reported": 1,
        "injured_not_reported": 1,
    }
    parties = _by(body["incidents"]["by_party"], "party")
    assert {code: p["linked"] for code, p in parties.items()} == {"ARM": 1, "AZE": 2}
    assert parties["ARM"]["civilians_injured"] is None  # not reported, not 0
    assert body["reasons"] == {
        "by_party": [
            {"party": "ARM", "reasons": {"conditional-on-other-party": 1}},
            {"party": "AZE", "reasons": {"lack-of-capacity": 1, "refusal": 1}},
        ],
        "by_category": [
            {
                "category": "civilian_protection",
                "reasons": {"conditional-on-other-party": 1, "lack-of-capacity": 1, "refusal": 1},
            }
        ],
    }


def test_an_analyst_is_told_of_drafts_too(analyst_api, scenario):
    body = analyst_api.get(URL).json()
    commitments = _by(body["incidents"]["by_commitment"], "commitment")
    assert {pk: c["linked"] for pk, c in commitments.items()} == {scenario.geneva.pk: 3, scenario.moscow.pk: 1}
    assert commitments[scenario.geneva.pk]["civilians_killed"] == 9
    parties = _by(body["incidents"]["by_party"], "party")
    assert {code: p["linked"] for code, p in parties.items()} == {"ARM": 3, "AZE": 2}
    assert _by(body["reasons"]["by_party"], "party")["ARM"]["reasons"] == {
        "conditional-on-other-party": 1,
        "refusal": 1,  # the draft agreement's obligation
    }
    assert _by(body["reasons"]["by_category"], "category")["ceasefire"]["reasons"] == {"refusal": 1}


def test_the_filters_narrow_the_counts_as_they_narrow_the_rest(analyst_api, scenario):
    body = analyst_api.get(URL, {"party": "AZE"}).json()
    assert [p["party"] for p in body["incidents"]["by_party"]] == ["AZE"]
    assert [p["party"] for p in body["reasons"]["by_party"]] == ["AZE"]
    assert [c["commitment"] for c in body["incidents"]["by_commitment"]] == [scenario.geneva.pk]
    body = analyst_api.get(URL, {"category": "ceasefire"}).json()
    assert [(c["commitment"], c["linked"]) for c in body["incidents"]["by_commitment"]] == [(scenario.moscow.pk, 1)]


def test_as_of_counts_incidents_linked_by_then_and_the_reasons_of_then(analyst_api, scenario):
    body = analyst_api.get(URL, {"as_of": "2021-01-05"}).json()
    commitments = _by(body["incidents"]["by_commitment"], "commitment")
    assert commitments[scenario.geneva.pk]["linked"] == 2  # the draft's link is of 6 Jan
    assert body["reasons"]["by_party"] == [{"party": "ARM", "reasons": {"refusal": 1}}]


def test_no_incident_and_no_reason_is_an_empty_list(partner_api, db):
    body = partner_api.get(URL).json()
    assert body["incidents"] == {"by_commitment": [], "by_party": []}
    assert body["reasons"] == {"by_party": [], "by_category": []}
