"""/api/v1/incidents/ and /api/v1/non-fulfilment-reasons/: analysts record, change,
verify, publish and link incidents; partners read published incidents and linked
commitments only, never an internal note; filters read one party together; ETags, hostile
bodies and concurrent verifications as everywhere in the API."""

import json
from datetime import date

import pytest

from commitments import incidents
from commitments.choices import Category, IncidentRole, LinkState, Nature, Verification
from commitments.models import Agreement, Incident, IncidentLink, Obligation
from commitments.services import SourceInput
from core.models import ApiToken
from tests.api.test_concurrent_writes import all_at_once, send
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db

SECRET = "SECRET-NOTE-never-for-partners"
URL = "/api/v1/incidents/"

NEW = {
    "date": "2020-11-03",
    "timezone": "Asia/Baku",
    "location": "Barda",
    "country": "Azerbaijan",
    "admin1": "Barda",
    "latitude": 40.37444,
    "longitude": 47.12611,
    "event_type": "explosions_remote_violence",
    "sub_event_type": "shelling_artillery_missile_attack",
    "description": "Cluster munitions hit the town centre.",
    "figures": {"fatalities": 21, "civilians_killed": 21, "civilians_injured": 70, "other": {"houses destroyed": 4}},
    "confidence": "high",
    "internal_note": SECRET,
    "parties": [{"party": "ARM", "role": "alleged"}, {"party": "AZE", "role": "involved"}],
    "sources": [{"publisher": "Amnesty International", "published_on": "2020-11-05", "url": "https://example.org/b"}],
}


def post(client, url: str, body, **headers):
    return client.generic("POST", url, json.dumps(body), content_type="application/json", **headers)


def patch(client, url: str, body, **headers):
    return client.generic("PATCH", url, json.dumps(body), content_type="application/json", **headers)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content[:400]
    return sorted(row["id"] for row in response.json()["results"])


@pytest.fixture
def world(analyst, make_commitment, armenia, azerbaijan):
    """A published civilian-protection pledge binding ARM and AZE, a draft agreement's
    pledge, and three incidents: A (published, AZE alleged, ARM involved, linked to the
    pledge for AZE, a proposal for ARM), B (a draft), C (published, ARM alleged, AZE
    involved, nothing linked)."""
    civilians = make_commitment(
        reference="para 1", title="Refrain from targeting civilians", category=Category.CIVILIAN_PROTECTION,
        nature=Nature.ONGOING, deadline=None,
    )  # fmt: skip
    Agreement.objects.filter(pk=civilians.agreement_id).update(published=True)
    source = SourceInput(publisher="HRW", published_on=date(2020, 10, 20), url="https://example.org/a")

    def make(published, alleged, involved, **fields):
        defaults = {
            "occurred_on": date(2020, 10, 31),  # after the pledge's agreement (30 Oct)
            "location": "Ganja",
            "country": "Azerbaijan",
            "admin1": "Ganja-Gazakh",
            "event_type": "explosions_remote_violence",
            "sub_event_type": "shelling_artillery_missile_attack",
            "internal_note": SECRET,
        }
        return incidents.incident_create(
            fields=defaults | fields,
            parties=[(alleged, IncidentRole.ALLEGED), (involved, IncidentRole.INVOLVED)],
            sources=[source],
            published=published,
            user=analyst,
        )

    a = make(True, azerbaijan, armenia, location="Stepanakert", country="Armenia", admin1="Nagorno-Karabakh")
    b = make(False, armenia, azerbaijan)
    c = make(
        True, armenia, azerbaijan, event_type="battles", sub_event_type="armed_clash", occurred_on=date(2020, 11, 1)
    )
    aze = civilians.obligations.get(party=azerbaijan)
    arm = civilians.obligations.get(party=armenia)
    incidents.incident_link(incident=a, obligations=[aze], note="Internal link note", user=analyst)
    IncidentLink.objects.create(incident=a, obligation=arm, state=LinkState.PROPOSED)
    return {"a": a, "b": b, "c": c, "commitment": civilians, "aze": aze, "arm": arm}


# Reading and visibility


