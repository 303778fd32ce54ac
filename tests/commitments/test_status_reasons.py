"""Reasons for non-fulfilment and incidents cited by a status update (issue 14): the
commitment page's form, the API's create and representations, and the CSV export. Only
a status of not fulfilled, partially fulfilled, violated or disputed gives them; a reason
must be on the list (active), an incident linked to the update's obligation and not
retracted. Partners never learn an unpublished incident's id."""

import csv
import io
from datetime import date

import pytest

from commitments import incidents as evidence
from commitments.choices import Category, Nature, Status, Verification
from commitments.form_once import new_form_token
from commitments.models import NonFulfilmentReason, StatusUpdate
from commitments.services import SourceInput
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

SOURCE = SourceInput(publisher="OSCE SMM", published_on=date(2020, 11, 3), url="https://example.org/report")


@pytest.fixture
def civilians(make_commitment, geneva):
    """An ongoing pledge binding ARM and AZE, in a published agreement."""
    geneva.published = True
    geneva.save(update_fields=["published"])
    return make_commitment(
        title="Refrain from targeting civilians",
        text="Refrain from deliberately targeting civilian populations or non-military objects.",
        category=Category.CIVILIAN_PROTECTION,
        nature=Nature.ONGOING,
        deadline=None,
    )


def make_incident(analyst, *, published=False, location="Ganja", occurred_on=date(2020, 11, 2)):
    return evidence.incident_create(
        fields={
            "occurred_on": occurred_on,
            "location": location,
            "country": "Azerbaijan",
            "event_type": "explosions_remote_violence",
            "sub_event_type": "shelling_artillery_missile_attack",
            "description": "Shelling of a residential area.",
        },
        sources=[SOURCE],
        published=published,
        user=analyst,
    )


@pytest.fixture
def linked(civilians, analyst, azerbaijan):
    """An unpublished incident linked to AZE's obligation."""
    incident = make_incident(analyst)
    evidence.incident_link(incident=incident, obligations=[civilians.obligations.get(party=azerbaijan)], user=analyst)
    return incident


def reason(code: str) -> NonFulfilmentReason:
    return NonFulfilmentReason.objects.get(code=code)


# The commitment page's form

RECORD = {
    "action": "record",
    "party": "AZE",
    "status": "violated",
    "effective_on": "2020-11-03",
    "summary": "Residential areas of Ganja shelled.",
    "confidence": "medium",
    "source_publisher": "OSCE SMM",
    "source_url": "https://example.org/report",
    "source_published_on": "2020-11-03",
    "internal_note": "",
}


def post(client, commitment, **form):
    return client.post(f"/commitments/{commitment.pk}/", {"form_token": new_form_token(), **RECORD, **form})


def refused(response, field: str) -> list[str]:
    """The errors at ``field`` of a form shown again (400), nothing written."""
    assert response.status_code == 400
    assert not StatusUpdate.objects.exists()
    return response.context["record_form"].errors[field]


def test_the_form_offers_active_reasons_and_linked_incidents_not_retracted(client, analyst, civilians, linked):
    NonFulfilmentReason.objects.filter(code="no-information").update(active=False)
    unlinked = make_incident(analyst, location="Tartar")
    retracted = make_incident(analyst, location="Barda")
    evidence.incident_link(incident=retracted, obligations=list(civilians.obligations.all()), user=analyst)
    evidence.incident_verify(
        incident=retracted, verification=Verification.RETRACTED, reason="Wrong place", user=analyst
    )
    client.force_login(analyst)
    form = client.get(f"/commitments/{civilians.pk}/").context["record_form"]
    codes = [code for code, _ in form.fields["reasons"].choices]
    assert "refusal" in codes and "no-information" not in codes
    offered = dict(form.fields["incidents"].choices)
    assert list(offered) == [str(linked.pk)]
    assert "02 Nov 2020 · Ganja" in offered[str(linked.pk)] and "linked for AZE" in offered[str(linked.pk)]
    assert "draft" in offered[str(linked.pk)]
    assert str(unlinked.pk) not in offered and str(retracted.pk) not in offered


