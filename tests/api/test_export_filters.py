"""The exports read the list's filters as the list does: the same commitments, and the
rows picked by ``party`` are that party's."""

import csv
import io

import pytest
from icalendar import Calendar
from rest_framework.test import APIClient

from commitments.models import Commitment

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_a_party_with_spaces_exports_what_the_list_shows(partner_api, partner_feed_key, demo):
    listed = partner_api.get("/api/v1/commitments/?party=%20AZE")
    assert listed.status_code == 200
    listed_ids = {c["id"] for c in listed.json()["results"]}
    assert listed_ids  # the list trims the code

    rows = csv_rows(partner_api.get("/api/v1/exports/commitments.csv?party=%20AZE"))
    assert {int(r["commitment_id"]) for r in rows} == listed_ids
    assert {r["party"] for r in rows} == {"AZE"}

    feed = APIClient().get("/api/v1/deadlines.ics", {"token": partner_feed_key, "party": " AZE"})
    assert feed.status_code == 200
    plain = APIClient().get("/api/v1/deadlines.ics", {"token": partner_feed_key, "party": "AZE"})
    events = {str(e["UID"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")}
    assert events
    assert events == {str(e["UID"]) for e in Calendar.from_ical(plain.content).walk("VEVENT")}


@pytest.mark.parametrize("value", ["true", "1"])
def test_overdue_reads_the_same_in_the_list_and_the_csv(partner_api, demo, value):
    listed = {c["id"] for c in partner_api.get("/api/v1/commitments/", {"overdue": value}).json()["results"]}
    exported = {
        int(r["commitment_id"])
        for r in csv_rows(partner_api.get("/api/v1/exports/commitments.csv", {"overdue": value}))
    }
    overdue = set(Commitment.objects.filter(obligations__overdue=True).values_list("pk", flat=True))
    assert listed == exported == overdue != set()
