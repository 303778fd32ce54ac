"""Analysts write parties and an agreement's participants, sources and relations through
the API, and publish; partners read. Hostile values are a 400 naming the field and write
nothing."""

import json
from datetime import date

import pytest
from django.contrib.auth.models import Group

from commitments import incidents
from commitments.choices import IncidentRole
from commitments.models import Agreement, AgreementParticipant, AgreementRelation, AgreementSource
from commitments.services import SourceInput, agreement_create
from core.roles import ANALYSTS
from parties.models import Party
from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SOURCE = {
    "publisher": "President of Russia",
    "url": "http://en.kremlin.ru/events/president/news/64384",
    "title": "Statement by the leaders",
    "published_on": "2020-11-10",
    "language": "en",
}


def send(client, method: str, url: str, body, **headers):
    """JSON as a client writes it (ASCII with escapes, so a lone surrogate can be sent)."""
    return client.generic(method, url, json.dumps(body), content_type="application/json", **headers)


def patch(client, url: str, body):
    return send(client, "PATCH", url, body, HTTP_IF_MATCH=client.get(url)["ETag"])


def named(response) -> set[str]:
    return {key.split(".")[0].split("[")[0] for key in response.json()}


@pytest.fixture
def moscow(analyst, armenia, azerbaijan):
    return agreement_create(
        title="Moscow statement",
        kind="joint_statement",
        signed_on=date(2020, 10, 10),
        timezone_name="Europe/Moscow",
        participants=[(armenia, "signatory"), (azerbaijan, "signatory")],
        published=True,
        user=analyst,
    )


@pytest.fixture
def second_analyst_api(db):
    user = UserFactory(username="ben")
    user.groups.add(Group.objects.get(name=ANALYSTS))
    return token_client(user, read_only=False)


# Parties


