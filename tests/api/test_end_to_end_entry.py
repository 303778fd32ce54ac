"""The must-show of issue 12's API part: a partner's analyst enters a real agreement end to
end through the API alone, over HTTP with a token against a live server: the parties, the
agreement with who signed it and where its text comes from, its commitments with chained
deadlines, and the status updates as they happen; a second analyst publishes it (four
eyes); a partner's token then reads it all. Runs on SQLite and on PostgreSQL.

The agreement: the Package of Measures for the Implementation of the Minsk Agreements
(Minsk, 12 February 2015; tests/fixtures/ceasefire_texts/minsk_package_2015_02_12.txt),
which implements the Minsk Protocol of 5 September 2014. Its deadlines chain: the heavy
weapons' withdrawal starts on day 2 of the ceasefire at the latest and is completed
within 14 days (of its start); the exchange of hostages is finished on day 5 after the
withdrawal at the latest."""

import pytest
from django.contrib.auth.models import Group

from commitments.models import Agreement, AgreementParticipant, Commitment
from core.models import ApiToken
from core.roles import ANALYSTS
from tests.api.test_concurrent_writes import send
from tests.factories import UserFactory

OSCE_SMM = "OSCE Special Monitoring Mission to Ukraine"
SOURCES = [
    {
        "publisher": "United Nations Security Council",
        "url": "https://undocs.org/S/RES/2202(2015)",
        "title": "Resolution 2202 (2015), annex I: Package of Measures for the Implementation of the Minsk Agreements",
        "published_on": "2015-02-17",
        "language": "en",
    },
    {
        "publisher": "OSCE",
        "url": "https://www.osce.org/cio/140156",
        "title": "Комплекс мер по выполнению Минских соглашений",
        "published_on": "2015-02-12",
        "language": "ru",
    },
]
PARTIES = [
    {"code": "ukr", "name": "Ukraine", "kind": "state", "aliases": ["Ukrainian", "Kyiv"]},
    {"code": "RUS", "name": "Russian Federation", "short_name": "Russia", "kind": "state", "aliases": ["Russian"]},
    {
        "code": "osce",
        "name": "Organization for Security and Co-operation in Europe",
        "short_name": "OSCE",
        "kind": "international_organisation",
    },
    {
        "code": "ordlo",
        "name": "Certain areas of the Donetsk and Luhansk regions",
        "kind": "non_state_armed_group",
        "aliases": ["armed formations"],
        "description": "The armed formations from particular districts of Donetsk and Luhansk oblasts.",
    },
]


class Api:
    """An API client over HTTP with one token."""

    def __init__(self, base: str, key: str):
        self.base, self.key = base, key

    def __call__(self, method: str, path: str, body=None, expect: int = 200, **headers):
        status, response_headers, data = send(method, self.base + path, self.key, body, **headers)
        assert status == expect, (method, path, status, data)
        return data, response_headers

    def post(self, path: str, body=None, expect: int = 201):
        return self("POST", path, body, expect)[0]

    def get(self, path: str):
        return self("GET", path)[0]

    def patch(self, path: str, body: dict, expect: int = 200):
        _, headers = self("GET", path)
        return self("PATCH", path, body, expect, **{"If-Match": headers["ETag"]})[0]


@pytest.fixture
def clients(live_server, django_db_serialized_rollback, analyst, partner, settings):
    settings.PUBLISH_FOUR_EYES = True  # read by the live server's thread: the same process
    reviewer = UserFactory(username="reviewer")
    reviewer.groups.add(Group.objects.get(name=ANALYSTS))
    keys = [ApiToken.issue(user=user, read_only=user is partner)[1] for user in (analyst, reviewer, partner)]
    return [Api(f"{live_server.url}/api/v1", key) for key in keys]


def commitment(agreement: int, reference: str, title: str, text: str, category: str, **fields) -> dict:
    return {
        "agreement": agreement,
        "reference": reference,
        "title": title,
        "text": text,
        "category": category,
        "nature": "one_off",
        "parties": ["UKR", "ordlo"],
        **fields,
    }