def test_an_analyst_records_violated_with_a_reason_and_an_incident(client, analyst, partner, civilians, linked):
    client.force_login(analyst)
    response = post(client, civilians, reasons=["refusal", "third-party-obstruction"], incidents=[str(linked.pk)])
    assert response.status_code == 302
    update = StatusUpdate.objects.get()
    assert sorted(r.code for r in update.reasons.all()) == ["refusal", "third-party-obstruction"]
    assert list(update.incidents.all()) == [linked]
    page = client.get(f"/commitments/{civilians.pk}/").text
    assert "Reasons: " in page and "Refusal" in page
    assert f'Incidents cited: <span class="incident-cited">{linked}' in page
    # A partner reads the reasons, not the draft incident.
    client.force_login(partner)
    page = client.get(f"/commitments/{civilians.pk}/").text
    assert "Refusal" in page and "Incidents cited" not in page


def test_reasons_are_refused_with_a_fulfilled_status(client, analyst, civilians, linked):
    client.force_login(analyst)
    errors = refused(post(client, civilians, status=Status.FULFILLED, reasons=["refusal"]), "reasons")
    assert errors == [
        "Only a status of disputed, not fulfilled, partially fulfilled, violated gives reasons or cites incidents."
    ]
    errors = refused(post(client, civilians, status=Status.IN_PROGRESS, incidents=[str(linked.pk)]), "incidents")
    assert "gives reasons or cites incidents" in errors[0]


def test_an_inactive_reason_is_refused(client, analyst, civilians):
    NonFulfilmentReason.objects.filter(code="refusal").update(active=False)
    client.force_login(analyst)
    assert refused(post(client, civilians, reasons=["refusal"]), "reasons") == ["No longer on the list: Refusal."]


def test_an_incident_not_linked_for_the_party_is_refused(client, analyst, civilians, linked, armenia):
    client.force_login(analyst)
    # Linked for AZE, cited for ARM.
    errors = refused(post(client, civilians, party="ARM", incidents=[str(linked.pk)]), "incidents")
    assert errors == [f"Incident {linked.pk} is not linked to this commitment for this party: link it first."]
    unlinked = make_incident(analyst, location="Tartar")
    errors = refused(post(client, civilians, incidents=[str(unlinked.pk)]), "incidents")
    assert "is not linked" in errors[0]
    # A link removed since is no link.
    link = linked.links.get()
    evidence.incident_link_decide(link=link, state="removed", user=analyst)
    assert "is not linked" in refused(post(client, civilians, incidents=[str(linked.pk)]), "incidents")[0]


def test_a_retracted_incident_is_refused(client, analyst, civilians, linked):
    evidence.incident_verify(incident=linked, verification=Verification.RETRACTED, reason="Not shelling", user=analyst)
    client.force_login(analyst)
    errors = refused(post(client, civilians, incidents=[str(linked.pk)]), "incidents")
    assert errors == [f"Incident {linked.pk} was retracted: it is no evidence."]


def test_an_incident_after_the_effective_date_is_no_evidence(client, analyst, civilians, linked):
    # The shelling happened on 2 Nov 2020: an update effective on 1 Nov cannot rest on it
    # (its status as of 1 Nov would cite what had not happened yet), on the page and in the API.
    client.force_login(analyst)
    errors = refused(
        post(
            client, civilians, effective_on="2020-11-01", source_published_on="2020-11-01", incidents=[str(linked.pk)]
        ),
        "incidents",
    )
    assert errors == [
        f"Incident {linked.pk} happened after the effective date (2020-11-02 > 2020-11-01): "
        "it cannot be evidence for it."
    ]
    api = token_client(analyst, read_only=False)
    response = create(api, civilians, effective_date="2020-11-01", incidents=[linked.pk])
    assert response.status_code == 400 and "incidents" in response.json(), response.json()
    assert not StatusUpdate.objects.exists()
    # On the day it happened, it is.
    assert create(api, civilians, effective_date="2020-11-02", incidents=[linked.pk]).status_code == 201