def test_partners_read_published_incidents_and_linked_commitments_only(partner_api, world):
    a, b = world["a"], world["b"]
    listed = partner_api.get(URL)
    assert ids(listed) == sorted([a.pk, world["c"].pk])
    assert partner_api.get(f"{URL}{b.pk}/").status_code == 404
    data = partner_api.get(f"{URL}{a.pk}/").json()
    assert [(p["code"], p["role"]) for p in data["parties"]] == [("AZE", "alleged"), ("ARM", "involved")]
    assert data["parties"][0]["name"] == "Republic of Azerbaijan"
    assert data["links"] == [
        {
            "id": IncidentLink.objects.get(obligation=world["aze"]).pk,
            "commitment": {
                "id": world["commitment"].pk,
                "reference": "para 1",
                "title": "Refrain from targeting civilians",
            },
            "party": "AZE",
            "obligation": world["aze"].pk,
            "state": "linked",
        }
    ]
    assert data["figures"] == {"fatalities": None, "civilians_killed": None, "civilians_injured": None, "other": {}}
    assert data["verification"] == "reported" and data["acled_event_id"] == ""
    for response in (listed, partner_api.get(f"{URL}{a.pk}/")):
        text = response.content.decode()
        assert SECRET not in text and "internal_note" not in text
        assert "Internal link note" not in text and "proposed" not in text and '"ana"' not in text, text


def test_a_link_to_a_draft_agreement_stays_hidden_from_partners(partner_api, analyst, world, make_commitment):
    draft = make_commitment(
        agreement=AgreementFactory(title="Draft talks", published=False),
        category=Category.CIVILIAN_PROTECTION, nature=Nature.ONGOING, deadline=None,
    )  # fmt: skip
    incidents.incident_link(incident=world["a"], obligations=list(draft.obligations.all()), user=analyst)
    links = partner_api.get(f"{URL}{world['a'].pk}/").json()["links"]
    assert [link["commitment"]["id"] for link in links] == [world["commitment"].pk]
    assert ids(partner_api.get(URL, {"commitment": draft.pk})) == []


def test_analysts_read_drafts_internal_notes_and_every_link(analyst_api, world):
    assert ids(analyst_api.get(URL)) == sorted(world[k].pk for k in "abc")
    data = analyst_api.get(f"{URL}{world['a'].pk}/").json()
    assert data["internal_note"] == SECRET and data["published"] is True and data["created_by"] == "ana"
    states = {(link["party"], link["state"]) for link in data["links"]}
    assert states == {("AZE", "linked"), ("ARM", "proposed")}
    linked = next(link for link in data["links"] if link["state"] == "linked")
    assert linked["note"] == "Internal link note" and linked["decided_by"] == "ana"


# Filters


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"party": "AZE", "role": "alleged"}, "a"),  # AZE is only involved in C: not C
        ({"party": "ARM", "role": "alleged"}, "c"),
        ({"party": "ARM", "role": "involved"}, "a"),
        ({"party": "ARM"}, "ac"),
        ({"role": "involved"}, "ac"),
        ({"event_type": "battles"}, "c"),
        ({"sub_event_type": "shelling_artillery_missile_attack"}, "a"),
        ({"date_from": "2020-11-01"}, "c"),
        ({"date_to": "2020-10-31"}, "a"),
        ({"date_from": "0001-01-01", "date_to": "9999-12-31"}, "ac"),
        ({"country": "armenia"}, "a"),
        ({"admin1": "Ganja-Gazakh"}, "c"),
        ({"location": "Stepanakert"}, "a"),
        ({"verification": "reported"}, "ac"),
        ({"verification": "verified"}, ""),
        ({"commitment": "{commitment}"}, "a"),
        ({"updated_since": "2020-01-01T00:00:00Z"}, "ac"),
        ({"updated_since": "9999-12-31T00:00:00Z"}, ""),
    ],
)
def test_each_filter(partner_api, world, query, expected):
    query = {k: v.format(commitment=world["commitment"].pk) for k, v in query.items()}
    assert ids(partner_api.get(URL, query)) == sorted(world[k].pk for k in expected)


