"""The demo's history replayed: load_demo, then a believable later history recorded through
the services, then three days checked by hand, the same answers through the agreement
page, the API list, the summary and both CSV exports.

The history (dates of 2020; Geneva: signed 30 Oct, Europe/Zurich, so a week's deadline
ends at 23:00 UTC on 6 Nov):
- Moscow para 1 (ceasefire, signed 10 Oct): violated by both from 31 Oct (the demo's own).
- Geneva para 3, POW lists, due 6 Nov: ARM in progress from 3 Nov; AZE submits the lists
  effective 12 Nov; ARM partly fulfils effective 14 Nov.
- Geneva para 4, verification, due 6 Nov: revised to 20 Nov by a co-chairs' statement
  published 5 Nov (so from 5 Nov, 20 Nov is the due day).

By hand:
- 20 Oct: only Moscow exists, its ceasefire not started (Geneva and Russia's statement absent).
- 1 Nov: Moscow violated by both; Geneva lists not started, due 6 Nov, not overdue;
  verification due 6 Nov (the revision is not published yet), not overdue.
- 10 Nov: lists overdue for ARM (in progress) and AZE (not started), 4 days late;
  verification due 20 Nov, not overdue.
"""

import csv
import io
from datetime import date

import pytest

from commitments import services
from commitments.choices import Confidence, Status
from commitments.models import Agreement, Commitment
from tests.api.conftest import token_client
from tests.commitments.list_helpers import sign_in
from tracker import services as engine
from tracker.demo import load_demo

pytestmark = pytest.mark.django_db


def NOV(d: int) -> date:
    return date(2020, 11, d)


@pytest.fixture
def history(analyst):
    load_demo()
    engine.deadline_sweep()
    geneva = Agreement.objects.get(signed_on=date(2020, 10, 30))
    lists = geneva.commitments.get(reference="para 3")
    verification = geneva.commitments.get(reference="para 4")
    arm, aze = (lists.obligations.get(party__code=code).party for code in ("ARM", "AZE"))

    def record(commitment, party, status, effective_on, summary):
        services.status_update_record(
            commitment=commitment,
            party=party,
            status=status,
            effective_on=effective_on,
            summary=summary,
            sources=[services.SourceInput(publisher="ICRC", published_on=effective_on, url="https://example.org/icrc")],
            confidence=Confidence.MEDIUM,
            internal_note="Analyst's working note: do not export.",
            user=analyst,
        )

    record(lists, arm, Status.IN_PROGRESS, NOV(3), "Armenia says its lists are being compiled.")
    record(lists, aze, Status.FULFILLED, NOV(12), "Azerbaijan handed its lists to the ICRC.")
    record(lists, arm, Status.PARTIALLY_FULFILLED, NOV(14), "Armenia handed part of its lists.")
    services.deadline_set(
        commitment=verification,
        deadline=services.DeadlineInput(due_on=NOV(20)),
        reason="The co-chairs gave the parties until 20 November.",
        source=services.SourceInput(publisher="OSCE Minsk Group", published_on=NOV(5)),
        user=analyst,
    )
    return {"geneva": geneva, "lists": lists, "verification": verification, "moscow": moscow_ceasefire()}


def moscow_ceasefire() -> Commitment:
    return Commitment.objects.get(agreement__signed_on=date(2020, 10, 10), reference="para 1")


@pytest.fixture
def api(partner):
    return token_client(partner, read_only=True)


def listed(api, **params) -> dict:
    """{(agreement date, reference): {party: (status, due_at, overdue)}, ...} from the API list."""
    response = api.get("/api/v1/commitments/", {"page_size": 100, **params})
    assert response.status_code == 200, response.content
    titles = {a.pk: a.signed_on for a in Agreement.objects.all()}
    return {
        (titles[c["agreement"]], c["reference"]): {
            "status": c["status"],
            "overdue": c["overdue"],
            **{o["party"]: (o["status"], o["due_at"], o["overdue"]) for o in c["obligations"]},
        }
        for c in response.json()["results"]
    }


GENEVA, MOSCOW, RUSSIA = date(2020, 10, 30), date(2020, 10, 10), date(2020, 10, 31)
DUE_6_NOV = "2020-11-06T23:00:00Z"  # end of 6 Nov in Zurich (CET, UTC+1)
DUE_20_NOV = "2020-11-20T23:00:00Z"


