"""The parties list, a party's page (obligations by status, on-time record, agreements
and roles) and the party form: analysts create and edit, partners read what is published."""

from datetime import date

import pytest

from commitments import services
from commitments.choices import Nature, Status
from commitments.form_once import new_form_token
from commitments.models import Obligation
from commitments.selectors import on_time_counts, on_time_totals
from parties.models import Party
from tests.api.conftest import token_client
from tests.commitments.list_helpers import draft_agreement, queries, sign_in
from tests.factories import PartyFactory, UserFactory
from tracker import services as engine

pytestmark = pytest.mark.django_db


@pytest.fixture
def record_book(geneva, armenia, azerbaijan, make_commitment, record, analyst):
    """Geneva (published): the lists (due end of 6 Nov 2020) fulfilled by Armenia on time
    and by Azerbaijan late; the remains (due the same day) open, so overdue for both; the
    civilians (no deadline) fulfilled by Armenia, which is neither on time nor late."""
    services.agreement_update(
        agreement=geneva,
        user=analyst,
        participants=[(armenia, "signatory"), (azerbaijan, "signatory"), (azerbaijan, "guarantor")],
    )
    geneva.published = True
    geneva.save()
    lists = make_commitment(title="POW lists")
    make_commitment(title="Remains exchange")
    civilians = make_commitment(title="Civilians", nature=Nature.ONGOING, deadline=None)
    record(lists, party=armenia, status=Status.FULFILLED, effective_on=date(2020, 11, 5))
    record(lists, party=azerbaijan, status=Status.FULFILLED, effective_on=date(2020, 11, 10))
    record(civilians, party=armenia, status=Status.FULFILLED, effective_on=date(2020, 11, 20))
    engine.deadline_sweep()
    draft_agreement(armenia, analyst)  # a draft that binds Armenia: partners never hear of it
    return geneva


def form(**fields) -> dict:
    """The party form as its page renders it: with a one-time token of its own."""
    return {"form_token": new_form_token(), "kind": "state", "name": "Georgia", "aliases": "", **fields}


# The list -----------------------------------------------------------------------------------


def test_the_parties_list_with_counts_search_and_kind(client, analyst, record_book, icrc):
    Party.objects.filter(pk=icrc.pk).update(aliases=["Red Cross", "CICR"])
    sign_in(client, analyst)
    response = client.get("/parties/")
    assert response.status_code == 200
    assert '<a href="/parties/">Parties</a>' in response.text  # in the site's navigation
    rows = {party.code: {s: n for s, _, n in counts} for party, counts in response.context["rows"]}
    assert rows["ARM"] == {"not_started": 2, "fulfilled": 2}  # with the draft's pledge
    assert rows["AZE"] == {"not_started": 2, "fulfilled": 1}
    assert rows["icrc"] == {}
    assert [p.code for p, _ in client.get("/parties/", {"q": "cicr"}).context["rows"]] == ["icrc"]
    assert [p.code for p, _ in client.get("/parties/", {"q": "azer"}).context["rows"]] == ["AZE"]
    assert [p.code for p, _ in client.get("/parties/", {"kind": "state"}).context["rows"]] == ["ARM", "AZE"]
    bad = client.get("/parties/", {"kind": "country"})
    assert bad.status_code == 400
    assert "Unknown value 'country'" in bad.context["filter"].form.errors["kind"][0]
    assert "New party" in response.text


def test_a_partner_counts_published_obligations_only(client, partner, record_book):
    sign_in(client, partner)
    response = client.get("/parties/")
    rows = {party.code: {s: n for s, _, n in counts} for party, counts in response.context["rows"]}
    assert rows["ARM"] == {"not_started": 1, "fulfilled": 2}
    assert "New party" not in response.text


def test_the_parties_list_makes_as_many_queries_for_2_and_60_parties(client, analyst, record_book):
    sign_in(client, analyst)
    few = queries(client, "/parties/")
    for i in range(58):
        PartyFactory(code=f"group-{i}", name=f"Group {i}")
    assert queries(client, "/parties/") == few
    assert queries(client, "/parties/?page=2") == few


# The party's page -----------------------------------------------------------------------------


def test_a_partys_page_counts_by_status_and_lists_its_obligations_grouped(client, analyst, record_book):
    sign_in(client, analyst)
    response = client.get("/parties/ARM/")
    assert response.status_code == 200
    assert response.context["counts"] == [
        ("not_started", "Not started", 2),
        ("fulfilled", "Fulfilled", 2),
    ]
    text = response.text
    assert text.index("<h3>Not started</h3>") < text.index("<h3>Fulfilled</h3>")
    assert "Remains exchange" in text and "Draft pledge" in text  # analysts see the draft
    assert 'href="/search/?party=ARM&amp;status=fulfilled"' in text
    assert "Edit this party" in text