def test_an_analyst_creates_a_state_and_a_non_state_party(analyst_api, partner_api):
    state = {"code": "rus", "name": "Russian Federation", "short_name": "Russia", "kind": "state"}
    response = send(analyst_api, "POST", "/api/v1/parties/", {**state, "aliases": ["Russian", "Moscow"]})
    assert response.status_code == 201, response.json()
    assert response.json()["code"] == "RUS"  # a state's code is written in upper case
    other = {"code": "unhcr", "name": "UN refugee agency", "kind": "international_organisation"}
    assert send(analyst_api, "POST", "/api/v1/parties/", other).status_code == 201
    read = partner_api.get("/api/v1/parties/RUS/").json()
    assert (read["aliases"], read["description"]) == (["Russian", "Moscow"], "")
    assert Party.objects.get(code="RUS").history.first().history_user.username == "ana"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "XYZ", "kind": "state"}, "code"),  # not an ISO 3166-1 country
        ({"code": "Red Cross"}, "code"),
        ({"code": "a\x00b"}, "code"),
        ({"code": "x" * 41}, "code"),
        ({"code": ["icrc"]}, "code"),
        ({"code": "ARM", "kind": "state"}, "code"),  # taken
        ({"kind": "planet"}, "kind"),
        ({"name": "a\x07b"}, "name"),
        ({"name": "\u202eevil"}, "name"),
        ({"name": {"en": "ICRC"}}, "name"),
        ({"aliases": "Red Cross"}, "aliases"),
        ({"aliases": [{"name": "Red Cross"}]}, "aliases"),
        ({"aliases": ["Red Cross", "red cross"]}, "aliases"),
        ({"aliases": ["two\nlines"]}, "aliases"),
        ({"aliases": [f"alias {i}" for i in range(51)]}, "aliases"),
        ({"aliases": ["x" * 201]}, "aliases"),
        ({"description": "x" * 5_001}, "description"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_party_is_a_400_naming_the_field(analyst_api, armenia, body, field):
    before = Party.objects.count()
    base = {"code": "icrc", "name": "International Committee of the Red Cross", "kind": "international_organisation"}
    response = send(analyst_api, "POST", "/api/v1/parties/", {**base, **body})
    assert response.status_code == 400, response.content[:300]
    assert field in named(response), response.json()
    assert Party.objects.count() == before


def test_partners_cannot_write_parties(partner_api, armenia):
    body = {"code": "icrc", "name": "ICRC", "kind": "international_organisation"}
    assert send(partner_api, "POST", "/api/v1/parties/", body).status_code == 403
    assert send(partner_api, "PATCH", "/api/v1/parties/ARM/", {"name": "X"}, HTTP_IF_MATCH="*").status_code == 403
    assert Party.objects.get(code="ARM").name == "Republic of Armenia"


def test_a_party_change_needs_if_match_and_keeps_its_history(analyst_api, icrc):
    url = "/api/v1/parties/icrc/"
    assert send(analyst_api, "PATCH", url, {"aliases": ["Red Cross"]}).status_code == 428
    assert send(analyst_api, "PATCH", url, {"aliases": ["Red Cross"]}, HTTP_IF_MATCH='"stale"').status_code == 412
    response = patch(analyst_api, url, {"aliases": ["Red Cross", "CICR"], "reason": "Names in the texts."})
    assert response.status_code == 200, response.json()
    assert response.json()["aliases"] == ["Red Cross", "CICR"]
    assert icrc.history.first().history_change_reason == "Names in the texts."


def test_a_code_changes_until_the_party_is_used_then_not(analyst_api, icrc, moscow):
    response = patch(analyst_api, "/api/v1/parties/icrc/", {"code": "icrc-geneva"})
    assert response.status_code == 200 and response.json()["code"] == "icrc-geneva"
    response = patch(analyst_api, "/api/v1/parties/ARM/", {"code": "AZE"})
    assert response.status_code == 400 and "code" in response.json()
    response = patch(analyst_api, "/api/v1/parties/ARM/", {"code": "ALB"})
    assert response.status_code == 400
    assert "can no longer change" in response.json()["code"][0]
    assert Party.objects.filter(code="ARM").exists()


def test_a_code_no_longer_changes_once_an_incident_names_the_party(analyst_api, analyst):
    # Partners read incidents by party code (the API's parties, the CSV's #group+code
    # columns, ?party=): renaming the code of a party an incident names breaks their keys.
    group = Party.objects.create(code="grp-x", name="Group X", kind="non_state_armed_group")
    incidents.incident_create(
        fields={"occurred_on": date(2020, 11, 6), "location": "Tartar", "event_type": "battles"},
        parties=[(group, IncidentRole.ALLEGED)],
        sources=[SourceInput(publisher="Reuters", published_on=date(2020, 11, 6))],
        published=True,
        user=analyst,
    )
    response = patch(analyst_api, "/api/v1/parties/grp-x/", {"code": "grp-y"})
    assert response.status_code == 400, response.json()
    assert "can no longer change" in response.json()["code"][0]
    assert Party.objects.filter(code="grp-x").exists() and not Party.objects.filter(code="grp-y").exists()


# Agreements: participants, sources, relations


def new_agreement(moscow, **changes):
    return {
        "title": "Trilateral statement",
        "kind": "joint_statement",
        "date": "2020-11-10",
        "timezone": "Europe/Moscow",
        "participants": [{"party": "ARM", "role": "signatory"}, {"party": "AZE", "role": "signatory"}],
        "sources": [SOURCE],
        "relations": [{"kind": "supersedes", "agreement": moscow.pk}],
        **changes,
    }


def test_an_agreement_is_created_with_its_participants_sources_and_relations(analyst_api, moscow):
    response = send(analyst_api, "POST", "/api/v1/agreements/", new_agreement(moscow))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["participants"] == [{"party": "ARM", "role": "signatory"}, {"party": "AZE", "role": "signatory"}]
    assert body["sources"] == [SOURCE]
    assert body["relations"] == [{"kind": "supersedes", "agreement": moscow.pk}]
    assert (body["published"], body["published_at"], body["published_by"]) == (False, None, None)
    assert analyst_api.get(body["url"]).json() == body


def test_a_list_given_replaces_that_list_and_an_omitted_list_is_unchanged(analyst_api, moscow, icrc):
    body = send(analyst_api, "POST", "/api/v1/agreements/", new_agreement(moscow)).json()
    agreement = Agreement.objects.get(pk=body["id"])
    kept = AgreementParticipant.objects.get(agreement=agreement, party__code="ARM")
    participants = [{"party": "ARM", "role": "signatory"}, {"party": "icrc", "role": "witness"}]
    response = patch(analyst_api, body["url"], {"participants": participants, "reason": "ICRC witnessed it."})
    assert response.status_code == 200, response.json()
    changed = response.json()
    assert sorted((p["party"], p["role"]) for p in changed["participants"]) == [
        ("ARM", "signatory"),
        ("icrc", "witness"),
    ]
    assert (changed["sources"], changed["relations"]) == (body["sources"], body["relations"])
    # The unchanged row is the same row; the removed one keeps its history.
    assert AgreementParticipant.objects.get(agreement=agreement, party__code="ARM").pk == kept.pk
    removed = AgreementParticipant.history.filter(agreement_id=agreement.pk, party__code="AZE", history_type="-")
    assert removed.get().history_change_reason == "ICRC witnessed it."
    # A source's language is part of the source: changing only it is kept.
    response = patch(analyst_api, body["url"], {"sources": [{**SOURCE, "language": "ru"}]})
    assert response.json()["sources"][0]["language"] == "ru"
    response = patch(analyst_api, body["url"], {"relations": [], "sources": []})
    assert (response.json()["relations"], response.json()["sources"]) == ([], [])
    assert len(response.json()["participants"]) == 2


def test_a_put_without_the_lists_keeps_them(analyst_api, moscow):
    body = send(analyst_api, "POST", "/api/v1/agreements/", new_agreement(moscow)).json()
    put = {k: body[k] for k in ("title", "kind", "date", "timezone")}
    response = send(analyst_api, "PUT", body["url"], put, HTTP_IF_MATCH=analyst_api.get(body["url"])["ETag"])
    assert response.status_code == 200, response.json()
    assert response.json()["participants"] == body["participants"]


def test_a_relation_to_a_draft_a_partner_cannot_see_is_refused_like_an_unknown_one(analyst, moscow):
    """Every writer today (analysts, admins) reads drafts, so the rule is checked on the
    field with a partner's request: a draft and an id that does not exist get one answer."""
    from rest_framework.test import APIRequestFactory

    from commitments.api.serializers import RelationInputSerializer
    from core.roles import PARTNERS
    from tests.factories import UserFactory as Users

    draft = agreement_create(title="Draft", kind="protocol", signed_on=date(2020, 12, 1), user=analyst)
    partner = Users(username="p2")
    partner.groups.add(Group.objects.get(name=PARTNERS))
    request = APIRequestFactory().post("/")
    request.user = partner
    answers = []
    for pk in (draft.pk, 999_999):
        serializer = RelationInputSerializer(data={"kind": "amends", "agreement": pk}, context={"request": request})
        assert not serializer.is_valid()
        answers.append(str(serializer.errors["agreement"][0]).replace(str(pk), "N"))
    assert answers[0] == answers[1]
    serializer = RelationInputSerializer(data={"kind": "amends", "agreement": moscow.pk}, context={"request": request})
    assert serializer.is_valid(), serializer.errors


HOSTILE = [
    ({"participants": [{"party": "ARM", "role": "sponsor"}]}, "participants[0].role"),
    ({"participants": [{"party": "XYZ", "role": "signatory"}]}, "participants[0].party"),
    (
        {"participants": [{"party": "ARM", "role": "signatory"}, {"party": "A\x00B", "role": "witness"}]},
        "participants[1].party",
    ),
    (
        {"participants": [{"party": "ARM", "role": "signatory"}, {"party": "ARM", "role": "signatory"}]},
        "participants[1]",
    ),
    ({"participants": [{"party": {"code": "ARM"}, "role": "signatory"}]}, "participants[0].party"),
    ({"participants": [{"party": "ARM", "role": "signatory", "since": "2020"}]}, "participants[0].since"),
    ({"participants": ["ARM"]}, "participants[0]"),
    ({"participants": "ARM"}, "participants"),
    ({"participants": {"party": "ARM"}}, "participants"),
    ({"participants": [{"party": "ARM", "role": "signatory"}] * 101}, "participants"),
    ({"participants": [[[[{"party": "ARM"}]]]]}, "participants[0]"),
    ({"sources": [{**SOURCE, "language": "english"}]}, "sources[0].language"),
    ({"sources": [{**SOURCE, "language": "e\x00n"}]}, "sources[0].language"),
    ({"sources": [{**SOURCE, "language": "en-" + "x" * 40}]}, "sources[0].language"),
    ({"sources": [{**SOURCE, "language": ["en"]}]}, "sources[0].language"),
    ({"sources": [{**SOURCE, "published_on": "0001-01-01"}]}, "sources[0].published_on"),
    ({"sources": [{**SOURCE, "published_on": "9999-12-31"}]}, "sources[0].published_on"),
    ({"sources": [{**SOURCE, "published_on": 20201110}]}, "sources[0].published_on"),
    ({"sources": [{**SOURCE, "url": "javascript:alert(1)"}]}, "sources[0].url"),
    ({"sources": [{**SOURCE, "publisher": "a\x07b"}]}, "sources[0].publisher"),
    ({"sources": [{**SOURCE, "title": "\u202eevil"}]}, "sources[0].title"),
    ({"sources": [{**SOURCE, "title": "x" * 301}]}, "sources[0].title"),
    ({"sources": [SOURCE, {**SOURCE, "publisher": ""}]}, "sources[1].publisher"),
    ({"sources": [SOURCE] * 101}, "sources"),
    ({"relations": [{"kind": "replaces", "agreement": "MOSCOW"}]}, "relations[0].kind"),
    ({"relations": [{"kind": "amends", "agreement": 999_999}]}, "relations[0].agreement"),
    ({"relations": [{"kind": "amends", "agreement": 2**70}]}, "relations[0].agreement"),
    ({"relations": [{"kind": "amends", "agreement": -1}]}, "relations[0].agreement"),
    ({"relations": [{"kind": "amends", "agreement": True}]}, "relations[0].agreement"),
    ({"relations": [{"kind": "amends", "agreement": "1"}]}, "relations[0].agreement"),
    ({"relations": [{"kind": "amends", "agreement": 1.5}]}, "relations[0].agreement"),
    ({"relations": [{"kind": "amends", "agreement": None}]}, "relations[0].agreement"),
    ({"relations": [{"kind": "amends"}]}, "relations[0].agreement"),
    ({"published": "yes please"}, "published"),
]


@pytest.mark.parametrize(("changes", "field"), HOSTILE)
def test_hostile_children_on_create_are_a_400_naming_the_field_and_write_nothing(analyst_api, moscow, changes, field):
    counts = (Agreement.objects.count(), AgreementParticipant.objects.count(), AgreementSource.objects.count())
    response = send(analyst_api, "POST", "/api/v1/agreements/", new_agreement(moscow, **changes))
    assert response.status_code == 400, response.content[:300]
    assert field in response.json(), response.json()
    assert (Agreement.objects.count(), AgreementParticipant.objects.count(), AgreementSource.objects.count()) == counts


@pytest.mark.parametrize(("changes", "field"), HOSTILE[::3])
def test_hostile_children_on_update_are_a_400_and_change_nothing(analyst_api, moscow, changes, field):
    url = f"/api/v1/agreements/{moscow.pk}/"
    before = analyst_api.get(url).json()
    response = patch(analyst_api, url, changes)
    assert response.status_code == 400, response.content[:300]
    assert field in response.json(), response.json()
    assert analyst_api.get(url).json() == before


def test_an_agreement_cannot_relate_to_itself(analyst_api, moscow):
    response = patch(
        analyst_api, f"/api/v1/agreements/{moscow.pk}/", {"relations": [{"kind": "amends", "agreement": moscow.pk}]}
    )
    assert response.status_code == 400
    assert "relations[0].agreement" in response.json(), response.json()
    assert not AgreementRelation.objects.filter(agreement=moscow).exists()


# Publishing


def test_publish_records_who_and_when_and_partners_do_not_see_the_name(analyst_api, partner_api, moscow):
    draft = send(analyst_api, "POST", "/api/v1/agreements/", new_agreement(moscow)).json()
    assert partner_api.get(draft["url"]).status_code == 404
    assert partner_api.post(f"{draft['url']}publish/").status_code == 403
    response = analyst_api.post(f"{draft['url']}publish/")
    assert response.status_code == 200, response.json()
    assert (response.json()["published"], response.json()["published_by"]) == (True, "ana")
    assert response.json()["published_at"]
    read = partner_api.get(draft["url"]).json()
    assert read["published"] is True and read["published_at"] == response.json()["published_at"]
    assert "published_by" not in read
    # Publishing again changes nothing.
    assert analyst_api.post(f"{draft['url']}publish/").json()["published_at"] == read["published_at"]


def test_a_put_that_leaves_out_published_does_not_withdraw_the_agreement(analyst_api, partner_api, moscow):
    url = f"/api/v1/agreements/{moscow.pk}/"
    put = {"title": "Moscow statement", "kind": "joint_statement", "date": "2020-10-10", "timezone": "Europe/Moscow"}
    response = send(analyst_api, "PUT", url, put, HTTP_IF_MATCH=analyst_api.get(url)["ETag"])
    assert response.status_code == 200, response.json()
    assert response.json()["published"] is True
    assert partner_api.get(url).status_code == 200


def test_publish_with_a_stale_if_match_is_a_412(analyst_api, moscow):
    draft = send(analyst_api, "POST", "/api/v1/agreements/", new_agreement(moscow)).json()
    tag = analyst_api.get(draft["url"])["ETag"]
    patch(analyst_api, draft["url"], {"title": "Trilateral statement (text fixed)"})
    assert analyst_api.post(f"{draft['url']}publish/", HTTP_IF_MATCH=tag).status_code == 412
    assert not Agreement.objects.get(pk=draft["id"]).published
    fresh = analyst_api.get(draft["url"])["ETag"]
    assert analyst_api.post(f"{draft['url']}publish/", HTTP_IF_MATCH=fresh).status_code == 200


def test_publish_takes_no_body(analyst_api, moscow):
    draft = send(analyst_api, "POST", "/api/v1/agreements/", new_agreement(moscow)).json()
    response = send(analyst_api, "POST", f"{draft['url']}publish/", {"published_by": "someone"})
    assert response.status_code == 400 and "published_by" in response.json()
    response = send(analyst_api, "POST", f"{draft['url']}publish/", ["x"])
    assert response.status_code == 400
    assert not Agreement.objects.get(pk=draft["id"]).published


@pytest.fixture
def four_eyes(settings):
    settings.PUBLISH_FOUR_EYES = True


def test_four_eyes_on_the_publish_action(analyst_api, second_analyst_api, moscow, four_eyes):
    draft = send(analyst_api, "POST", "/api/v1/agreements/", new_agreement(moscow)).json()
    response = analyst_api.post(f"{draft['url']}publish/")
    assert response.status_code == 400
    assert "Four eyes" in response.json()["published"][0]
    assert not Agreement.objects.get(pk=draft["id"]).published
    response = second_analyst_api.post(f"{draft['url']}publish/")
    assert response.status_code == 200, response.json()
    assert response.json()["published_by"] == "ben"


def test_four_eyes_on_create_and_update(analyst_api, second_analyst_api, moscow, four_eyes):
    # Nobody publishes what they are creating.
    response = send(analyst_api, "POST", "/api/v1/agreements/", new_agreement(moscow, published=True))
    assert response.status_code == 400 and "published" in response.json()
    assert not Agreement.objects.filter(title="Trilateral statement").exists()
    draft = send(analyst_api, "POST", "/api/v1/agreements/", new_agreement(moscow)).json()
    # The last changer cannot publish by PATCH either.
    assert patch(analyst_api, draft["url"], {"published": True}).status_code == 400
    # A second analyst who changes the draft in the same request becomes its last changer.
    response = patch(second_analyst_api, draft["url"], {"published": True, "participants": []})
    assert response.status_code == 400 and "published" in response.json()
    assert len(analyst_api.get(draft["url"]).json()["participants"]) == 2
    response = patch(second_analyst_api, draft["url"], {"published": True, "title": "Trilateral statement"})
    assert response.status_code == 200, response.json()  # the same title: no change
    assert response.json()["published_by"] == "ben"


def test_without_four_eyes_the_author_publishes(analyst_api, moscow):
    draft = send(analyst_api, "POST", "/api/v1/agreements/", new_agreement(moscow, published=True))
    assert draft.status_code == 201 and draft.json()["published_by"] == "ana"


def test_the_analysts_list_reads_who_published_without_a_query_per_agreement(analyst_api, analyst):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def publish(n: int) -> None:
        for i in range(n):
            title = f"Statement {Agreement.objects.count() + i}"
            agreement_create(title=title, kind="protocol", signed_on=date(2020, 11, 1), published=True, user=analyst)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = analyst_api.get("/api/v1/agreements/")
        assert {a["published_by"] for a in response.json()["results"]} == {"ana"}
        return len(captured)

    analyst_api.get("/api/v1/parties/")  # the token's last-used time is written once a minute
    publish(1)
    one = queries()
    publish(10)
    assert queries() == one