def test_20_october_only_moscow_existed(history, api):
    rows = listed(api, as_of="2020-10-20")
    assert rows == {
        (MOSCOW, "para 1"): {
            "status": "not_started",
            "overdue": False,
            "ARM": ("not_started", None, False),
            "AZE": ("not_started", None, False),
        }
    }
    summary = api.get("/api/v1/summary/", {"as_of": "2020-10-20"}).json()
    assert [(a["title"][:6], a["statuses"]) for a in summary["by_agreement"]] == [("Moscow", {"not_started": 1})]
    assert summary["overdue"] == {"commitments": 0, "obligations": 0}


def test_1_november_moscow_violated_geneva_lists_not_yet_due(history, api):
    rows = listed(api, as_of="2020-11-01")
    assert rows[(MOSCOW, "para 1")] == {
        "status": "violated",
        "overdue": False,
        "ARM": ("violated", None, False),
        "AZE": ("violated", None, False),
    }
    assert rows[(GENEVA, "para 3")] == {
        "status": "not_started",
        "overdue": False,
        "ARM": ("not_started", DUE_6_NOV, False),
        "AZE": ("not_started", DUE_6_NOV, False),
    }
    assert rows[(GENEVA, "para 4")]["ARM"] == ("not_started", DUE_6_NOV, False)  # revised only from 5 Nov
    assert (RUSSIA, "statement") in rows and len(rows) == 1 + 5 + 1
    summary = api.get("/api/v1/summary/", {"as_of": "2020-11-01"}).json()
    by_title = {a["title"]: a["statuses"] for a in summary["by_agreement"]}
    assert by_title["Moscow joint statement on a humanitarian ceasefire"] == {"violated": 1}
    assert by_title["Statement of the OSCE Minsk Group co-chairs on the Geneva meeting"] == {"not_started": 5}
    assert by_title["Statement of the Russian Foreign Ministry on assistance to Armenia"] == {"not_started": 1}
    assert summary["overdue"] == {"commitments": 0, "obligations": 0}


def test_10_november_lists_overdue_4_days_verification_due_20_november(history, api):
    rows = listed(api, as_of="2020-11-10", agreement=history["geneva"].pk)
    assert rows[(GENEVA, "para 3")] == {
        "status": "in_progress",
        "overdue": True,
        "ARM": ("in_progress", DUE_6_NOV, True),
        "AZE": ("not_started", DUE_6_NOV, True),
    }
    assert rows[(GENEVA, "para 4")] == {
        "status": "not_started",
        "overdue": False,
        "ARM": ("not_started", DUE_20_NOV, False),
        "AZE": ("not_started", DUE_20_NOV, False),
    }
    # today the lists are fulfilled by AZE and partly by ARM: not what 10 Nov says
    today = listed(api, agreement=history["geneva"].pk)[(GENEVA, "para 3")]
    assert (today["ARM"][0], today["AZE"][0]) == ("partially_fulfilled", "fulfilled")

    summary = api.get("/api/v1/summary/", {"as_of": "2020-11-10", "agreement": history["geneva"].pk}).json()
    assert summary["overdue"] == {"commitments": 1, "obligations": 2}
    assert summary["by_party"] == [
        {"party": "ARM", "statuses": {"not_started": 4, "in_progress": 1}, "overdue": 1, "on_time_rate": 0.0},
        {"party": "AZE", "statuses": {"not_started": 5}, "overdue": 1, "on_time_rate": 0.0},
    ]
    assert summary["by_agreement"][0]["statuses"] == {"not_started": 4, "in_progress": 1}