def test_the_on_time_record_is_the_summarys(client, analyst, partner, record_book):
    sign_in(client, analyst)
    armenia = client.get("/parties/ARM/").context["record"]
    # The lists on time, the remains overdue; the civilians (no deadline) not assessed.
    assert armenia == {"assessed": 2, "on_time": 1, "overdue": 1, "late": 1, "fulfilled_late": 0, "rate": 0.5}
    azerbaijan = client.get("/parties/AZE/")
    assert azerbaijan.context["record"] == {
        "assessed": 2,
        "on_time": 0,
        "overdue": 1,
        "late": 2,
        "fulfilled_late": 1,
        "rate": 0.0,
    }
    assert "<strong>0 fulfilled on time</strong>, <strong>2 late</strong>" in azerbaijan.text
    summary = token_client(partner, read_only=True).get("/api/v1/summary/").json()
    rates = {p["party"]: p["on_time_rate"] for p in summary["by_party"]}
    assert rates == {"ARM": 0.5, "AZE": 0.0}


def test_the_record_reads_one_rule(record_book):
    """The summary and the party page group the same selector: per party and in all."""
    per_party = {
        r["party__code"]: (r["assessed"], r["on_time"]) for r in on_time_counts(Obligation.objects.all(), "party__code")
    }
    assert per_party == {"ARM": (2, 1), "AZE": (2, 0)}
    assert on_time_totals(Obligation.objects.all()) == {"assessed": 4, "on_time": 1, "overdue": 2}
    assert on_time_totals(Obligation.objects.none()) == {"assessed": 0, "on_time": 0, "overdue": 0}


def test_the_agreements_a_party_takes_part_in_with_its_roles(client, analyst, record_book, armenia):
    sign_in(client, analyst)
    rows = client.get("/parties/AZE/").context["agreements"]
    assert [(r["agreement"].title, r["roles"], r["obligations"]) for r in rows] == [
        ("Geneva statement", ["Guarantor", "Signatory"], 3)
    ]
    arm = client.get("/parties/ARM/").context["agreements"]
    assert [(r["agreement"].title, r["roles"]) for r in arm] == [
        ("Secret draft truce", ["Signatory"]),
        ("Geneva statement", ["Signatory"]),
    ]


def test_a_party_bound_without_a_role_is_listed_as_bound(client, analyst, record_book, icrc, make_commitment):
    make_commitment(title="The ICRC visits", parties=[icrc])
    sign_in(client, analyst)
    response = client.get("/parties/icrc/")
    assert [(r["agreement"].title, r["roles"], r["obligations"]) for r in response.context["agreements"]] == [
        ("Geneva statement", [], 1)
    ]
    assert "Bound, no role recorded" in response.text


def test_a_partner_never_sees_a_draft_on_a_partys_page(client, partner, record_book):
    sign_in(client, partner)
    response = client.get("/parties/ARM/")
    assert response.status_code == 200
    assert "Secret draft truce" not in response.text and "Draft pledge" not in response.text
    assert response.context["counts"] == [("not_started", "Not started", 1), ("fulfilled", "Fulfilled", 2)]
    assert [r["agreement"].title for r in response.context["agreements"]] == ["Geneva statement"]
    assert "Edit this party" not in response.text


def test_a_party_page_makes_as_many_queries_for_3_and_30_obligations(client, analyst, record_book, make_commitment):
    sign_in(client, analyst)
    few = queries(client, "/parties/ARM/")
    for i in range(27):
        make_commitment(title=f"Pledge {i}")
    assert queries(client, "/parties/ARM/") == few


@pytest.mark.parametrize(
    "url", ["/parties/XYZ/", "/parties/arm/", "/parties/%00/", "/parties/a%00b/edit/", "/parties/" + "a" * 41 + "/"]
)
def test_an_unknown_code_is_a_404(client, analyst, record_book, url):
    sign_in(client, analyst)
    assert client.get(url).status_code == 404


def test_a_user_without_a_role_is_refused(client, record_book):
    stranger = UserFactory(username="stranger")
    sign_in(client, stranger)
    for url in ("/parties/", "/parties/ARM/", "/agreements/", "/parties/new/"):
        assert client.get(url).status_code == 403


# The form -------------------------------------------------------------------------------------