def test_the_commitment_filter_reads_linked_links_only(analyst_api, world):
    """The ARM proposal does not make the incident "linked to the commitment"; removing
    the AZE link takes it out."""
    commitment = world["commitment"].pk
    assert ids(analyst_api.get(URL, {"commitment": commitment})) == [world["a"].pk]
    link = IncidentLink.objects.get(obligation=world["aze"])
    incidents.incident_link_decide(link=link, state=LinkState.REMOVED, user=None)
    assert ids(analyst_api.get(URL, {"commitment": commitment})) == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("party", "XXX"),
        ("role", "victim"),
        ("event_type", "Battles"),
        ("sub_event_type", "bombing"),
        ("date_from", "2020-13-01"),
        ("date_to", "yesterday"),
        ("verification", "true"),
        ("commitment", "99999999999999999999"),
        ("commitment", "abc"),
        ("updated_since", "soon"),
        ("published", "yes"),
        ("location", "a\x00b"),
        ("country", "x" * 201),
        ("page_size", "0"),
    ],
)
def test_a_value_a_filter_does_not_take_is_a_400_naming_it(partner_api, world, name, value):
    urls = [URL] if name == "page_size" else [URL, "/api/v1/exports/incidents.csv"]
    for url in urls:
        response = partner_api.get(url, {name: value})
        assert response.status_code == 400, (url, name, response.content[:200])
        assert name in response.json(), response.json()


def test_partners_cannot_list_drafts_by_filtering(partner_api, world):
    assert ids(partner_api.get(URL, {"published": "false"})) == []


# Writing


def test_an_analyst_records_an_incident(analyst_api, world, analyst):
    response = post(analyst_api, URL, NEW)
    assert response.status_code == 201, response.json()
    data = response.json()
    incident = Incident.objects.get(pk=data["id"])
    assert (incident.published, incident.verification, incident.created_by) == (False, "reported", analyst)
    assert data["latitude"] == 40.37444 and data["figures"]["other"] == {"houses destroyed": 4}
    assert data["figures"]["civilians_injured"] == 70
    assert [(p["code"], p["role"]) for p in data["parties"]] == [("ARM", "alleged"), ("AZE", "involved")]
    assert data["sources"][0]["publisher"] == "Amnesty International"
    assert incident.history.latest().history_change_reason == "Recorded"


