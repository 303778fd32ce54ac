"""Analysts write through the API with the same rules as the admin; no lost updates."""

import pytest

from commitments.models import Agreement, Commitment, Deadline, StatusUpdate

pytestmark = pytest.mark.django_db

NEW_COMMITMENT = {
    "reference": "para 6",
    "title": "Exchange of prisoners",
    "text": "Exchange all prisoners of war within ten days of the lists.",
    "category": "prisoners",
    "nature": "one_off",
    "parties": ["ARM", "AZE"],
    "recipients": ["icrc"],
    "deadline": {"kind": "relative", "days": 10},
}


@pytest.fixture
def geneva_id(demo):
    return Agreement.objects.get(venue="Geneva").pk


def create(analyst_api, geneva_id, **changes):
    body = {**NEW_COMMITMENT, "agreement": geneva_id, **changes}
    return analyst_api.post("/api/v1/commitments/", body, format="json")


def test_an_analyst_creates_a_commitment_with_its_deadline(analyst_api, geneva_id):
    response = create(analyst_api, geneva_id)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["due_at"] == "2020-11-09T23:00:00Z"
    assert [o["party"] for o in body["obligations"]] == ["ARM", "AZE"]
    assert Commitment.objects.get(pk=body["id"]).history.first().history_user.username == "ana"