def test_filters_read_the_day_s_values_on_one_obligation(history, api):
    geneva = history["geneva"].pk
    # AZE overdue on 10 Nov: the lists, where AZE's own obligation is overdue
    rows = listed(api, as_of="2020-11-10", agreement=geneva, party="AZE", overdue="true")
    assert list(rows) == [(GENEVA, "para 3")]
    # ARM in progress on 10 Nov: the lists; today ARM's lists are partly fulfilled
    assert list(listed(api, as_of="2020-11-10", party="ARM", status="in_progress")) == [(GENEVA, "para 3")]
    assert listed(api, party="ARM", status="in_progress") == {}
    # nobody overdue on 1 Nov
    assert listed(api, as_of="2020-11-01", overdue="true") == {}
    summary = api.get("/api/v1/summary/", {"as_of": "2020-11-10", "agreement": geneva, "party": "AZE"}).json()
    assert summary["by_party"] == [{"party": "AZE", "statuses": {"not_started": 5}, "overdue": 1, "on_time_rate": 0.0}]


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_csv_exports_on_10_november(history, api):
    rows = csv_rows(
        api.get("/api/v1/exports/commitments.csv", {"as_of": "2020-11-10", "agreement": history["geneva"].pk})
    )
    by_key = {(r["reference"], r["party"]): r for r in rows}
    lists_arm = by_key[("para 3", "ARM")]
    assert (lists_arm["status"], lists_arm["commitment_status"], lists_arm["due_date"]) == (
        "in_progress",
        "in_progress",
        "2020-11-06",
    )
    assert (lists_arm["due_at"], lists_arm["overdue"], lists_arm["overdue_since"]) == (
        "2020-11-06 23:00:00+00",
        "true",
        "2020-11-06 23:00:00+00",
    )
    verification = by_key[("para 4", "AZE")]
    assert (
        verification["status"],
        verification["due_date"],
        verification["overdue"],
        verification["overdue_since"],
    ) == (
        "not_started",
        "2020-11-20",
        "false",
        "",
    )
    assert len(rows) == 10
    # 20 Oct: Geneva did not exist
    early = api.get("/api/v1/exports/commitments.csv", {"as_of": "2020-10-20", "agreement": history["geneva"].pk})
    assert csv_rows(early) == []

    updates = csv_rows(api.get("/api/v1/exports/status-updates.csv", {"as_of": "2020-11-10"}))
    assert sorted((u["party"], u["status"], u["effective_date"]) for u in updates) == [
        ("ARM", "in_progress", "2020-11-03"),
        ("ARM", "violated", "2020-10-31"),
        ("AZE", "violated", "2020-10-31"),
    ]
    assert all("do not export" not in value for u in updates for value in u.values())


def test_the_agreement_page_on_10_november(history, client, analyst):
    sign_in(client, analyst)
    geneva = history["geneva"]
    response = client.get(f"/commitments/agreements/{geneva.pk}/", {"as_of": "2020-11-10"})
    assert response.status_code == 200
    text = response.text
    assert "Status as of 10 Nov 2020" in text and "Back to today" in text
    rows = {row.commitment.reference: row for row in response.context["rows"]}
    lists = {o.party.code: (o.status, o.overdue, o.days_late) for o in rows["para 3"].obligations}
    assert lists == {"ARM": ("in_progress", True, 4), "AZE": ("not_started", True, 4)}
    assert rows["para 3"].due == NOV(6) and rows["para 4"].due == NOV(20)
    assert "ARM overdue, 4 days late" in text and "AZE overdue, 4 days late" in text
    # each party's latest assessment then: ARM's of 3 Nov, none yet for AZE
    assert "In progress effective 3 Nov 2020: Armenia says its lists are being compiled." in text
    assert "Azerbaijan handed its lists" not in text
    # today: the latest assessments of 12 and 14 Nov
    today = client.get(f"/commitments/agreements/{geneva.pk}/").text
    assert "Fulfilled effective 12 Nov 2020: Azerbaijan handed its lists to the ICRC." in today
    assert "Partially fulfilled effective 14 Nov 2020: Armenia handed part of its lists." in today
    # 20 Oct: the agreement was not signed yet
    early = client.get(f"/commitments/agreements/{geneva.pk}/", {"as_of": "2020-10-20"})
    assert "none of its commitments existed yet" in early.text
    assert early.context["rows"] == [] or all(not row.obligations for row in early.context["rows"])


def test_the_commitment_and_party_pages_on_10_november(history, client, analyst):
    sign_in(client, analyst)
    lists = history["lists"]
    response = client.get(f"/commitments/{lists.pk}/", {"as_of": "2020-11-10"})
    assert response.status_code == 200
    assert [(o.party.code, o.status, o.overdue, o.days_late) for o in response.context["obligations"]] == [
        ("ARM", "in_progress", True, 4),
        ("AZE", "not_started", True, 4),
    ]
    assert [u.effective_on for u in response.context["updates"]] == [NOV(3)]  # later ones not yet effective
    assert 'name="action" value="record"' not in response.text  # a past view is read-only
    assert "Overall status on 10 Nov 2020" in response.text
    early = client.get(f"/commitments/{lists.pk}/", {"as_of": "2020-10-20"})
    assert early.context["obligations"] == [] and "this commitment did not exist yet" in early.text
    verification = client.get(f"/commitments/{history['verification'].pk}/", {"as_of": "2020-11-01"})
    assert [d.revision for d in verification.context["deadlines"]] == [1]  # the revision is published 5 Nov
    party = client.get("/parties/AZE/", {"as_of": "2020-11-10"})
    assert party.status_code == 200
    assert {s: n for s, _, n in party.context["counts"]} == {"not_started": 5, "violated": 1}
    assert party.context["record"]["overdue"] == 1 and party.context["record"]["on_time"] == 0
    assert "Overdue, 4 days late" in party.text
