"""Hostile input through the API: control characters, invisible text, huge texts, dates
near year 1 or 9999, odd time zones, script in URLs, JSON nested 10,000 deep and NUL
characters anywhere. Each is a 400 naming the field (or a 404 for a URL that names
nothing), never a 500, and nothing is stored."""

import json

import pytest
from django.test import Client

from commitments.models import Agreement, Commitment, Deadline, StatusUpdate

pytestmark = pytest.mark.django_db


def send(client, method: str, url: str, body: dict, **headers):
    """JSON as a client writes it: ASCII with escapes, so a lone surrogate can be sent."""
    return client.generic(method, url, json.dumps(body), content_type="application/json", **headers)


def named(response) -> set[str]:
    """The fields a 400 names: ``sources`` for ``sources``, ``sources[0].url`` and the like."""
    return {key.split(".")[0].split("[")[0] for key in response.json()}


NEW_AGREEMENT = {
    "title": "Sochi statement",
    "kind": "joint_statement",
    "date": "2020-11-09",
    "timezone": "Europe/Moscow",
}

AGREEMENT_CASES = [
    ({"title": "a\x07b"}, "title"),
    ({"title": "\u200b\u2060"}, "title"),
    ({"title": "two\nlines"}, "title"),
    ({"title": "\u202eevil"}, "title"),
    ({"title": "\ud800"}, "title"),
    ({"venue": "\ufeff"}, "venue"),
    ({"summary": "x" * 10_001}, "summary"),
    ({"summary": "x" * 1_000_000}, "summary"),
    ({"summary": "ok\x1b[2J"}, "summary"),
    ({"date": "0001-01-01"}, "date"),
    ({"date": "1899-12-31"}, "date"),
    ({"date": "9999-12-31"}, "date"),
    ({"timezone": "localtime"}, "timezone"),
    ({"timezone": "Factory"}, "timezone"),
    ({"timezone": "Etc/GMT+5"}, "timezone"),
]


@pytest.mark.parametrize(("changes", "field"), AGREEMENT_CASES)
def test_a_bad_agreement_is_a_400_naming_the_field(analyst_api, demo, changes, field):
    before = Agreement.objects.count()
    response = send(analyst_api, "POST", "/api/v1/agreements/", {**NEW_AGREEMENT, **changes})
    assert response.status_code == 400, response.content[:300]
    assert field in named(response), response.json()
    assert Agreement.objects.count() == before


def test_a_good_agreement_is_still_created(analyst_api, demo):
    response = analyst_api.post(
        "/api/v1/agreements/", {**NEW_AGREEMENT, "summary": "Line one.\nLine two.\tTabbed."}, format="json"
    )
    assert response.status_code == 201, response.json()


def test_an_agreement_cannot_be_moved_out_of_the_date_window(analyst_api, demo):
    geneva = Agreement.objects.get(venue="Geneva")
    tag = analyst_api.get(f"/api/v1/agreements/{geneva.pk}/")["ETag"]
    response = analyst_api.patch(
        f"/api/v1/agreements/{geneva.pk}/", {"date": "0001-01-01"}, format="json", HTTP_IF_MATCH=tag
    )
    assert response.status_code == 400 and "date" in response.json()
    geneva.refresh_from_db()
    assert geneva.signed_on.year == 2020


@pytest.fixture
def geneva_id(demo):
    return Agreement.objects.get(venue="Geneva").pk


NEW_COMMITMENT = {
    "reference": "para 9",
    "title": "Exchange of remains",
    "text": "Exchange the remains of the dead.",
    "category": "remains_exchange",
    "nature": "ongoing",
    "parties": ["ARM", "AZE"],
}

COMMITMENT_CASES = [
    ({"reference": "\u200b"}, "reference"),
    ({"title": "a\tb"}, "title"),
    ({"text": "x" * 20_001}, "text"),
    ({"text": "ok\x07"}, "text"),
    ({"nature": "conditional", "condition": "x" * 2_001}, "condition"),
    ({"parties": ["A\x00B"]}, "parties"),
    ({"parties": ["\ud800"]}, "parties"),
    ({"category": "\ud800"}, "category"),  # the choice error quoted it: a 500 rendering the 400
    ({"\ud800": 1}, "non_field_errors"),
    ({"recipients": ["icrc\x00"]}, "recipients"),
    ({"deadline": {"kind": "relative", "days": 3651}}, "deadline"),
]


@pytest.mark.parametrize(("changes", "field"), COMMITMENT_CASES)
def test_a_bad_commitment_is_a_400_naming_the_field(analyst_api, geneva_id, changes, field):
    before = Commitment.objects.count()
    body = {**NEW_COMMITMENT, "agreement": geneva_id, **changes}
    response = send(analyst_api, "POST", "/api/v1/commitments/", body)
    assert response.status_code == 400, response.content[:300]
    assert field in named(response), response.json()
    assert Commitment.objects.count() == before


def test_ten_years_is_the_longest_deadline_everywhere(analyst_api, geneva_id):
    body = {**NEW_COMMITMENT, "agreement": geneva_id, "deadline": {"kind": "relative", "days": 3650}}
    assert analyst_api.post("/api/v1/commitments/", body, format="json").status_code == 201


def test_binding_a_party_by_a_code_with_a_nul_is_a_400(analyst_api, demo):
    lists = Commitment.objects.get(category="prisoners")
    response = send(analyst_api, "POST", f"/api/v1/commitments/{lists.pk}/obligations/", {"party": "A\x00B"})
    assert response.status_code == 400 and "party" in response.json()


SOURCE = {"publisher": "ICRC", "url": "https://example.org/a", "published_on": "2020-11-06"}