@pytest.mark.parametrize(
    ("field", "values", "message"),
    [
        ("reasons", ["=cmd|' /C calc'!A0"], "Unknown reason: \"=cmd|' /C calc'!A0\"."),
        ("reasons", ["refus\x00al"], "Unknown reason: 'refus\\x00al'."),
        ("reasons", ["x" * 10_000], "Unknown reason: '" + "x" * 60 + "'."),
        ("reasons", ["réfus"], "Unknown reason: 'réfus'."),
        ("incidents", ["99999999999999999999999"], "No incident with the id 99999999999999999999999."),
        ("incidents", ["-1"], "No incident with the id -1."),
        ("incidents", ["abc\x00"], "No incident with the id abc\x00."),
        ("incidents", ["9223372036854775807"], "No incident with the id 9223372036854775807."),
        # Digits to str.isdigit() that int() refuses, or reads as another number.
        ("incidents", ["\u00b2"], "No incident with the id \u00b2."),
        ("incidents", ["\u0661"], "No incident with the id \u0661."),
    ],
)
def test_hostile_values_are_refused_at_their_field(client, analyst, civilians, field, values, message):
    client.force_login(analyst)
    assert refused(post(client, civilians, **{field: values}), field) == [message]


def test_the_same_incident_twice_is_refused(client, analyst, civilians, linked):
    client.force_login(analyst)
    errors = refused(post(client, civilians, incidents=[str(linked.pk), str(linked.pk)]), "incidents")
    assert errors == ["An incident is cited twice."]


# The API


def create(api, commitment, **body):
    payload = {
        "party": "AZE",
        "status": "violated",
        "effective_date": "2020-11-03",
        "summary": "Residential areas of Ganja shelled.",
        "sources": [{"publisher": "OSCE SMM", "published_on": "2020-11-03"}],
        **body,
    }
    return api.post(f"/api/v1/commitments/{commitment.pk}/status-updates/", payload, format="json")


def test_the_api_records_reasons_and_incidents(analyst, civilians, linked):
    api = token_client(analyst, read_only=False)
    response = create(api, civilians, reasons=["refusal", "lack-of-capacity"], incidents=[linked.pk])
    assert response.status_code == 201, response.json()
    (body,) = response.json()
    # In the list's order (position), whatever the order given.
    assert body["reasons"] == [
        {"code": "lack-of-capacity", "label": "Lack of capacity"},
        {"code": "refusal", "label": "Refusal"},
    ]
    assert body["incidents"] == [linked.pk]
    update = StatusUpdate.objects.get()
    assert {r.code for r in update.reasons.all()} == {"refusal", "lack-of-capacity"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "fulfilled", "reasons": ["refusal"]}, "reasons"),
        ({"reasons": ["no-such-reason"]}, "reasons"),
        ({"reasons": [{"nested": {"deep": ["refusal"]}}]}, "reasons"),
        ({"reasons": "refusal"}, "reasons"),
        ({"reasons": ["refusal"] * 21}, "reasons"),
        ({"incidents": [2**63]}, "incidents"),
        ({"incidents": [0]}, "incidents"),
        ({"incidents": ["1; DROP TABLE"]}, "incidents"),
        ({"incidents": [987654]}, "incidents"),
    ],
)
def test_the_api_refuses_bad_evidence_by_field(analyst, civilians, body, field):
    api = token_client(analyst, read_only=False)
    response = create(api, civilians, **body)
    assert response.status_code == 400
    assert field in response.json()
    assert not StatusUpdate.objects.exists()


def test_partners_get_reasons_and_only_published_incidents(analyst, partner, civilians, linked, azerbaijan):
    published = make_incident(analyst, published=True, location="Tartar")
    evidence.incident_link(incident=published, obligations=[civilians.obligations.get(party=azerbaijan)], user=analyst)
    analyst_api = token_client(analyst, read_only=False)
    assert create(analyst_api, civilians, reasons=["refusal"], incidents=[linked.pk, published.pk]).status_code == 201
    partner_api = token_client(partner, read_only=True)
    (item,) = partner_api.get("/api/v1/status-updates/").json()["results"]
    assert item["reasons"] == [{"code": "refusal", "label": "Refusal"}]
    assert item["incidents"] == [published.pk]
    assert partner_api.get(item["url"]).json()["incidents"] == [published.pk]
    (item,) = analyst_api.get("/api/v1/status-updates/").json()["results"]
    assert item["incidents"] == sorted([linked.pk, published.pk])
    # Published later: the partner now sees it.
    evidence.incident_publish(incident=linked, published=True, user=analyst)
    (item,) = partner_api.get("/api/v1/status-updates/").json()["results"]
    assert item["incidents"] == sorted([linked.pk, published.pk])


