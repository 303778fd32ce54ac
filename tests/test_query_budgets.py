"""Query budgets, as NetBox's tests/query_counts.json: the number of SQL queries each list
endpoint, export and page makes, for a partner and an analyst, over one data set (the
incident scenario with reasons, a deadline and the sweep's alerts). A count over its
budget fails. When a change makes more queries on purpose, or fewer, record the new
counts:

    UPDATE_QUERY_COUNTS=1 .venv/bin/pytest tests/test_query_budgets.py

(with and without DATABASE_URL: each database has its own counts) and commit
tests/query_counts.json with the change, saying why in the commit. The tests that a
list of 100 rows costs as many queries as a list of 1 are next to the lists
(tests/api/test_query_counts.py, tests/commitments/test_pages.py...)."""

import json
import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from commitments.services import DeadlineInput
from tests.api.conftest import token_client
from tests.commitments.incident_scenario import build, record_reasons
from tracker import services as engine

pytestmark = pytest.mark.django_db

BUDGETS = Path(__file__).with_name("query_counts.json")
UPDATE = os.environ.get("UPDATE_QUERY_COUNTS") == "1"

API = [
    "/api/v1/parties/",
    "/api/v1/agreements/",
    "/api/v1/commitments/",
    "/api/v1/commitments/{commitment}/",
    "/api/v1/status-updates/",
    "/api/v1/alerts/",
    "/api/v1/incidents/",
    "/api/v1/non-fulfilment-reasons/",
    "/api/v1/summary/",
    "/api/v1/exports/commitments.csv",
    "/api/v1/exports/status-updates.csv",
    "/api/v1/exports/incidents.csv",
    "/api/v1/deadlines.ics?token={feed_key}",
]
PAGES = [
    "/",
    "/search/",
    "/agreements/",
    "/commitments/agreements/{agreement}/",
    "/commitments/{commitment}/",
    "/parties/",
    "/parties/{party}/",
    "/incidents/",
    "/incidents/{incident}/",
    "/alerts/inbox/",
]


def count(client, url: str) -> int:
    """Queries of one GET, from an empty cache (so the count is the same on every run),
    a streamed body read to its end."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return len(captured)


@pytest.fixture
def data(analyst, armenia, azerbaijan, make_commitment):
    scenario = build(analyst=analyst, armenia=armenia, azerbaijan=azerbaijan, make_commitment=make_commitment)
    record_reasons(scenario, analyst=analyst)
    # A deadline already past: the sweep raises its overdue alerts.
    make_commitment(agreement=scenario.geneva.agreement, reference="2", deadline=DeadlineInput(within_days=1))
    engine.deadline_sweep()
    return scenario


def measured(data, partner, analyst) -> dict[str, int]:
    names = {
        "commitment": data.geneva.pk,
        "agreement": data.geneva.agreement_id,
        "party": data.aze.code,
        "incident": data.incidents["shelling"].pk,
    }
    counts = {}
    for role, user in (("partner", partner), ("analyst", analyst)):
        api = token_client(user, read_only=True)
        api.get("/api/v1/parties/")  # the token's last-used time is written once a minute
        api.get(f"/api/v1/deadlines.ics?token={api.feed_key}")  # and the feed key's
        for url in API:
            counts[f"{role} {url}"] = count(api, url.format(feed_key=api.feed_key, **names))
        pages = APIClient()  # a browser's session
        pages.force_login(user)
        pages.get("/")
        for url in PAGES:
            counts[f"{role} {url}"] = count(pages, url.format(**names))
    return counts


def test_queries_stay_within_their_budget(data, partner, analyst):
    counts = measured(data, partner, analyst)
    recorded = json.loads(BUDGETS.read_text()) if BUDGETS.exists() else {}
    if UPDATE:
        recorded[connection.vendor] = dict(sorted(counts.items()))
        BUDGETS.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n")
    budgets = recorded.get(connection.vendor, {})
    missing = sorted(set(counts) - set(budgets))
    over = {name: (n, budgets[name]) for name, n in counts.items() if name in budgets and n > budgets[name]}
    how = "Record the new counts: UPDATE_QUERY_COUNTS=1 .venv/bin/pytest tests/test_query_budgets.py"
    assert not missing, f"No budget in {BUDGETS.name} ({connection.vendor}) for {missing}. {how}"
    assert not over, (
        f"Over budget ({connection.vendor}; queries, budget): "
        + "; ".join(f"{name}: {n} > {budget}" for name, (n, budget) in sorted(over.items()))
        + f". Find the query that came (a missing select_related or prefetch?), or, if it is meant: {how}"
    )


def test_the_budgets_name_only_what_is_measured():
    """A budget of an endpoint or page no longer measured is a stale line: say so."""
    recorded = json.loads(BUDGETS.read_text())
    expected = {f"{role} {url}" for role in ("partner", "analyst") for url in API + PAGES}
    for vendor, budgets in recorded.items():
        assert set(budgets) == expected, f"{vendor}: {sorted(set(budgets) ^ expected)}"