def test_a_chained_deadline_through_the_api(analyst_api, geneva_id):
    lists = Commitment.objects.get(category="prisoners")
    body = create(analyst_api, geneva_id, deadline={"kind": "relative", "days": 10, "after": str(lists.pk)}).json()
    assert body["deadline"]["after"] == lists.pk
    assert body["due_at"] is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"parties": ["XYZ"]}, "parties"),
        ({"category": "peace"}, "category"),
        ({"deadline": {"kind": "date", "date": "2020-13-40"}}, "deadline"),
        ({"deadline": {"kind": "date", "date": "2020-10-01"}}, "deadline.date"),
        ({"deadline": {"kind": "date", "date": "9999-12-31"}}, "deadline.date"),
        ({"deadline": {"kind": "relative", "days": 3_000_000}}, "deadline"),
        ({"deadline": {"kind": "relative", "days": 0}}, "deadline"),
        ({"deadline": {"kind": "relative", "days": "seven"}}, "deadline"),
        ({"deadline": None}, "deadline"),
        ({"title": "x" * 201}, "title"),
        ({"colour": "red"}, "colour"),
        ({"parties": "ARM"}, "parties"),
        ({"nature": "conditional", "deadline": None}, "condition"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(analyst_api, geneva_id, changes, field):
    before = Commitment.objects.count()
    response = create(analyst_api, geneva_id, **changes)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert Commitment.objects.count() == before


def test_malformed_json_is_a_400(analyst_api, demo):
    response = analyst_api.post("/api/v1/commitments/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_status_update_for_every_bound_party_or_one(analyst_api, demo):
    lists = Commitment.objects.get(category="prisoners")
    body = {
        "status": "in_progress",
        "effective_date": "2020-11-03",
        "summary": "Both sides are compiling lists.",
        "sources": [{"publisher": "ICRC", "published_on": "2020-11-03", "url": "https://example.org/icrc"}],
        "internal_note": "Phone call with the delegation.",
    }
    response = analyst_api.post(f"/api/v1/commitments/{lists.pk}/status-updates/", body, format="json")
    assert response.status_code == 201, response.json()
    assert sorted(u["party"] for u in response.json()) == ["ARM", "AZE"]
    one = analyst_api.post(
        f"/api/v1/commitments/{lists.pk}/status-updates/",
        {**body, "party": "AZE", "status": "fulfilled", "effective_date": "2020-11-05"},
        format="json",
    )
    assert one.status_code == 201
    detail = analyst_api.get(f"/api/v1/commitments/{lists.pk}/").json()
    assert {o["party"]: o["status"] for o in detail["obligations"]} == {"ARM": "in_progress", "AZE": "fulfilled"}
    assert detail["status"] == "partially_fulfilled"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"party": "RUS"}, "party"),
        ({"party": "NOPE"}, "party"),
        ({"status": "kept"}, "status"),
        ({"status": "violated"}, "status"),
        ({"effective_date": "yesterday"}, "effective_date"),
        ({"effective_date": "2020-10-01"}, "effective_date"),
        ({"sources": []}, "sources"),
        ({"sources": [{"publisher": "ICRC"}]}, "sources"),
        ({"confidence": "certain"}, "confidence"),
        ({"secret": 1}, "secret"),
    ],
)
def test_bad_status_updates_are_400s_naming_the_field(analyst_api, demo, changes, field):
    lists = Commitment.objects.get(category="prisoners")
    body = {
        "status": "in_progress",
        "effective_date": "2020-11-03",
        "summary": "Compiling.",
        "sources": [{"publisher": "ICRC", "published_on": "2020-11-03"}],
        **changes,
    }
    before = StatusUpdate.objects.count()
    response = analyst_api.post(f"/api/v1/commitments/{lists.pk}/status-updates/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert StatusUpdate.objects.count() == before


def test_changes_need_if_match_and_fail_when_stale(analyst_api, demo):
    lists = Commitment.objects.get(category="prisoners")
    url = f"/api/v1/commitments/{lists.pk}/"
    first = analyst_api.get(url)
    etag = first["ETag"]
    assert analyst_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    change = {"title": "POW lists to the ICRC and the PRCiO", "reason": "Full title from the co-chairs' text."}
    assert analyst_api.patch(url, change, format="json").status_code == 428
    assert analyst_api.patch(url, change, format="json", HTTP_IF_MATCH='"stale"').status_code == 412
    done = analyst_api.patch(url, change, format="json", HTTP_IF_MATCH=etag)
    assert done.status_code == 200
    assert done.json()["title"] == "POW lists to the ICRC and the PRCiO"
    # The old ETag is now stale: a second writer with it loses nothing of the first's.
    assert (
        analyst_api.patch(url, {"title": "Other", "reason": "x"}, format="json", HTTP_IF_MATCH=etag).status_code == 412
    )
    assert Commitment.objects.get(pk=lists.pk).title == "POW lists to the ICRC and the PRCiO"
    assert analyst_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_an_extension_needs_a_reason_and_a_source(analyst_api, demo):
    lists = Commitment.objects.get(category="prisoners")
    url = f"/api/v1/commitments/{lists.pk}/"
    etag = analyst_api.get(url)["ETag"]
    extension = {"deadline": {"kind": "date", "date": "2020-11-13"}}
    missing_reason = analyst_api.patch(url, extension, format="json", HTTP_IF_MATCH=etag)
    assert missing_reason.status_code == 400
    assert "reason" in missing_reason.json()
    no_source = analyst_api.patch(url, {**extension, "reason": "One more week."}, format="json", HTTP_IF_MATCH=etag)
    assert no_source.status_code == 400
    assert "source.publisher" in no_source.json()
    done = analyst_api.patch(
        url,
        {**extension, "reason": "One more week.", "source": {"publisher": "OSCE", "published_on": "2020-11-06"}},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert done.status_code == 200, done.json()
    assert done.json()["deadline"]["revision"] == 2
    assert Deadline.objects.filter(commitment=lists).count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"deadline": {"days": 8}, "reason": "One more day."}, ("deadline", "kind")),
        ({"deadline": {}, "reason": "One more day."}, ("deadline", "kind")),
        ({"title": "A new title"}, ("reason",)),
    ],
)
def test_a_patch_missing_a_required_part_is_a_400_naming_it(analyst_api, demo, body, field):
    lists = Commitment.objects.get(category="prisoners")
    url = f"/api/v1/commitments/{lists.pk}/"
    response = analyst_api.patch(url, body, format="json", HTTP_IF_MATCH=analyst_api.get(url)["ETag"])
    assert response.status_code == 400
    errors = response.json()
    for name in field:  # nested as DRF nests a nested serializer's errors, as on POST
        errors = errors[name]
    assert errors
    assert Commitment.objects.get(pk=lists.pk).title == lists.title
    assert Deadline.objects.filter(commitment=lists).count() == 1