def test_a_retried_post_with_its_idempotency_key_records_once(analyst_api, world):
    before = Incident.objects.count()
    first = post(analyst_api, URL, NEW, HTTP_IDEMPOTENCY_KEY="incident-1")
    again = post(analyst_api, URL, NEW, HTTP_IDEMPOTENCY_KEY="incident-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Incident.objects.count() == before + 1


def test_a_new_incident_needs_a_source_and_refuses_a_reason(analyst_api, world):
    before = Incident.objects.count()
    response = post(analyst_api, URL, {**NEW, "sources": []})
    assert response.status_code == 400 and "sources" in response.json()
    response = post(analyst_api, URL, {**NEW, "reason": "why not"})
    assert response.status_code == 400 and "reason" in response.json()
    assert Incident.objects.count() == before


def test_patch_needs_if_match_and_a_reason_kept_in_history(analyst_api, world):
    url = f"{URL}{world['a'].pk}/"
    first = analyst_api.get(url)
    tag = first["ETag"]
    assert analyst_api.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304
    assert patch(analyst_api, url, {"location": "Shusha", "reason": "Misplaced"}).status_code == 428
    assert (
        patch(analyst_api, url, {"location": "Shusha", "reason": "Misplaced"}, HTTP_IF_MATCH='"stale"').status_code
        == 412
    )
    missing = patch(analyst_api, url, {"location": "Shusha"}, HTTP_IF_MATCH=tag)
    assert missing.status_code == 400 and "reason" in missing.json()
    changed = patch(
        analyst_api,
        url,
        {"location": "Shusha", "figures": {"civilians_killed": 2}, "reason": "Misplaced"},
        HTTP_IF_MATCH=tag,
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["location"] == "Shusha" and changed.json()["figures"]["civilians_killed"] == 2
    assert changed.json()["figures"]["fatalities"] is None  # figures not sent are left alone
    assert analyst_api.get(url)["ETag"] != tag
    latest = world["a"].history.latest()
    assert (latest.location, latest.history_change_reason, latest.history_user.username) == (
        "Shusha",
        "Misplaced",
        "ana",
    )
    # The old tag is stale now.
    assert patch(analyst_api, url, {"location": "Ganja", "reason": "Again"}, HTTP_IF_MATCH=tag).status_code == 412
    # PUT is not offered: a PATCH says what changes.
    assert analyst_api.put(url, {}, format="json").status_code == 405


def test_patch_cannot_publish_and_partners_cannot_write(analyst_api, partner_api, world):
    url = f"{URL}{world['b'].pk}/"
    tag = analyst_api.get(url)["ETag"]
    response = patch(analyst_api, url, {"published": True, "reason": "Go"}, HTTP_IF_MATCH=tag)
    assert response.status_code == 400 and "published" in response.json()
    for path in (URL, f"{URL}{world['a'].pk}/verification/", f"{URL}{world['a'].pk}/links/"):
        assert post(partner_api, path, {}).status_code == 403
    assert patch(partner_api, f"{URL}{world['a'].pk}/", {}).status_code == 403


def test_verification_changes_keep_who_when_and_why(analyst_api, world):
    url = f"{URL}{world['a'].pk}/verification/"
    response = post(analyst_api, url, {"verification": "corroborated", "reason": "Two sources agree"})
    assert response.status_code == 200, response.json()
    assert response.json()["verification"] == "corroborated"
    latest = world["a"].history.latest()
    assert latest.history_change_reason == "Reported → Corroborated: Two sources agree"
    assert latest.history_user.username == "ana"
    again = post(analyst_api, url, {"verification": "corroborated", "reason": "Again"})
    assert again.status_code == 400 and "verification" in again.json()
    blank = post(analyst_api, url, {"verification": "verified", "reason": "  "})
    assert blank.status_code == 400 and "reason" in blank.json()
    unknown = post(analyst_api, url, {"verification": "confirmed", "reason": "x"})
    assert unknown.status_code == 400 and "verification" in unknown.json()
    stale = post(analyst_api, url, {"verification": "verified", "reason": "x"}, HTTP_IF_MATCH='"old"')
    assert stale.status_code == 412
    assert Incident.objects.get(pk=world["a"].pk).verification == Verification.CORROBORATED


def test_publishing_shows_the_incident_to_partners(analyst_api, partner_api, world):
    b = world["b"]
    assert partner_api.get(f"{URL}{b.pk}/").status_code == 404
    response = post(analyst_api, f"{URL}{b.pk}/publish/", {"published": True})
    assert response.status_code == 200 and response.json()["published"] is True
    assert partner_api.get(f"{URL}{b.pk}/").status_code == 200
    assert b.history.latest().history_change_reason == "Published"
    assert post(analyst_api, f"{URL}{b.pk}/publish/", {"published": "maybe"}).status_code == 400
    post(analyst_api, f"{URL}{b.pk}/publish/", {"published": False})
    assert partner_api.get(f"{URL}{b.pk}/").status_code == 404


def test_links_by_commitment_and_parties_then_removed(analyst_api, partner_api, world):
    c, commitment = world["c"], world["commitment"]
    url = f"{URL}{c.pk}/links/"
    unbound = post(analyst_api, url, {"commitment": commitment.pk, "parties": ["ARM", "icrc"]})
    assert unbound.status_code == 400 and "parties[1]" in unbound.json(), unbound.json()
    response = post(analyst_api, url, {"commitment": commitment.pk, "parties": ["ARM"], "note": "Shelling of Ganja"})
    assert response.status_code == 201, response.json()
    assert [(link["party"], link["state"]) for link in response.json()["links"]] == [("ARM", "linked")]
    assert ids(partner_api.get(URL, {"commitment": commitment.pk})) == sorted([world["a"].pk, c.pk])
    link = IncidentLink.objects.get(incident=c)
    removed = post(analyst_api, f"{url}{link.pk}/decision/", {"state": "removed", "note": "Wrong party"})
    assert removed.status_code == 200, removed.json()
    assert removed.json()["links"][0]["state"] == "removed"
    assert partner_api.get(f"{URL}{c.pk}/").json()["links"] == []
    assert link.history.latest().history_change_reason == "Removed"
    # Removing twice, or a decision a link cannot take, names the state.
    again = post(analyst_api, f"{url}{link.pk}/decision/", {"state": "removed"})
    assert again.status_code == 400 and "state" in again.json()
    # A link of another incident is not found here.
    other = IncidentLink.objects.get(incident=world["a"], state=LinkState.LINKED)
    assert post(analyst_api, f"{url}{other.pk}/decision/", {"state": "removed"}).status_code == 404


def test_an_incident_from_before_the_agreement_cannot_be_linked_to_its_commitments(analyst_api, analyst, world):
    # The pledge's agreement (Geneva) was signed on 30 Oct 2020: a shelling on 17 Oct cannot
    # be evidence that it was broken (the link rules never propose it either).
    earlier = incidents.incident_create(
        fields={"occurred_on": date(2020, 10, 17), "location": "Ganja", "event_type": "battles"},
        parties=[(world["aze"].party, IncidentRole.ALLEGED)],
        sources=[SourceInput(publisher="HRW", published_on=date(2020, 10, 20))],
        published=True,
        user=analyst,
    )
    url = f"{URL}{earlier.pk}/links/"
    for body in ({"commitment": world["commitment"].pk}, {"obligations": [world["aze"].pk]}):
        response = post(analyst_api, url, body)
        assert response.status_code == 400, response.json()
        assert "before" in response.json()["obligations"][0], response.json()
    assert not IncidentLink.objects.filter(incident=earlier).exists()
    # One on the day the agreement was signed can.
    Incident.objects.filter(pk=earlier.pk).update(occurred_on=date(2020, 10, 30))
    same_day = post(analyst_api, url, {"obligations": [world["aze"].pk]})
    assert same_day.status_code == 201, same_day.json()


def test_a_linked_incident_cannot_move_before_the_agreement(analyst_api, world):
    # A is linked to the Geneva pledge (signed 30 Oct 2020): a date before that is refused,
    # naming the date; a date after it is fine.
    url = f"{URL}{world['a'].pk}/"
    tag = analyst_api.get(url)["ETag"]
    moved = patch(analyst_api, url, {"date": "2020-10-17", "reason": "Typo"}, HTTP_IF_MATCH=tag)
    assert moved.status_code == 400 and "date" in moved.json(), moved.json()
    world["a"].refresh_from_db()
    assert world["a"].occurred_on == date(2020, 10, 31)
    later = patch(analyst_api, url, {"date": "2020-11-02", "reason": "Typo"}, HTTP_IF_MATCH=tag)
    assert later.status_code == 200, later.json()


def test_a_proposal_is_rejected_or_linked_by_obligation(analyst_api, world):
    a = world["a"]
    proposal = IncidentLink.objects.get(incident=a, state=LinkState.PROPOSED)
    linked = post(analyst_api, f"{URL}{a.pk}/links/", {"obligations": [world["arm"].pk]})
    assert linked.status_code == 201
    assert IncidentLink.objects.get(pk=proposal.pk).state == LinkState.LINKED
    rejected = post(analyst_api, f"{URL}{a.pk}/links/{proposal.pk}/decision/", {"state": "rejected"})
    assert rejected.status_code == 400 and "state" in rejected.json()  # a link is removed, not rejected


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"obligations": []},
        {"obligations": [2**70]},
        {"obligations": [True]},
        {"obligations": ["1"]},
        {"obligations": [999_999_999]},
        {"commitment": 2**70},
        {"parties": ["ARM"]},
        {"obligations": ["{aze}"], "commitment": 1},
        {"obligations": ["{aze}"], "note": "two\nlines"},
        {"obligations": ["{aze}"], "bogus": 1},
    ],
)
def test_bad_link_bodies_are_400s(analyst_api, world, body):
    if body.get("obligations") == ["{aze}"]:
        body = {**body, "obligations": [world["aze"].pk]}
    before = list(IncidentLink.objects.values_list("pk", "state"))
    response = post(analyst_api, f"{URL}{world['c'].pk}/links/", body)
    assert response.status_code == 400, response.content[:300]
    assert list(IncidentLink.objects.values_list("pk", "state")) == before