STATUS_CASES = [
    ({"summary": "\u200b"}, "summary"),
    ({"summary": "x" * 5_001}, "summary"),
    ({"internal_note": "a\x07"}, "internal_note"),
    ({"effective_date": "0001-01-01"}, "effective_date"),
    ({"sources": [{**SOURCE, "url": 'https://example.org/"><script>alert(1)</script>'}]}, "sources"),
    ({"sources": [{**SOURCE, "url": "ftp://example.org/list.pdf"}]}, "sources"),
    ({"sources": [{**SOURCE, "url": "javascript:alert(1)"}]}, "sources"),
    ({"sources": [{**SOURCE, "publisher": "\u2060"}]}, "sources"),
    ({"sources": [{**SOURCE, "title": "a\x00b"}]}, "sources"),
    ({"sources": [{**SOURCE, "published_on": "9999-12-31"}]}, "sources"),
    ({"sources": [{**SOURCE, "published_on": "0001-01-01"}]}, "sources"),
]


@pytest.mark.parametrize(("changes", "field"), STATUS_CASES)
def test_a_bad_status_update_is_a_400_naming_the_field(analyst_api, demo, changes, field):
    lists = Commitment.objects.get(category="prisoners")
    body = {
        "party": "AZE",
        "status": "in_progress",
        "effective_date": "2020-11-02",
        "summary": "Lists being compiled.",
        "sources": [SOURCE],
        **changes,
    }
    before = StatusUpdate.objects.count()
    response = send(analyst_api, "POST", f"/api/v1/commitments/{lists.pk}/status-updates/", body)
    assert response.status_code == 400, response.content[:300]
    assert field in named(response), response.json()
    assert StatusUpdate.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"source": {**SOURCE, "url": 'https://example.org/"><script>'}}, "source"),
        ({"reason": "\u200b\u200b"}, "reason"),
        ({"reason": "x" * 2_001}, "reason"),
        ({"deadline": {"kind": "relative", "days": 3651}}, "deadline"),
    ],
)
def test_a_bad_extension_is_a_400_naming_the_field(analyst_api, demo, changes, field):
    lists = Commitment.objects.get(category="prisoners")
    url = f"/api/v1/commitments/{lists.pk}/"
    body = {"deadline": {"kind": "date", "date": "2020-11-13"}, "reason": "One more week.", "source": SOURCE, **changes}
    response = send(analyst_api, "PATCH", url, body, HTTP_IF_MATCH=analyst_api.get(url)["ETag"])
    assert response.status_code == 400, response.content[:300]
    assert field in named(response), response.json()
    assert Deadline.objects.filter(commitment=lists).count() == 1


@pytest.mark.parametrize("depth", [10_000, 100])
def test_deeply_nested_json_is_a_400(analyst_api, demo, depth):
    body = "[" * depth + "]" * depth
    response = analyst_api.generic("POST", "/api/v1/agreements/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]
    body = '{"title": ' * depth + "1" + "}" * depth
    response = analyst_api.generic("POST", "/api/v1/agreements/", body, content_type="application/json")
    assert response.status_code == 400


def test_a_key_sent_twice_is_a_400_naming_it_and_nothing_is_stored(analyst_api, demo):
    # json.loads keeps the last of two equal keys: {"published": false, ..., "published": true}
    # would publish what the first line of the body says is a draft.
    from commitments.models import Incident

    body = (
        '{"date": "2020-11-01", "location": "Tartar", "event_type": "battles", "published": false,'
        ' "sources": [{"publisher": "OSCE", "published_on": "2020-11-02", "title": "a", "title": "b"}],'
        ' "published": true}'
    )
    response = analyst_api.generic("POST", "/api/v1/incidents/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "published": ["This key is sent twice."],
        "sources[0].title": ["This key is sent twice."],
    }
    assert not Incident.objects.exists()


def test_a_party_code_with_a_nul_in_the_url_is_a_404(partner_api, demo):
    assert partner_api.get("/api/v1/parties/AB%00C/").status_code == 404
    assert partner_api.get("/api/v1/parties/ARM/").status_code == 200
    assert partner_api.get("/api/v1/parties/osce-prcio/").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "commitments/?party=A%00B",
        "commitments/?q=%00",
        "commitments/?cursor=%00",
        "status-updates/?party=A%00B",
        "summary/?party=%00",
        "exports/commitments.csv?q=a%00",
        "alerts/?party=%00",
    ],
)
def test_a_nul_in_a_query_parameter_is_a_400_naming_it(partner_api, demo, query):
    response = partner_api.get(f"/api/v1/{query}")
    assert response.status_code == 400
    name = query.split("?")[1].split("=")[0]
    assert name in response.json()


def test_a_nul_in_an_admin_search_is_a_400_naming_it(analyst, demo):
    client = Client()
    client.force_login(analyst)
    response = client.get(
        "/admin/autocomplete/",
        {"term": "a\x00", "app_label": "commitments", "model_name": "commitment", "field_name": "agreement"},
    )
    assert response.status_code == 400
    assert "term" in response.json()


def test_the_schema_shows_every_limit(analyst_api, demo):
    schema = analyst_api.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    commitment = schema["CommitmentCreateRequest"]["properties"]
    assert (commitment["text"]["maxLength"], commitment["condition"]["maxLength"]) == (20_000, 2_000)
    assert schema["AgreementWriteRequest"]["properties"]["summary"]["maxLength"] == 10_000
    status = schema["StatusUpdateCreateRequest"]["properties"]
    assert (status["summary"]["maxLength"], status["internal_note"]["maxLength"]) == (5_000, 5_000)
    assert schema["DeadlineInputRequest"]["properties"]["days"]["maximum"] == 3650
    assert '"format": "uri"' in json.dumps(schema["SourceRequest"]["properties"]["url"])
