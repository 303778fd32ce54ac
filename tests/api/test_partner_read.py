"""What partner dashboards rely on: the demo read with a partner token."""

import csv
import io

import pytest
from icalendar import Calendar

pytestmark = pytest.mark.django_db


def test_a_partner_token_reads_overdue_commitments_of_azerbaijan(partner_api, demo):
    response = partner_api.get("/api/v1/commitments/", {"overdue": "true", "party": "AZE"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert {c["title"] for c in results} == {
        "POW lists to the ICRC",
        "Comments and questions on ceasefire verification",
    }
    lists = next(c for c in results if c["category"] == "prisoners")
    assert lists["deadline"] == {
        "kind": "relative",
        "date": None,
        "days": 7,
        "after": "agreement",
        "due_date": "2020-11-06",
        "due_at": "2020-11-06T23:00:00Z",
        "revision": 1,
        "reason": "",
    }
    assert lists["due_at"] == "2020-11-06T23:00:00Z"
    assert lists["overdue"] is True
    assert lists["overdue_since"] == "2020-11-06T23:00:00Z"
    assert lists["recipients"] == ["icrc", "osce-prcio"]
    assert [(o["party"], o["overdue"]) for o in lists["obligations"]] == [("ARM", True), ("AZE", True)]
    for field in ("id", "url", "agreement", "reference", "text", "nature", "status", "updated_at"):
        assert field in lists


def test_the_csv_has_one_row_per_obligation_and_an_optional_hxl_row(partner_api, demo):
    response = partner_api.get("/api/v1/exports/commitments.csv", {"overdue": "true", "party": "AZE", "hxl": "1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, hxl, body = rows[0], rows[1], rows[2:]
    assert header[:3] == ["commitment_id", "agreement_id", "agreement"]
    assert all(tag.startswith("#") for tag in hxl)
    assert hxl[header.index("party")] == "#group+code"
    assert hxl[header.index("country_code")] == "#country+code"
    # One row per obligation: Azerbaijan's two overdue ones.
    parties = sorted((r[header.index("reference")], r[header.index("party")]) for r in body)
    assert parties == [("para 3", "AZE"), ("para 4", "AZE")]
    everyone = partner_api.get("/api/v1/exports/commitments.csv", {"overdue": "true"})
    assert len(b"".join(everyone.streaming_content).decode("utf-8-sig").strip().splitlines()) == 1 + 4
    plain = partner_api.get("/api/v1/exports/commitments.csv", {"party": "AZE"})
    first_rows = list(csv.reader(io.StringIO(b"".join(plain.streaming_content).decode("utf-8-sig"))))
    assert not first_rows[1][0].startswith("#")


def test_a_calendar_app_accepts_the_deadline_feed_with_a_feed_key_in_the_url(partner_feed_key, demo):
    from rest_framework.test import APIClient

    calendar_app = APIClient()  # sends no header: the feed key is in the URL
    response = calendar_app.get("/api/v1/deadlines.ics", {"token": partner_feed_key, "party": "AZE"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert {str(e["SUMMARY"]) for e in events} == {
        "Due: POW lists to the ICRC (Azerbaijan)",
        "Due: Comments and questions on ceasefire verification (Azerbaijan)",
    }
    assert {e.decoded("DTSTART").isoformat() for e in events} == {"2020-11-06"}
    uids = {str(e["UID"]) for e in events}
    # Stable UIDs: the same events come back with the same UIDs.
    again = Calendar.from_ical(calendar_app.get("/api/v1/deadlines.ics", {"token": partner_feed_key}).content)
    assert uids <= {str(e["UID"]) for e in again.walk("VEVENT")}
    assert calendar_app.get("/api/v1/deadlines.ics", {"token": "wrong"}).status_code in (401, 403)


def test_the_same_token_gets_403_on_every_write(partner_api, demo):
    from commitments.models import Commitment

    lists = Commitment.objects.get(category="prisoners")
    attempts = [
        ("post", "/api/v1/commitments/"),
        ("patch", f"/api/v1/commitments/{lists.pk}/"),
        ("put", f"/api/v1/commitments/{lists.pk}/"),
        ("post", f"/api/v1/commitments/{lists.pk}/status-updates/"),
        ("post", f"/api/v1/commitments/{lists.pk}/obligations/"),
        ("post", "/api/v1/agreements/"),
        ("patch", f"/api/v1/agreements/{lists.agreement_id}/"),
        ("delete", f"/api/v1/commitments/{lists.pk}/"),
    ]
    for method, url in attempts:
        response = getattr(partner_api, method)(url, {}, format="json")
        assert response.status_code == 403, (method, url, response.status_code)


def test_partners_never_see_internal_notes_or_analysts(partner_api, analyst_api, demo):
    partner_view = partner_api.get("/api/v1/status-updates/").json()["results"]
    analyst_view = analyst_api.get("/api/v1/status-updates/").json()["results"]
    assert partner_view and analyst_view
    assert all("internal_note" not in u and "analyst" not in u for u in partner_view)
    assert all(u["internal_note"] == "Demo data: assessment drawn from the seed report only." for u in analyst_view)
    detail = partner_api.get(partner_view[0]["url"]).json()
    assert "internal_note" not in detail
    csv_text = b"".join(partner_api.get("/api/v1/exports/status-updates.csv").streaming_content).decode()
    assert "Demo data: assessment drawn" not in csv_text


def test_partners_never_see_unpublished_drafts(partner_api, analyst_api, demo):
    from commitments.models import Agreement

    draft = Agreement.objects.get(venue="Geneva")
    draft.published = False
    draft.save()
    titles = {c["title"] for c in partner_api.get("/api/v1/commitments/").json()["results"]}
    assert "POW lists to the ICRC" not in titles
    assert partner_api.get(f"/api/v1/agreements/{draft.pk}/").status_code == 404
    assert analyst_api.get(f"/api/v1/agreements/{draft.pk}/").status_code == 200
    ics = partner_api.get("/api/v1/deadlines.ics").content.decode()
    assert "POW lists" not in ics


def test_anonymous_sees_only_the_schema_and_docs(client, demo):
    assert client.get("/api/v1/commitments/").status_code == 401
    assert client.get("/api/v1/summary/").status_code == 401
    assert client.get("/api/v1/schema/").status_code == 200
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower() and "unpkg" not in docs.text.lower()


def test_summary_counts_by_agreement_party_and_category(partner_api, demo):
    summary = partner_api.get("/api/v1/summary/").json()
    parties = {p["party"]: p for p in summary["by_party"]}
    assert parties["AZE"]["overdue"] == 2
    assert parties["AZE"]["on_time_rate"] == 0.0
    assert summary["overdue"] == {"commitments": 2, "obligations": 4}
    assert {c["category"] for c in summary["by_category"]} >= {"prisoners", "verification", "ceasefire"}
    filtered = partner_api.get("/api/v1/summary/", {"category": "prisoners"}).json()
    assert filtered["by_category"] == [{"category": "prisoners", "statuses": {"not_started": 1}}]


def test_the_csv_text_is_the_same_on_every_database(partner_api, demo):
    """PostgreSQL streams the rows with COPY, SQLite through Python: the same text."""
    response = partner_api.get("/api/v1/exports/commitments.csv", {"party": "AZE", "category": "prisoners"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = text.splitlines()
    values = dict(zip(header.split(","), next(csv.reader([row])), strict=True))
    assert values["due_at"] == "2020-11-06 23:00:00+00"
    assert values["overdue"] == "true"
    assert values["overdue_since"] == "2020-11-06 23:00:00+00"
    assert values["due_date"] == "2020-11-06"
    assert values["agreement_date"] == "2020-10-30"
    assert values["title"] == "POW lists to the ICRC"
    assert values["country_code"] == "AZE"
    assert values["updated_at"].endswith("+00")
    assert "\r" not in text


def test_the_fast_commitment_representation_matches_its_declared_fields(partner_api, demo):
    from commitments.api.serializers import CommitmentSerializer

    item = partner_api.get("/api/v1/commitments/").json()["results"][0]
    assert list(item) == CommitmentSerializer.Meta.fields
    assert set(CommitmentSerializer().fields) == set(CommitmentSerializer.Meta.fields)


def test_moments_with_any_iso_offset_are_compared_in_utc(partner_api, demo):
    # +19:55 is valid ISO 8601 but beyond what PostgreSQL accepts: compared in UTC.
    response = partner_api.get("/api/v1/commitments/", {"due_before": "2020-11-07T18:56:00+19:55"})
    assert response.status_code == 200
    assert {c["category"] for c in response.json()["results"]} == {"prisoners", "verification"}
    bad = partner_api.get("/api/v1/commitments/", {"due_before": "next tuesday"})
    assert bad.status_code == 400
    assert "due_before" in bad.json()
    out_of_range = partner_api.get("/api/v1/commitments/", {"updated_since": "0001-01-01T00:00:00+15:00"})
    assert out_of_range.status_code == 400
    assert out_of_range.json() == {"updated_since": ["This moment is out of range."]}