# Hostile input

HOSTILE = [
    ({"location": "a\x07b"}, "location"),
    ({"location": "two\nlines"}, "location"),
    ({"location": "\u202eevil"}, "location"),
    ({"location": "\ud800"}, "location"),
    ({"location": "x" * 1_000_000}, "location"),
    ({"description": "x" * 10_001}, "description"),
    ({"description": "ok\x1b[2J"}, "description"),
    ({"date": "0001-01-01"}, "date"),
    ({"date": "9999-12-31"}, "date"),
    ({"date": "2020-02-30"}, "date"),
    ({"latitude": 91}, "latitude"),
    ({"longitude": -180.5}, "longitude"),
    ({"latitude": 40.123456}, "latitude"),
    ({"latitude": None}, "latitude"),  # longitude without latitude
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"event_type": "battles"}, "sub_event_type"),  # shelling is no battle
    ({"figures": {"fatalities": -1}}, "figures"),
    ({"figures": {"fatalities": 10**30}}, "figures"),
    ({"figures": {"other": {"displaced": {"nested": {"deep": [1, 2]}}}}}, "figures"),
    ({"figures": {"other": {f"k{i}": 1 for i in range(21)}}}, "figures"),
    ({"figures": {"other": {"": 1}}}, "figures"),
    ({"figures": {"dead": 1}}, "figures"),
    ({"figures": [1, 2]}, "figures"),
    ({"parties": [{"party": "ARM", "role": "alleged"}] * 2}, "parties"),
    ({"parties": [{"party": "a\x00b"}]}, "parties"),
    ({"parties": [{"party": "ARM", "role": "victim"}]}, "parties"),
    ({"sources": [{"publisher": "x", "published_on": "2020-01-01", "url": "javascript:alert(1)"}]}, "sources"),
    ({"geo_precision": 4}, "geo_precision"),
    ({"internal_note": {"a": [{"b": {}}]}}, "internal_note"),
    ({"published": "maybe"}, "published"),
    ({"verification": "verified"}, "verification"),  # not set here: its own action
    ({"acled_event_id": "ARM1"}, "acled_event_id"),
]


