"""Party, status, overdue and due_before/due_after answer for one and the same obligation,
in the list, the search page, both exports and the summary: "overdue commitments of
Azerbaijan" are those where Azerbaijan is overdue, not those where someone is."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar
from rest_framework.test import APIClient

from commitments import services
from commitments.models import Commitment, Obligation
from commitments.services import SourceInput
from parties.models import Party
from tracker import services as engine

pytestmark = pytest.mark.django_db

POW_LISTS = "POW lists to the ICRC"


@pytest.fixture
def azerbaijan_fulfilled_the_lists(demo, analyst):
    """The Geneva demo, after Azerbaijan handed its lists over on time: only Armenia is
    overdue on them."""
    services.status_update_record(
        commitment=Commitment.objects.get(title=POW_LISTS),
        party=Party.objects.get(code="AZE"),
        status="fulfilled",
        effective_on=date(2020, 11, 5),
        summary="Lists handed to the ICRC.",
        sources=[SourceInput(publisher="ICRC", published_on=date(2020, 11, 5))],
        user=analyst,
    )
    engine.deadline_sweep()
    lists = Obligation.objects.filter(commitment__title=POW_LISTS)
    assert dict(lists.values_list("party__code", "overdue")) == {"ARM": True, "AZE": False}


def titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {c["title"] for c in response.json()["results"]}


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def feed(partner_api, params: dict) -> list:
    response = APIClient().get("/api/v1/deadlines.ics", {"token": partner_api.feed_key, **params})
    assert response.status_code == 200
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


AZE_OVERDUE = {"party": "AZE", "overdue": "true"}
ARM_OVERDUE = {"party": "ARM", "overdue": "true"}


def test_the_list_answers_for_the_named_partys_obligation(partner_api, azerbaijan_fulfilled_the_lists):
    assert POW_LISTS not in titles(partner_api.get("/api/v1/commitments/", AZE_OVERDUE))
    assert POW_LISTS in titles(partner_api.get("/api/v1/commitments/", ARM_OVERDUE))
    # status is the party's: Azerbaijan fulfilled the lists, Armenia did not.
    assert POW_LISTS in titles(partner_api.get("/api/v1/commitments/", {"party": "AZE", "status": "fulfilled"}))
    assert POW_LISTS not in titles(partner_api.get("/api/v1/commitments/", {"party": "ARM", "status": "fulfilled"}))
    # Without a party, status reads any party's: a commitment that someone fulfilled.
    assert POW_LISTS in titles(partner_api.get("/api/v1/commitments/", {"status": "fulfilled"}))
    # The commitment's own (rolled-up) status has its own parameter.
    rolled_up = {"commitment_status": "partially_fulfilled"}
    assert titles(partner_api.get("/api/v1/commitments/", rolled_up)) == {POW_LISTS}
    assert titles(partner_api.get("/api/v1/commitments/", {**rolled_up, "party": "AZE", "overdue": "true"})) == set()


def test_each_obligation_says_whether_it_matched(partner_api, azerbaijan_fulfilled_the_lists):
    results = partner_api.get("/api/v1/commitments/", ARM_OVERDUE).json()["results"]
    lists = next(c for c in results if c["title"] == POW_LISTS)
    assert [(o["party"], o["status"], o["overdue"], o["matches"]) for o in lists["obligations"]] == [
        ("ARM", "not_started", True, True),
        ("AZE", "fulfilled", False, False),
    ]
    assert {type(o["matches"]) for o in lists["obligations"]} == {bool}  # JSON true/false, not 1/0
    # Without obligation filters every obligation matches, in the list and on its own.
    unfiltered = partner_api.get("/api/v1/commitments/").json()["results"]
    assert all(o["matches"] is True for c in unfiltered for o in c["obligations"])
    one = partner_api.get(lists["url"]).json()
    assert all(o["matches"] is True for o in one["obligations"])


def test_due_before_and_after_read_the_named_partys_due_moment(partner_api, azerbaijan_fulfilled_the_lists):
    # A due moment of Armenia's own (the model keeps one per obligation).
    Obligation.objects.filter(commitment__title=POW_LISTS, party__code="ARM").update(
        due_at=datetime(2020, 12, 1, 23, tzinfo=UTC)
    )
    december = {"due_after": "2020-12-01T00:00:00Z", "due_before": "2020-12-02T00:00:00Z"}
    assert titles(partner_api.get("/api/v1/commitments/", {**december, "party": "ARM"})) == {POW_LISTS}
    assert titles(partner_api.get("/api/v1/commitments/", {**december, "party": "AZE"})) == set()
    # Both bounds hold for one obligation: ARM is due after, AZE before, nobody within.
    assert (
        titles(
            partner_api.get(
                "/api/v1/commitments/", {"due_after": "2020-11-10T00:00:00Z", "due_before": "2020-11-20T00:00:00Z"}
            )
        )
        == set()
    )
    rows = csv_rows(partner_api.get("/api/v1/exports/commitments.csv", december))
    assert [(r["title"], r["party"]) for r in rows] == [(POW_LISTS, "ARM")]


def test_the_exports_hold_the_matching_obligations_only(partner_api, azerbaijan_fulfilled_the_lists):
    assert POW_LISTS not in {
        r["title"] for r in csv_rows(partner_api.get("/api/v1/exports/commitments.csv", AZE_OVERDUE))
    }
    rows = csv_rows(partner_api.get("/api/v1/exports/commitments.csv", ARM_OVERDUE))
    assert [(r["party"], r["status"]) for r in rows if r["title"] == POW_LISTS] == [("ARM", "not_started")]
    fulfilled = csv_rows(partner_api.get("/api/v1/exports/commitments.csv", {"status": "fulfilled"}))
    assert [(r["title"], r["party"]) for r in fulfilled] == [(POW_LISTS, "AZE")]

    assert not any(POW_LISTS in str(e["SUMMARY"]) for e in feed(partner_api, AZE_OVERDUE))
    events = [str(e["SUMMARY"]) for e in feed(partner_api, {"overdue": "true"}) if POW_LISTS in str(e["SUMMARY"])]
    assert events == [f"Due: {POW_LISTS} (Armenia)"]


def test_the_summary_counts_the_matching_obligations(partner_api, azerbaijan_fulfilled_the_lists):
    summary = partner_api.get("/api/v1/summary/", AZE_OVERDUE).json()
    listed = partner_api.get("/api/v1/commitments/", AZE_OVERDUE).json()["results"]
    assert summary["overdue"] == {"commitments": len(listed), "obligations": len(listed)}
    assert [p["party"] for p in summary["by_party"]] == ["AZE"]
    assert summary["by_party"][0]["overdue"] == len(listed)
    arm = partner_api.get("/api/v1/summary/", ARM_OVERDUE).json()
    assert [p["party"] for p in arm["by_party"]] == ["ARM"]
    assert arm["overdue"]["commitments"] == arm["overdue"]["obligations"] == len(listed) + 1


def test_the_search_page_shows_each_matching_partys_status_and_due_moment(
    client, analyst, azerbaijan_fulfilled_the_lists
):
    client.force_login(analyst)
    page = client.get("/search/", AZE_OVERDUE)
    assert page.status_code == 200
    assert POW_LISTS not in {c.title for c in page.context["results"]}
    page = client.get("/search/", ARM_OVERDUE)
    lists = next(c for c in page.context["results"] if c.title == POW_LISTS)
    assert [(o.party.code, o.status) for o in lists.matching] == [("ARM", "not_started")]
    row = next(r for r in page.text.split("<tr>") if POW_LISTS in r)
    assert "ARM" in row and "Not started" in row and "6 Nov 2020 23:00 UTC" in row
    assert "AZE" not in row and "Fulfilled" not in row