def test_an_ongoing_commitment_turns_one_off_with_its_deadline_in_one_patch(analyst_api, demo):
    remains = Commitment.objects.get(category="remains_exchange")
    url = f"/api/v1/commitments/{remains.pk}/"
    etag = analyst_api.get(url)["ETag"]
    alone = analyst_api.patch(url, {"nature": "one_off", "reason": "Dated."}, format="json", HTTP_IF_MATCH=etag)
    assert alone.status_code == 400 and "deadline" in alone.json(), alone.json()
    assert Commitment.objects.get(pk=remains.pk).nature == "ongoing"
    done = analyst_api.patch(
        url,
        {
            "nature": "one_off",
            "deadline": {"kind": "date", "date": "2020-11-20"},
            "reason": "The co-chairs set a date.",
            "source": {"publisher": "OSCE", "published_on": "2020-11-13"},
        },
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert done.status_code == 200, done.json()
    assert (done.json()["nature"], done.json()["deadline"]["date"]) == ("one_off", "2020-11-20")


def test_a_violated_commitment_does_not_turn_one_off(analyst_api, demo):
    # The demo's Moscow ceasefire is violated by both parties: a one-off is fulfilled or not,
    # never violated (the status rule), so it cannot become one-off while it stands so.
    ceasefire = Commitment.objects.get(category="ceasefire", agreement__signed_on="2020-10-10")
    assert set(ceasefire.obligations.values_list("status", flat=True)) == {"violated"}
    url = f"/api/v1/commitments/{ceasefire.pk}/"
    etag = analyst_api.get(url)["ETag"]
    body = {
        "nature": "one_off",
        "deadline": {"kind": "relative", "days": 5, "after": "agreement"},
        "reason": "Reclassified.",
        "source": {"publisher": "OSCE", "published_on": "2020-10-10"},
    }
    response = analyst_api.patch(url, body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400 and "nature" in response.json(), response.json()
    ceasefire.refresh_from_db()
    assert ceasefire.nature == "ongoing" and ceasefire.current_deadline_id is None


def test_an_agreement_through_the_api(analyst_api, demo):
    created = analyst_api.post(
        "/api/v1/agreements/",
        {"title": "Paris truce", "kind": "ceasefire_agreement", "date": "2020-10-17", "timezone": "Europe/Paris"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["published"] is False
    bad = analyst_api.post(
        "/api/v1/agreements/",
        {"title": "Nowhere", "kind": "protocol", "date": "2020-10-17", "timezone": "Mars/Base"},
        format="json",
    )
    assert bad.status_code == 400
    assert "timezone" in bad.json()
    url = created.json()["url"]
    etag = analyst_api.get(url)["ETag"]
    published = analyst_api.patch(
        url, {"published": True, "reason": "Verified text."}, format="json", HTTP_IF_MATCH=etag
    )
    assert published.status_code == 200
    assert published.json()["published"] is True


def test_a_new_date_or_zone_moves_the_deadlines_counted_from_the_agreement(analyst_api, demo):
    # Geneva (30 Oct 2020, Europe/Zurich): "POW lists within a week" falls due on 6 Nov.
    # Dated a day earlier, it falls due on 5 Nov; in Baku's zone, at the end of Baku's day;
    # its obligations follow, and the deadline's history says why.
    geneva = Agreement.objects.get(venue="Geneva")
    lists = Commitment.objects.get(agreement=geneva, current_deadline__within_days=7, reference="para 3")
    assert lists.current_deadline.due_date.isoformat() == "2020-11-06"
    url = f"/api/v1/agreements/{geneva.pk}/"
    etag = analyst_api.get(url)["ETag"]
    body = {"date": "2020-10-29", "timezone": "Asia/Baku", "reason": "Signed the day before."}
    response = analyst_api.patch(url, body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    deadline = Deadline.objects.get(pk=lists.current_deadline_id)
    assert deadline.due_date.isoformat() == "2020-11-05"
    assert deadline.due_at.isoformat() == "2020-11-05T20:00:00+00:00"  # midnight in Baku (UTC+4)
    assert set(lists.obligations.values_list("due_at", flat=True)) == {deadline.due_at}
    assert deadline.history.first().history_change_reason == "Signed the day before."
    api_due = analyst_api.get(f"/api/v1/commitments/{lists.pk}/").json()["due_at"]
    assert api_due == "2020-11-05T20:00:00Z"


def test_a_new_date_that_would_leave_status_updates_before_the_agreement_is_refused(analyst_api, demo):
    # The Moscow ceasefire (10 Oct 2020) was assessed violated from 31 Oct: it cannot be
    # dated 20 Nov, which would put those assessments before the agreement.
    moscow = Agreement.objects.get(venue="Moscow", signed_on="2020-10-10")
    url = f"/api/v1/agreements/{moscow.pk}/"
    etag = analyst_api.get(url)["ETag"]
    response = analyst_api.patch(url, {"date": "2020-11-20", "reason": "Typo"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400 and "status updates" in response.json()["date"][0], response.json()
    moscow.refresh_from_db()
    assert moscow.signed_on.isoformat() == "2020-10-10"


def test_binding_another_party_through_the_api(analyst_api, demo):
    lists = Commitment.objects.get(category="prisoners")
    response = analyst_api.post(f"/api/v1/commitments/{lists.pk}/obligations/", {"party": "RUS"}, format="json")
    assert response.status_code == 201
    assert [o["party"] for o in response.json()["obligations"]] == ["ARM", "AZE", "RUS"]
    again = analyst_api.post(f"/api/v1/commitments/{lists.pk}/obligations/", {"party": "RUS"}, format="json")
    assert again.status_code == 400


def test_the_current_deadline_sent_again_is_no_revision(analyst_api, demo):
    """A PUT repeats every field, and a PATCH may repeat the deadline: the same deadline
    again changes nothing (no revision 2 saying "by 13 Nov" twice), needs no extension
    reason, and a different one is still an extension."""
    lists = Commitment.objects.get(category="prisoners")
    url = f"/api/v1/commitments/{lists.pk}/"
    same = analyst_api.get(url).json()["deadline"]
    same = {"kind": same["kind"], **({"date": same["date"]} if same["kind"] == "date" else {"days": same["days"]})}
    for body in (
        {"deadline": same, "reason": "Sent again."},
        {"deadline": same, "title": "POW lists, again", "reason": "Wording."},
    ):
        response = analyst_api.patch(url, body, format="json", HTTP_IF_MATCH=analyst_api.get(url)["ETag"])
        assert response.status_code == 200, response.json()
        assert response.json()["deadline"]["revision"] == 1
    assert Deadline.objects.filter(commitment=lists).count() == 1
    assert Commitment.objects.get(pk=lists.pk).title == "POW lists, again"
    extension = {
        "deadline": {"kind": "date", "date": "2020-11-13"},
        "reason": "One more week.",
        "source": {"publisher": "OSCE", "published_on": "2020-11-06"},
    }
    response = analyst_api.patch(url, extension, format="json", HTTP_IF_MATCH=analyst_api.get(url)["ETag"])
    assert response.json()["deadline"]["revision"] == 2
    again = analyst_api.patch(url, extension, format="json", HTTP_IF_MATCH=analyst_api.get(url)["ETag"])
    assert again.status_code == 200 and again.json()["deadline"]["revision"] == 2
    assert Deadline.objects.filter(commitment=lists).count() == 2