@pytest.mark.parametrize(("changes", "field"), HOSTILE)
def test_a_hostile_incident_is_a_400_naming_the_field(analyst_api, world, changes, field):
    before = Incident.objects.count()
    response = post(analyst_api, URL, {**NEW, **changes})
    assert response.status_code == 400, response.content[:300]
    assert {key.split(".")[0].split("[")[0] for key in response.json()} & {field}, response.json()
    assert Incident.objects.count() == before


# Incident A has no coordinates: clearing its latitude is no error.
@pytest.mark.parametrize(("changes", "field"), [case for case in HOSTILE[:22] if case[0] != {"latitude": None}])
def test_a_hostile_change_is_a_400_naming_the_field_and_changes_nothing(analyst_api, world, changes, field):
    url = f"{URL}{world['a'].pk}/"
    before = analyst_api.get(url)
    response = patch(analyst_api, url, {**changes, "reason": "Hostile"}, HTTP_IF_MATCH=before["ETag"])
    assert response.status_code == 400, response.content[:300]
    assert {key.split(".")[0].split("[")[0] for key in response.json()} & {field}, response.json()
    assert analyst_api.get(url).json() == before.json()


def test_json_nested_ten_thousand_deep_is_a_400(analyst_api, world):
    body = '{"figures": {"other": ' + "[" * 10_000 + "]" * 10_000 + "}}"
    response = analyst_api.generic("POST", URL, body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["99999999999999999999/", "0x1/", "-1/", "1e3/", "99999999999999999999/verification/"])