# The CSV export


def csv_rows(api, hxl: bool = False) -> list[list[str]]:
    response = api.get("/api/v1/exports/status-updates.csv" + ("?hxl=true" if hxl else ""))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_gives_reason_codes_and_readable_incident_ids(analyst, partner, civilians, linked, azerbaijan, record):
    published = make_incident(analyst, published=True, location="Tartar")
    evidence.incident_link(incident=published, obligations=[civilians.obligations.get(party=azerbaijan)], user=analyst)
    record(
        civilians,
        party=azerbaijan,
        status=Status.VIOLATED,
        reasons=[reason("refusal"), reason("third-party-obstruction")],
        incidents=[linked, published],
    )
    record(civilians, party=azerbaijan, status=Status.IN_PROGRESS, effective_on=date(2020, 11, 4))
    header, tags, violated, progress = csv_rows(token_client(analyst, read_only=False), hxl=True)
    assert header[-2:] == ["reasons", "incidents"]
    assert tags[-2:] == ["#status+reason+code", "#event+id"]
    # Codes in the list's order (position), as on the page.
    assert violated[-2:] == [
        "third-party-obstruction; refusal",
        f"{min(linked.pk, published.pk)}; {max(linked.pk, published.pk)}",
    ]
    assert progress[-2:] == ["", ""]
    _, violated, _ = csv_rows(token_client(partner, read_only=True))
    assert violated[-2:] == ["third-party-obstruction; refusal", str(published.pk)]


# Emails


def test_a_status_email_gives_the_reasons_and_no_internal_note_or_incident(
    client, smtp_server, analyst, civilians, linked, azerbaijan, record
):
    from tests.tracker.test_email import subscribe_and_confirm
    from tracker import notifications

    subscribe_and_confirm(client, smtp_server, email="desk@partner.example", party=azerbaijan)
    record(
        civilians,
        party=azerbaijan,
        status=Status.VIOLATED,
        summary="Residential areas of Ganja shelled.",
        internal_note="SECRET-NOTE: a personal contact.",
        reasons=[reason("refusal")],
        incidents=[linked],
    )
    notifications.outbox_send()
    (mail,) = smtp_server.handler.to("desk@partner.example")
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Residential areas of Ganja shelled.\nReasons: Refusal" in text
    assert "Reasons: Refusal" in mail.get_body(("html",)).get_content()
    assert "SECRET-NOTE" not in mail.as_string() and "Ganja, 02 Nov 2020" not in mail.as_string()


# The agreement document (import and export)


def _document_with(update: dict) -> str:
    import json

    from tests.commitments.documents_helpers import document

    doc = document()
    doc["commitments"][0]["status_updates"] = [
        {
            "party": "AZE",
            "effective_date": "2021-03-09",
            "summary": "No list handed over.",
            "sources": [{"publisher": "ICRC", "published_on": "2021-03-09"}],
            **update,
        }
    ]
    return json.dumps(doc)


def test_an_agreement_document_gives_reasons_and_exports_them(analyst):
    from commitments.documents import export_agreement, import_agreement

    result = import_agreement(_document_with({"status": "not_fulfilled", "reasons": ["refusal"]}), user=analyst)
    assert result.ok, result.problems
    (update,) = StatusUpdate.objects.all()
    assert [r.code for r in update.reasons.all()] == ["refusal"]
    exported = export_agreement(update.obligation.commitment.agreement, include_internal=True)
    assert exported["commitments"][0]["status_updates"][0]["reasons"] == ["refusal"]


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ({"status": "fulfilled", "reasons": ["refusal"]}, "gives reasons or cites incidents"),
        ({"status": "violated", "reasons": ["no-such-reason"]}, "Unknown reason"),
        ({"status": "violated", "reasons": ["=cmd"]}, "is not a reason code"),
    ],
)
def test_a_document_with_bad_reasons_is_refused_at_the_field(analyst, update, message):
    from commitments.documents import import_agreement

    result = import_agreement(_document_with(update), user=analyst)
    assert not result.ok
    problems = [p for p in result.problems if "reasons" in p.field]
    assert problems and message in problems[0].message, result.problems
    assert not StatusUpdate.objects.exists()