def test_an_analyst_creates_a_state_and_a_non_state_party(client, analyst):
    sign_in(client, analyst)
    page = client.get("/parties/new/")
    assert page.status_code == 200 and 'name="form_token"' in page.text
    created = client.post(
        "/parties/new/",
        form(
            code="geo",
            short_name="Georgia",
            aliases="Georgian\r\n  Tbilisi \n\nGeorgian side\n",
            description="A state.",
        ),
    )
    assert created.status_code == 302 and created["Location"] == "/parties/GEO/"
    georgia = Party.objects.get(code="GEO")  # a state's code in upper case
    assert georgia.aliases == ["Georgian", "Tbilisi", "Georgian side"]
    assert georgia.history.get().history_user == analyst
    follow = client.get("/parties/GEO/")
    assert "Party Georgia (GEO) created." in follow.text
    assert "also called Georgian, Tbilisi, Georgian side" in follow.text
    group = client.post(
        "/parties/new/", form(code="SDF", kind="non_state_armed_group", name="Syrian Democratic Forces")
    )
    assert group.status_code == 302 and Party.objects.filter(code="sdf").exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"code": "XXY"}, "code", "'XXY' is not an ISO 3166-1 alpha-3 country code"),
        ({"code": "GE"}, "code", "is not an ISO 3166-1 alpha-3"),
        ({"code": "red cross", "kind": "international_organisation"}, "code", "is not a valid code"),
        ({"code": "new", "kind": "mediator"}, "code", "names a page of the tracker"),
        ({"code": "ARM"}, "code", "already exists"),
        ({"code": ""}, "code", "This field is required."),
        ({"code": "x" * 41, "kind": "mediator"}, "code", "at most 40 characters"),
        ({"code": "GEO", "kind": "planet"}, "kind", "Select a valid choice"),
        ({"code": "GEO", "name": ""}, "name", "This field is required."),
        ({"code": "GEO", "name": "Geo\u202egia"}, "name", ""),
        ({"code": "GEO", "aliases": "Georgian\ngeorgian"}, "aliases", "listed twice"),
        ({"code": "GEO", "aliases": "Geor\x1cgian"}, "aliases", ""),
        ({"code": "GEO", "aliases": "Georgian\tside"}, "aliases", ""),
        ({"code": "GEO", "aliases": "x" * 201}, "aliases", "1 to 200 characters"),
        ({"code": "GEO", "aliases": "\n".join(f"alias {i}" for i in range(51))}, "aliases", "at most 50 aliases"),
        ({"code": "GEO", "description": "x" * 5001}, "description", "at most 5000 characters"),
    ],
)
def test_a_refused_party_comes_back_with_the_error_at_its_field(client, analyst, armenia, fields, field, message):
    sign_in(client, analyst)
    before = Party.objects.count()
    response = client.post("/parties/new/", form(**fields))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert Party.objects.count() == before
    assert 'aria-invalid="true"' in response.text


def test_the_same_form_posted_twice_creates_one_party(client, analyst):
    sign_in(client, analyst)
    data = form(code="GEO")
    assert client.post("/parties/new/", data)["Location"] == "/parties/GEO/"
    again = client.post("/parties/new/", data, follow=True)
    assert again.status_code == 200 and "already submitted" in again.text
    assert again.redirect_chain[-1][0] == "/parties/GEO/"
    assert Party.objects.filter(code="GEO").count() == 1
    missing = client.post("/parties/new/", {k: v for k, v in form(code="ARM").items() if k != "form_token"})
    assert missing.status_code == 400 and "reload the page" in missing.text


def test_an_analyst_edits_a_party_and_its_history_keeps_why(client, analyst, armenia):
    sign_in(client, analyst)
    page = client.get("/parties/ARM/edit/")
    assert page.status_code == 200
    assert page.context["form"]["code"].value() == "ARM"
    saved = client.post(
        "/parties/ARM/edit/",
        form(
            code="ARM",
            name="Republic of Armenia",
            short_name="Armenia",
            aliases="Armenian\nYerevan",
            reason="Aliases from the Geneva text.",
        ),
    )
    assert saved.status_code == 302 and saved["Location"] == "/parties/ARM/"
    armenia.refresh_from_db()
    assert armenia.aliases == ["Armenian", "Yerevan"]
    latest = armenia.history.first()
    assert latest.history_change_reason == "Aliases from the Geneva text." and latest.history_user == analyst
    refused = client.post("/parties/ARM/edit/", form(code="ARM", name="", aliases="Armenian"))
    assert refused.status_code == 400 and "name" in refused.context["form"].errors
    armenia.refresh_from_db()
    assert armenia.name == "Republic of Armenia"


def test_a_renamed_party_keeps_its_links(client, analyst, icrc):
    sign_in(client, analyst)
    data = form(code="icrc-geneva", kind="international_organisation", name=icrc.name)
    assert client.post("/parties/icrc/edit/", data)["Location"] == "/parties/icrc-geneva/"
    assert client.get("/parties/icrc/")["Location"] == "/parties/icrc-geneva/"
    assert client.get("/parties/icrc/edit/")["Location"] == "/parties/icrc-geneva/edit/"
    again = client.post("/parties/icrc/edit/", data)  # the same form again (a double click)
    assert again.status_code == 302 and again["Location"] == "/parties/icrc-geneva/"
    assert Party.objects.get(pk=icrc.pk).code == "icrc-geneva"


def test_a_partner_cannot_create_or_edit(client, partner, armenia):
    sign_in(client, partner)
    assert client.get("/parties/new/").status_code == 403
    assert client.post("/parties/new/", form(code="GEO")).status_code == 403
    assert client.get("/parties/ARM/edit/").status_code == 403
    assert client.post("/parties/ARM/edit/", form(code="ARM", name="Armenia!")).status_code == 403
    assert not Party.objects.filter(code="GEO").exists()
    assert Party.objects.get(code="ARM").name == "Republic of Armenia"