def update(status: str, date: str, summary: str, url: str, **fields) -> dict:
    source = {"publisher": OSCE_SMM, "url": url, "published_on": date, "language": "en"}
    return {"status": status, "effective_date": date, "summary": summary, "sources": [source], **fields}


def test_an_analyst_enters_the_minsk_package_through_the_api_and_a_partner_reads_it(clients):
    analyst, reviewer, partner = clients

    # 1. The parties: two states by their ISO 3166-1 alpha-3 codes, two others by codes of ours.
    codes = [analyst.post("/parties/", party)["code"] for party in PARTIES]
    assert codes == ["UKR", "RUS", "osce", "ordlo"]

    # 2. The earlier agreement it implements, and the agreement with who signed it and
    # where its text comes from.
    protocol = analyst.post(
        "/agreements/",
        {
            "title": "Minsk Protocol",
            "kind": "protocol",
            "date": "2014-09-05",
            "venue": "Minsk",
            "timezone": "Europe/Minsk",
            "participants": [{"party": code, "role": "signatory"} for code in ("UKR", "RUS", "osce", "ordlo")],
        },
    )
    package = analyst.post(
        "/agreements/",
        {
            "title": "Package of Measures for the Implementation of the Minsk Agreements",
            "kind": "protocol",
            "date": "2015-02-12",
            "venue": "Minsk",
            "timezone": "Europe/Minsk",
            "participants": [
                {"party": "osce", "role": "signatory"},
                {"party": "UKR", "role": "signatory"},
                {"party": "RUS", "role": "signatory"},
                {"party": "ordlo", "role": "signatory"},
            ],
            "sources": SOURCES,
            "relations": [{"kind": "implements", "agreement": protocol["id"]}],
        },
    )
    agreement = f"/agreements/{package['id']}/"

    # 3. Its commitments, the deadlines chained by commitment id.
    ceasefire = analyst.post(
        "/commitments/",
        commitment(
            package["id"],
            "1.",
            "Comprehensive ceasefire",
            "Immediate and comprehensive ceasefire ... as of 15 February 2015, 12am local time.",
            "ceasefire",
            nature="ongoing",
        ),
    )
    start = analyst.post(
        "/commitments/",
        commitment(
            package["id"],
            "2. start",
            "Start the withdrawal of heavy weapons",
            "The withdrawal of the heavy weapons ... is to start on day 2 of the ceasefire at the latest.",
            "withdrawal",
            deadline={"kind": "date", "date": "2015-02-16"},
        ),
    )
    completion = analyst.post(
        "/commitments/",
        commitment(
            package["id"],
            "2. completion",
            "Complete the withdrawal of heavy weapons",
            "... and be completed within 14 days.",
            "withdrawal",
            deadline={"kind": "relative", "days": 14, "after": str(start["id"])},
        ),
    )
    resolution = analyst.post(
        "/commitments/",
        commitment(
            package["id"],
            "4.",
            "Resolution of the Parliament on the special regime",
            "Adopt promptly, by no later than 30 days after the date of signing of this document a Resolution ...",
            "other",
            parties=["UKR"],
            deadline={"kind": "relative", "days": 30},
        ),
    )
    hostages = analyst.post(
        "/commitments/",
        commitment(
            package["id"],
            "6.",
            "Release and exchange of all hostages",
            "Ensure release and exchange of all hostages ... finished on the day 5 after the withdrawal at the latest.",
            "prisoners",
            deadline={"kind": "relative", "days": 5, "after": str(completion["id"])},
        ),
    )
    assert start["due_at"] == "2015-02-16T21:00:00Z"  # end of 16 Feb in Minsk (UTC+3)
    assert resolution["deadline"]["due_date"] == "2015-03-14"
    assert completion["due_at"] is None and hostages["due_at"] is None  # waiting on a fulfilment

    # 4. Status updates as they happen: a violation of the ceasefire, then the start of the
    # withdrawal, fulfilled by both sides: the chained due moment of its completion shows.
    analyst.post(
        f"/commitments/{ceasefire['id']}/status-updates/",
        update(
            "violated",
            "2015-02-17",
            "Fighting around Debaltseve continued after the ceasefire took effect.",
            "https://www.osce.org/ukraine-smm/140556",
            party="ordlo",
            internal_note="SMM denied access to Debaltseve.",
        ),
    )
    for party in ("UKR", "ordlo"):
        analyst.post(
            f"/commitments/{start['id']}/status-updates/",
            update(
                "fulfilled",
                "2015-02-26",
                "The SMM observed heavy weapons being moved away from the contact line.",
                "https://www.osce.org/ukraine-smm/141506",
                party=party,
            ),
        )
    completion = analyst.get(f"/commitments/{completion['id']}/")
    assert completion["deadline"]["due_date"] == "2015-03-12"  # 26 Feb + 14 days
    assert completion["due_at"] == "2015-03-12T21:00:00Z"
    assert analyst.get(f"/commitments/{hostages['id']}/")["due_at"] is None  # its own anchor is not fulfilled yet

    # 5. A party the text names later: the analyst adds a witness; the lists replace whole.
    analyst.post("/parties/", {"code": "FRA", "name": "France", "kind": "state"})
    participants = [*package["participants"], {"party": "FRA", "role": "witness"}]
    analyst.patch(agreement, {"participants": participants, "reason": "The Normandy leaders endorsed it."})

    # 6. Publishing: four eyes are on, so the analyst who entered it cannot; a reviewer does.
    refused, _ = analyst("POST", f"{agreement}publish/", expect=400)
    assert "published" in refused
    partner("GET", agreement, expect=404)  # a draft: partners do not see it
    published = reviewer.post(f"{agreement}publish/", expect=200)
    assert (published["published"], published["published_by"]) == (True, "reviewer")
    reviewer.post(f"/agreements/{protocol['id']}/publish/", expect=200)

    # 7. A partner's token reads it all, without analysts' names or internal notes.
    read = partner.get(agreement)
    assert read["published_at"] == published["published_at"] and "published_by" not in read
    assert sorted((p["party"], p["role"]) for p in read["participants"]) == [
        ("FRA", "witness"),
        ("RUS", "signatory"),
        ("UKR", "signatory"),
        ("ordlo", "signatory"),
        ("osce", "signatory"),
    ]
    assert sorted(read["sources"], key=lambda s: s["published_on"]) == sorted(SOURCES, key=lambda s: s["published_on"])
    assert read["relations"] == [{"kind": "implements", "agreement": protocol["id"]}]
    listed = partner.get(f"/commitments/?agreement={package['id']}&ordering=due_at")["results"]
    assert [(c["reference"], c["due_at"]) for c in listed] == [
        ("2. start", "2015-02-16T21:00:00Z"),
        ("2. completion", "2015-03-12T21:00:00Z"),
        ("4.", "2015-03-14T21:00:00Z"),
        ("1.", None),
        ("6.", None),
    ]
    statuses = {c["reference"]: c["status"] for c in listed}
    assert (statuses["2. start"], statuses["1."]) == ("fulfilled", "violated")
    log = partner.get(f"/status-updates/?commitment={start['id']}")["results"]
    assert len(log) == 2 and all("internal_note" not in u and "analyst" not in u for u in log)
    assert partner.get("/parties/ordlo/")["aliases"] == ["armed formations"]

    # Everything was written through the API, by the analyst's token, with its history.
    assert Commitment.objects.filter(agreement_id=package["id"]).count() == 5
    saved = Agreement.objects.get(pk=package["id"])
    assert saved.history.earliest().history_user.username == "ana"
    assert AgreementParticipant.objects.filter(agreement=saved).count() == 5