def test_ids_that_overflow_or_are_no_ids_are_404s(analyst_api, world, path):
    assert analyst_api.get(f"{URL}{path}").status_code == 404
    assert post(analyst_api, f"{URL}{world['a'].pk}/links/99999999999999999999/decision/", {}).status_code == 404


def test_an_unknown_incident_is_404_for_every_write(analyst_api, world):
    missing = Incident.objects.order_by("-pk").first().pk + 1000
    assert (
        post(analyst_api, f"{URL}{missing}/verification/", {"verification": "verified", "reason": "x"}).status_code
        == 404
    )
    assert patch(analyst_api, f"{URL}{missing}/", {"reason": "x"}, HTTP_IF_MATCH="*").status_code == 404


# Reasons for non-fulfilment


def test_partners_decode_reason_codes(partner_api, db):
    response = partner_api.get("/api/v1/non-fulfilment-reasons/")
    assert response.status_code == 200
    rows = response.json()["results"]
    refusal = next(r for r in rows if r["code"] == "refusal")
    assert set(refusal) == {"code", "label", "description", "active", "position"}
    detail = partner_api.get("/api/v1/non-fulfilment-reasons/refusal/")
    assert detail.status_code == 200 and detail.json() == refusal
    assert (
        partner_api.get("/api/v1/non-fulfilment-reasons/refusal/", HTTP_IF_NONE_MATCH=detail["ETag"]).status_code == 304
    )
    assert partner_api.get("/api/v1/non-fulfilment-reasons/", {"active": "maybe"}).status_code == 400
    assert partner_api.get("/api/v1/non-fulfilment-reasons/nope/").status_code == 404
    assert post(partner_api, "/api/v1/non-fulfilment-reasons/", {"code": "x"}).status_code in (403, 405)


# Concurrency


def test_twenty_concurrent_verification_changes_keep_a_coherent_history(
    live_server, django_db_serialized_rollback, analyst, world
):
    """Twenty analysts move one incident's verification at once: each change that is
    written says the state it moved from, and that is the state the one before it left."""
    key = ApiToken.issue(user=analyst, read_only=False)[1]
    incident = world["c"]
    url = f"{live_server.url}{URL}{incident.pk}/verification/"
    targets = ["corroborated", "verified", "disputed", "retracted", "reported"]
    results = all_at_once(lambda i: send("POST", url, key, {"verification": targets[i % 5], "reason": f"Analyst {i}"}))

    statuses = [r[0] if isinstance(r, tuple) else repr(r) for r in results]
    assert set(statuses) <= {200, 400}, statuses
    changes = [
        h
        for h in incident.history.order_by("history_date", "history_id")
        if h.history_change_reason and "→" in h.history_change_reason
    ]
    assert len(changes) == statuses.count(200) >= 1
    labels = {v.value: str(v.label) for v in Verification}
    was = "reported"
    for change in changes:
        assert change.history_change_reason.startswith(f"{labels[was]} → {labels[change.verification]}: Analyst ")
        was = change.verification
    assert Incident.objects.get(pk=incident.pk).verification == was
    assert Obligation.objects.count() >= 2  # the world is intact


# Query counts


@pytest.mark.parametrize("client_name", ["partner_api", "analyst_api"])
def test_the_list_makes_as_many_queries_for_one_incident_as_for_thirty(request, world, analyst, client_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = request.getfixturevalue(client_name)
    client.get("/api/v1/parties/")  # the token's last-used time is written once a minute

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    one = count()
    source = SourceInput(publisher="HRW", published_on=date(2020, 10, 20))
    for i in range(30):
        incident = incidents.incident_create(
            fields={"occurred_on": date(2020, 10, 31), "location": f"Place {i}", "event_type": "battles"},
            parties=[(world["aze"].party, IncidentRole.ALLEGED), (world["arm"].party, IncidentRole.INVOLVED)],
            sources=[source, source],
            published=True,
            user=analyst,
        )
        incidents.incident_link(incident=incident, obligations=[world["aze"], world["arm"]], user=analyst)
    assert count() == one
