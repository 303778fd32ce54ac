"""The summary, filtered by party, counts each commitment once (the party filter once
made the counts group by commitment: a 5-commitment agreement counted 1)."""

from collections import Counter

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("params", [{"party": "AZE"}, {"party": "AZE", "overdue": "false"}])
def test_the_summary_by_party_counts_what_the_list_shows(partner_api, demo, params):
    listed = partner_api.get("/api/v1/commitments/", params).json()["results"]
    summary = partner_api.get("/api/v1/summary/", params).json()
    by_agreement = {a["agreement"]: a["statuses"] for a in summary["by_agreement"]}
    expected: dict[int, Counter] = {}
    for c in listed:
        expected.setdefault(c["agreement"], Counter())[c["status"]] += 1
    assert by_agreement == {agreement: dict(counts) for agreement, counts in expected.items()}
    assert max(sum(s.values()) for s in by_agreement.values()) > 1
    by_category = Counter()
    for c in listed:
        by_category[(c["category"], c["status"])] += 1
    assert {(k["category"], s): n for k in summary["by_category"] for s, n in k["statuses"].items()} == by_category
