"""The incident pages (issue 14): the list with its filters (shareable GET URLs), an
incident's page with its links, citing status updates and history, and the analysts'
forms (record, edit with a reason, verify, publish, link, decide). Partners read published
incidents and linked links only, and get a 403 on every write."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.urls import reverse

from commitments import incidents, services
from commitments.choices import Category, IncidentRole, LinkState, Nature, Status, Verification
from commitments.form_once import new_form_token
from commitments.models import Incident, IncidentLink
from tests.commitments.list_helpers import queries, sign_in
from tests.commitments.test_agreement_form import rows

pytestmark = pytest.mark.django_db

LIST = "/incidents/"
SOURCE = services.SourceInput(
    publisher="Ombudsman of Azerbaijan", published_on=date(2020, 11, 2), url="https://example.org/s"
)


@pytest.fixture
def civilians(geneva, armenia, azerbaijan, analyst, make_commitment):
    """Geneva (published), para 1: refrain from targeting civilians, binding both."""
    geneva.published = True
    geneva.save()
    return make_commitment(
        reference="para 1",
        title="Refrain from targeting civilians",
        category=Category.CIVILIAN_PROTECTION,
        nature=Nature.ONGOING,
        deadline=None,
    )


def make_incident(analyst, *, parties=(), published=True, **fields):
    values = {
        "occurred_on": date(2020, 11, 1),
        "location": "Tartar",
        "country": "Azerbaijan",
        "admin1": "Tartar",
        "event_type": "explosions_remote_violence",
        "sub_event_type": "shelling_artillery_missile_attack",
        "civilians_killed": 2,
        "civilians_injured": 5,
        **fields,
    }
    return incidents.incident_create(
        fields=values, parties=parties, sources=[SOURCE], published=published, user=analyst
    )


@pytest.fixture
def book(civilians, armenia, azerbaijan, analyst):
    """Four incidents: shelling in Tartar alleged on ARM (linked to para 1 for ARM);
    shelling in Ganja alleged on AZE, ARM involved; a clash in Martuni, responsibility
    unknown, proposed for para 1 (AZE); an unpublished draft with an internal note."""
    tartar = make_incident(analyst, parties=[(armenia, IncidentRole.ALLEGED)])
    ganja = make_incident(
        analyst,
        location="Ganja",
        admin1="Ganja-Gazakh",
        occurred_on=date(2020, 10, 11),
        parties=[(azerbaijan, IncidentRole.ALLEGED), (armenia, IncidentRole.INVOLVED)],
    )
    martuni = make_incident(
        analyst,
        location="Martuni",
        country="Armenia",
        admin1="Gegharkunik",
        event_type="battles",
        sub_event_type="armed_clash",
        occurred_on=date(2020, 11, 3),
        civilians_killed=None,
        civilians_injured=None,
    )
    draft = make_incident(
        analyst,
        published=False,
        location="Secret village",
        internal_note="Source is a local contact: protect them.",
        parties=[(azerbaijan, IncidentRole.ALLEGED)],
    )
    obligation = {o.party.code: o for o in civilians.obligations.select_related("party")}
    incidents.incident_link(incident=tartar, obligations=[obligation["ARM"]], user=analyst)
    IncidentLink.objects.create(incident=martuni, obligation=obligation["AZE"], state=LinkState.PROPOSED)
    IncidentLink.objects.create(incident=draft, obligation=obligation["AZE"], state=LinkState.PROPOSED)
    return {"tartar": tartar, "ganja": ganja, "martuni": martuni, "draft": draft, "obligation": obligation}


def listed(client, **params) -> list[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.context["filter"].form.errors if response.context else response
    return [i.location for i in response.context["rows"]]


# The list ------------------------------------------------------------------------------------


def test_each_filter_of_the_list(client, analyst, book, civilians):
    sign_in(client, analyst)
    assert listed(client) == ["Martuni", "Secret village", "Tartar", "Ganja"]
    assert listed(client, party="ARM") == ["Tartar"]  # alleged by default
    assert listed(client, party="ARM", role="any") == ["Tartar", "Ganja"]
    assert listed(client, type="battles") == ["Martuni"]
    assert listed(client, sub_type="shelling_artillery_missile_attack", date_to="2020-10-31") == ["Ganja"]
    assert listed(client, date_from="2020-11-02") == ["Martuni"]
    assert listed(client, area="gegharkunik") == ["Martuni"]  # any case, any admin level
    assert listed(client, area="GANJA") == ["Ganja"]
    assert listed(client, verification="reported") == ["Martuni", "Secret village", "Tartar", "Ganja"]
    assert listed(client, verification="verified") == []
    assert listed(client, commitment=civilians.pk) == ["Tartar"]  # linked only, not proposed
    assert listed(client, links="proposed") == ["Martuni", "Secret village"]
    assert listed(client, links="none") == ["Martuni", "Secret village", "Ganja"]
    assert listed(client, published="false") == ["Secret village"]


def test_filters_that_meet_read_the_same_row(client, analyst, book, civilians, armenia):
    sign_in(client, analyst)
    # Ganja names ARM only as involved: alleged ARM is not "ARM named, someone alleged".
    assert listed(client, party="ARM", type="explosions_remote_violence", date_to="2020-10-31") == []
    assert listed(client, party="ARM", role="any", date_to="2020-10-31") == ["Ganja"]
    # Martuni is proposed for para 1 and Tartar linked to it: the proposal queue of para 1 is Martuni.
    assert listed(client, commitment=civilians.pk, links="proposed") == ["Martuni", "Secret village"]
    other = services.commitment_create(
        agreement=civilians.agreement,
        reference="para 2",
        title="Implement the ceasefire",
        text="Implement the ceasefire agreed in Moscow.",
        category=Category.CEASEFIRE,
        nature=Nature.ONGOING,
        parties=[armenia],
        user=analyst,
    )
    assert listed(client, commitment=other.pk, links="proposed") == []
    assert listed(client, commitment=other.pk) == []
    # Everything at once, on the one matching incident.
    assert listed(
        client,
        party="ARM",
        type="explosions_remote_violence",
        sub_type="shelling_artillery_missile_attack",
        date_from="2020-11-01",
        date_to="2020-11-01",
        area="tart",
        verification=Verification.REPORTED,
        commitment=civilians.pk,
    ) == ["Tartar"]


def test_the_url_is_the_list_and_page_links_keep_it(client, analyst, book, civilians):
    sign_in(client, analyst)
    for n in range(55):
        make_incident(analyst, location=f"Hamlet {n:02}", occurred_on=date(2020, 10, 20))
    response = client.get(LIST, {"area": "hamlet", "type": "explosions_remote_violence"})
    assert len(response.context["rows"]) == 50
    assert response.context["paged"].page.paginator.count == 55
    assert "?area=hamlet&amp;type=explosions_remote_violence&amp;page=2" in response.text
    second = client.get(LIST + "?area=hamlet&type=explosions_remote_violence&page=2")
    assert len(second.context["rows"]) == 5
    form = second.context["filter"].form  # the filters shown as they were asked
    assert form["area"].value() == "hamlet" and form["type"].value() == "explosions_remote_violence"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"party": "ZZZ"}, "party"),
        ({"role": "victim"}, "role"),
        ({"type": "war"}, "type"),
        ({"type": "battles", "sub_type": "grenade"}, "sub_type"),
        ({"date_from": "2020-13-01"}, "date_from"),
        ({"date_from": "2020-11-05", "date_to": "2020-11-01"}, "date_to"),
        ({"area": "x" * 201}, "area"),
        ({"verification": "=cmd|' /C calc'!A0"}, "verification"),
        ({"commitment": "99999999999999999999999"}, "commitment"),
        ({"commitment": "-1"}, "commitment"),
        ({"commitment": "123456"}, "commitment"),
        ({"links": "all"}, "links"),
        ({"links": "none", "commitment": "CIVILIANS"}, "links"),
        ({"published": "maybe"}, "published"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(client, analyst, book, civilians, params, field):
    sign_in(client, analyst)
    params = {name: civilians.pk if value == "CIVILIANS" else value for name, value in params.items()}
    response = client.get(LIST, params)
    assert response.status_code == 400
    assert field in response.context["filter"].form.errors
    assert response.context["rows"] == []


def test_hostile_values_in_the_text_filter_and_odd_dates(client, analyst, book):
    sign_in(client, analyst)
    for area in ("=cmd|' /C calc'!A0", "Ağdam\u2019s \u2039école\u203a", "' OR 1=1 --", "%_"):
        assert client.get(LIST, {"area": area}).status_code == 200
    assert client.get(LIST, {"area": "a\x00b"}).status_code == 400  # a NUL anywhere: refused
    assert listed(client, date_from="0001-01-01", date_to="9999-12-31") == [
        "Martuni",
        "Secret village",
        "Tartar",
        "Ganja",
    ]
    assert client.get(LIST, {"page": "x"}).status_code == 400
    assert client.get(LIST, {"page": "99"}).status_code == 404


def test_the_list_shows_its_columns(client, analyst, book):
    sign_in(client, analyst)
    response = client.get(LIST)
    text = response.text
    assert '<a href="/incidents/">Incidents</a>' in text  # in the site's navigation, after Parties
    assert text.index('href="/parties/">Parties') < text.index('href="/incidents/">Incidents')
    row = {i.location: i for i in response.context["rows"]}
    assert [r.party.code for r in row["Tartar"].alleged] == ["ARM"]
    assert row["Tartar"].commitments_linked == 1 and row["Martuni"].links_proposed == 1
    assert "Unknown" in text and "not reported / not reported" in text and "2 / 5" in text
    assert "verification-reported" in text and "Proposed links to decide" in text


def test_the_list_makes_as_many_queries_for_4_and_40_incidents(client, analyst, book, armenia):
    sign_in(client, analyst)
    few = queries(client, LIST)
    for n in range(36):
        make_incident(analyst, location=f"Place {n}", parties=[(armenia, IncidentRole.ALLEGED)])
    assert queries(client, LIST) == few


def test_a_partner_lists_published_incidents_with_linked_links_only(client, partner, book, civilians):
    sign_in(client, partner)
    response = client.get(LIST)
    assert [i.location for i in response.context["rows"]] == ["Martuni", "Tartar", "Ganja"]
    assert "Secret village" not in response.text
    assert "proposed" not in response.text.lower()
    assert "links" not in response.context["filter"].form.fields  # the analysts' queue
    assert "published" not in response.context["filter"].form.fields
    assert listed(client, links="proposed") == ["Martuni", "Tartar", "Ganja"]  # unknown filters are ignored…
    assert listed(client, commitment=civilians.pk) == ["Tartar"]


def test_a_partner_cannot_name_a_draft_commitment(client, partner, book, civilians):
    civilians.agreement.published = False
    civilians.agreement.save()
    sign_in(client, partner)
    response = client.get(LIST, {"commitment": civilians.pk})
    assert response.status_code == 400
    assert "No commitment has the number" in response.context["filter"].form.errors["commitment"][0]


# An incident's page ---------------------------------------------------------------------------


def test_the_incident_page_shows_every_field(client, analyst, book, civilians, record, azerbaijan):
    incident = book["tartar"]
    incidents.incident_update(
        incident=incident,
        changes={
            "occurred_time": time(14, 30),
            "timezone": "Asia/Baku",
            "latitude": Decimal("40.34530"),
            "longitude": Decimal("46.93040"),
            "geo_precision": 1,
            "description": "Shells hit a school.",
            "actor1": "Military Forces of Armenia (2018-)",
            "actor2": "Civilians (Azerbaijan)",
            "fatalities": None,
            "other_figures": {"houses destroyed": 4},
            "confidence": "high",
        },
        user=analyst,
        reason="Details from the ombudsman's report",
    )
    Incident.objects.filter(pk=incident.pk).update(  # as the ACLED import writes them
        acled_event_id="AZE1234", interaction=17, acled_source="Caucasian Knot", acled_source_scale="National"
    )
    sign_in(client, analyst)
    text = client.get(f"/incidents/{incident.pk}/").text
    for shown in (
        "AZE1234 (interaction code 17); sources: Caucasian Knot (National)",
        "1 Nov 2020 14:30 (Asia/Baku)",
        "40.34530° N, 46.93040° E",
        "Shelling/artillery/missile attack",
        "Shells hit a school.",
        "Military Forces of Armenia (2018-)",
        "Republic of Armenia (ARM)</a>: alleged responsible",
        "Fatalities: not reported; civilians killed: 2; civilians injured: 5; houses destroyed: 4",
        "Ombudsman of Azerbaijan",
        "High",
        "verification-reported",
        "para 1: Refrain from targeting civilians",
    ):
        assert shown in text, shown


def test_the_page_lists_status_updates_citing_it(client, partner, book, civilians, record, armenia):
    record(
        civilians,
        party=armenia,
        status=Status.VIOLATED,
        effective_on=date(2020, 11, 2),
        summary="Shelling of Tartar.",
        incidents=[book["tartar"]],
    )
    sign_in(client, partner)
    text = client.get(f"/incidents/{book['tartar'].pk}/").text
    assert "Shelling of Tartar." in text and "status-violated" in text


def test_a_partner_sees_no_draft_no_note_no_proposal_no_name_no_reason(client, partner, analyst, book):
    incidents.incident_verify(
        incident=book["martuni"], verification=Verification.CORROBORATED, reason="Two local sources agree", user=analyst
    )
    sign_in(client, partner)
    assert client.get(f"/incidents/{book['draft'].pk}/").status_code == 404
    page = client.get(f"/incidents/{book['martuni'].pk}/")
    assert page.status_code == 200
    assert "Proposed" not in page.text and "para 1" not in page.text  # the proposal is not shown
    assert "Two local sources agree" not in page.text  # reasons are the analysts'
    assert "an analyst" in page.text and ">ana<" not in page.text and "by ana" not in page.text
    assert "<form" not in page.text.split("</header>", 1)[1]  # no form but the header's logout
    incidents.incident_update(
        incident=book["tartar"], changes={"internal_note": "Witness asked not to be named."}, user=analyst, reason="x"
    )
    tartar = client.get(f"/incidents/{book['tartar'].pk}/")
    assert "para 1" in tartar.text  # the published link
    assert "Witness asked" not in tartar.text and "Internal note" not in tartar.text  # nor in its history


def test_history_rows_with_reasons(client, analyst, book):
    incident = book["martuni"]
    incidents.incident_verify(
        incident=incident, verification=Verification.VERIFIED, reason="Satellite imagery", user=analyst
    )
    incidents.incident_update(incident=incident, changes={"civilians_killed": 3}, user=analyst, reason="Hospital list")
    sign_in(client, analyst)
    page = client.get(f"/incidents/{incident.pk}/")
    changes = page.context["changes"]
    first = changes[0]
    assert first.who == "ana" and first.reason == "Hospital list"
    assert [(f.label, f.old, f.new) for f in first.fields] == [("civilians killed", "—", "3")]
    verified = next(c for c in changes if any(f.label == "verification" for f in c.fields))
    assert verified.reason == "Reported → Verified: Satellite imagery"
    assert "Incident recorded" in page.text and "Why: Satellite imagery" not in page.text  # the arrow form is shown
    assert "Reported → Verified: Satellite imagery" in page.text


def test_an_unknown_or_overflowing_id_is_a_404(client, analyst, book):
    sign_in(client, analyst)
    assert client.get("/incidents/999999/").status_code == 404
    assert client.get("/incidents/99999999999999999999999/").status_code == 404
    assert client.post("/incidents/99999999999999999999999/verify/", {}).status_code == 404


# The forms ---------------------------------------------------------------------------------


def incident_post(**fields) -> dict:
    data = {
        "form_token": new_form_token(),
        "occurred_on": "2020-11-04",
        "occurred_time": "06:15",
        "timezone": "Asia/Baku",
        "location": "Barda",
        "country": "Azerbaijan",
        "admin1": "Barda",
        "event_type": "explosions_remote_violence",
        "sub_event_type": "shelling_artillery_missile_attack",
        "civilians_killed": "1",
        "civilians_injured": "",
        "other_figures": "displaced: 120\nhouses destroyed: 4",
        "confidence": "medium",
        **rows("parties", [{"party": "", "role": "alleged"}]),
        **rows("sources", [{"publisher": "Reuters", "url": "https://example.org/r", "published_on": "2020-11-04"}]),
    }
    data.update(fields)
    return data


def test_an_analyst_records_and_edits_an_incident(client, analyst, armenia):
    sign_in(client, analyst)
    assert client.get("/incidents/new/").status_code == 200
    data = incident_post(**rows("parties", [{"party": armenia.pk, "role": "alleged"}]))
    response = client.post("/incidents/new/", data)
    assert response.status_code == 302
    incident = Incident.objects.get(location="Barda")
    assert response["Location"] == f"/incidents/{incident.pk}/"
    assert not incident.published and incident.verification == Verification.REPORTED
    assert incident.occurred_time == time(6, 15) and incident.civilians_injured is None
    assert incident.other_figures == {"displaced": 120, "houses destroyed": 4}
    assert [(r.party.code, r.role) for r in incident.party_roles.all()] == [("ARM", "alleged")]
    assert client.post("/incidents/new/", data).status_code == 302  # a double submit records once
    assert Incident.objects.filter(location="Barda").count() == 1

    edit = f"/incidents/{incident.pk}/edit/"
    form = client.get(edit).context["form"]
    assert form["location"].value() == "Barda" and "displaced: 120" in form["other_figures"].value()
    missing = client.post(edit, incident_post(location="Barda town"))
    assert missing.status_code == 400 and "Say why" in missing.text
    saved = client.post(edit, incident_post(location="Barda town", reason="Place corrected by the monitor"))
    assert saved.status_code == 302
    incident.refresh_from_db()
    assert incident.location == "Barda town"
    assert incident.party_roles.count() == 0  # the rows replace the incident's own: responsibility unknown
    assert incident.history.first().history_change_reason == "Place corrected by the monitor"


def test_an_edit_made_since_the_form_was_opened_is_not_silently_undone(client, analyst):
    # Two analysts open the edit page; the first saves a new place. The second form still
    # holds the old place: saving it would put that back unnoticed, so it is refused.
    sign_in(client, analyst)
    assert client.post("/incidents/new/", incident_post()).status_code == 302
    incident = Incident.objects.get()
    edit = f"/incidents/{incident.pk}/edit/"
    first, second = (client.get(edit).context["form"] for _ in range(2))
    version = second["version"].value()
    assert first["version"].value() == version
    saved = client.post(edit, incident_post(location="Barda town", reason="Place corrected", version=version))
    assert saved.status_code == 302
    stale = client.post(edit, incident_post(civilians_killed="2", reason="Hospital list", version=version))
    assert stale.status_code == 400 and "changed this incident since you opened" in stale.text
    incident.refresh_from_db()
    assert (incident.location, incident.civilians_killed) == ("Barda town", 1)
    assert incident.history.count() == 2
    fresh = client.get(edit).context["form"]["version"].value()
    again = client.post(
        edit, incident_post(location="Barda town", civilians_killed="2", reason="Hospital list", version=fresh)
    )
    assert again.status_code == 302
    incident.refresh_from_db()
    assert (incident.location, incident.civilians_killed) == ("Barda town", 2)


def test_formulas_and_markup_are_text_kept_as_typed_and_shown_escaped(client, analyst):
    sign_in(client, analyst)
    formula = '=HYPERLINK("http://evil","<b>x</b>")'
    assert client.post("/incidents/new/", incident_post(location=formula, admin2="Ağdam — Şuşa")).status_code == 302
    incident = Incident.objects.get()
    assert incident.location == formula and incident.admin2 == "Ağdam — Şuşa"
    text = client.get(f"/incidents/{incident.pk}/").text
    assert "&lt;b&gt;x&lt;/b&gt;" in text and "<b>x</b>" not in text


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"occurred_on": "9999-12-31"}, "occurred_on"),
        ({"occurred_on": "0001-01-01"}, "occurred_on"),
        ({"occurred_time": "25:00"}, "occurred_time"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"location": "Barda\x07"}, "location"),
        ({"location": ""}, "location"),
        ({"location": "x" * 201}, "location"),
        ({"country": "=cmd|\x0b' /C calc'!A0"}, "country"),
        ({"admin1": "Tartar\nDistrict"}, "admin1"),
        ({"latitude": "91"}, "latitude"),
        ({"latitude": "40.1"}, "longitude"),
        ({"latitude": "NaN", "longitude": "1"}, "latitude"),
        ({"longitude": "1e400", "latitude": "1"}, "longitude"),
        ({"geo_precision": "4"}, "geo_precision"),
        ({"event_type": "war"}, "event_type"),
        ({"event_type": "battles"}, "sub_event_type"),
        ({"civilians_killed": "-1"}, "civilians_killed"),
        ({"civilians_killed": "99999999999999999999999"}, "civilians_killed"),
        ({"other_figures": "displaced 120"}, "other_figures"),
        ({"other_figures": '{"a": {"b": {"c": 1}}}'}, "other_figures"),
        ({"other_figures": "a\x00b: 1"}, "other_figures"),
        ({"other_figures": "a: 1\na: 2"}, "other_figures"),
        ({"confidence": "total"}, "confidence"),
        ({"description": "x" * 10_001}, "description"),
        ({"internal_note": "bad\x1b[31m"}, "internal_note"),
    ],
)
def test_hostile_values_are_errors_at_their_field_and_nothing_is_written(client, analyst, fields, field):
    sign_in(client, analyst)
    response = client.post("/incidents/new/", incident_post(**fields))
    assert response.status_code == 400, field
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not Incident.objects.exists()


def test_row_errors_come_back_at_their_row(client, analyst, armenia):
    sign_in(client, analyst)
    twice = rows("parties", [{"party": armenia.pk, "role": "alleged"}, {"party": armenia.pk, "role": "alleged"}])
    response = client.post("/incidents/new/", incident_post(**twice))
    assert response.status_code == 400
    assert "listed twice" in str(response.context["lists"]["parties"].forms[1].non_field_errors())
    bad_source = rows(
        "sources", [{"publisher": "Wire\x00", "url": "javascript:alert(1)", "published_on": "2020-11-04"}]
    )
    response = client.post("/incidents/new/", incident_post(**bad_source))
    assert response.status_code == 400
    assert response.context["lists"]["sources"].forms[0].errors
    no_source = rows("sources", [{"publisher": "", "url": "", "published_on": ""}])
    response = client.post("/incidents/new/", incident_post(**no_source))
    assert response.status_code == 400 and "Cite at least one source" in response.text
    unknown_party = rows("parties", [{"party": "999999999999999999999", "role": "alleged"}])
    assert client.post("/incidents/new/", incident_post(**unknown_party)).status_code == 400
    assert not Incident.objects.exists()


def test_verify_publish_link_and_decide(client, analyst, book, civilians):
    sign_in(client, analyst)
    martuni = book["martuni"]
    url = f"/incidents/{martuni.pk}/"
    refused = client.post(url + "verify/", {"form_token": new_form_token(), "verification": "verified", "reason": ""})
    assert refused.status_code == 400 and "Say why" in refused.text
    same = client.post(url + "verify/", {"form_token": new_form_token(), "verification": "reported", "reason": "x"})
    assert same.status_code == 400 and "already reported" in same.text
    token = new_form_token()
    done = client.post(url + "verify/", {"form_token": token, "verification": "verified", "reason": "Imagery"})
    assert done.status_code == 302
    assert (
        client.post(url + "verify/", {"form_token": token, "verification": "verified", "reason": "Imagery"}).status_code
        == 302
    )
    martuni.refresh_from_db()
    assert martuni.verification == Verification.VERIFIED
    assert martuni.history.filter(history_change_reason__endswith="Imagery").count() == 1

    # The Publish / Withdraw button as the page renders it.
    button = {f.name: f.value() for f in client.get(url).context["publish_form"].hidden_fields()}
    assert client.post(url + "publish/", button).status_code == 302
    martuni.refresh_from_db()
    assert not martuni.published
    assert "Withdrawn from partners" in client.get(url).text
    button = {f.name: f.value() for f in client.get(url).context["publish_form"].hidden_fields()}
    assert client.post(url + "publish/", button).status_code == 302
    martuni.refresh_from_db()
    assert martuni.published

    # Choose the commitment, then tick its parties' obligations.
    page = client.get(url, {"link_commitment": civilians.pk})
    link_form = page.context["link_form"]
    assert [o.party.code for o in link_form.fields["obligations"].queryset] == ["ARM", "AZE"]
    assert client.get(url, {"link_commitment": "nope"}).status_code == 400
    arm = book["obligation"]["ARM"]
    linked = client.post(
        url + "link/", {"form_token": new_form_token(), "commitment": civilians.pk, "obligations": [arm.pk]}
    )
    assert linked.status_code == 302
    assert IncidentLink.objects.get(incident=martuni, obligation=arm).state == LinkState.LINKED
    elsewhere = book["tartar"].links.get()  # an obligation offered with another commitment is refused
    other = client.post(
        url + "link/",
        {"form_token": new_form_token(), "commitment": "999999", "obligations": [elsewhere.obligation_id]},
    )
    assert other.status_code == 400
    para2 = services.commitment_create(
        agreement=civilians.agreement,
        reference="para 2",
        title="Implement the ceasefire",
        text="Implement the ceasefire agreed in Moscow.",
        category=Category.CEASEFIRE,
        nature=Nature.ONGOING,
        parties=[arm.party],
        user=analyst,
    )
    mixed = client.post(
        url + "link/",
        {"form_token": new_form_token(), "commitment": civilians.pk, "obligations": [para2.obligations.get().pk]},
    )
    assert mixed.status_code == 400 and "obligations" in mixed.context["link_form"].errors
    assert not IncidentLink.objects.filter(obligation__commitment=para2).exists()
    nothing = client.post(url + "link/", {"form_token": new_form_token(), "commitment": civilians.pk})
    assert nothing.status_code == 400 and "Tick at least one" in nothing.text

    proposal = IncidentLink.objects.get(incident=martuni, state=LinkState.PROPOSED)
    decide = f"{url}links/{proposal.pk}/decide/"
    assert client.post(decide, {"form_token": new_form_token(), "state": "rejected"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == LinkState.REJECTED and proposal.decided_by == analyst
    wrong = client.post(decide, {"form_token": new_form_token(), "state": "removed"})
    assert wrong.status_code == 400 and "cannot become removed" in wrong.text
    link = IncidentLink.objects.get(incident=martuni, obligation=arm)
    assert (
        client.post(f"{url}links/{link.pk}/decide/", {"form_token": new_form_token(), "state": "removed"}).status_code
        == 302
    )
    link.refresh_from_db()
    assert link.state == LinkState.REMOVED
    again = client.post(f"{url}links/{link.pk}/decide/", {"form_token": new_form_token(), "state": "linked"})
    assert again.status_code == 302  # "Link again": a removed link is linked anew, with its history
    link.refresh_from_db()
    assert link.state == LinkState.LINKED
    assert (
        client.post(f"{url}links/{link.pk}/decide/", {"form_token": new_form_token(), "state": "removed"}).status_code
        == 302
    )
    other_link = book["tartar"].links.get()
    assert (
        client.post(
            f"{url}links/{other_link.pk}/decide/", {"form_token": new_form_token(), "state": "removed"}
        ).status_code
        == 404
    )
    page = client.get(url)
    assert page.text.count('<tr class="muted">') == 2  # the rejected proposal and the removed link, greyed


def test_the_link_form_offers_only_commitments_the_analyst_can_see(client, analyst, book, civilians):
    sign_in(client, analyst)
    page = client.get(f"/incidents/{book['martuni'].pk}/")
    choices = list(page.context["choose_form"].fields["link_commitment"].queryset)
    assert civilians in choices


def test_an_incident_from_before_the_agreement_is_not_offered_its_commitments(client, analyst, book, civilians):
    # Ganja (11 Oct 2020) happened before the Geneva statement was signed (30 Oct): its
    # commitments are not offered, and a link forced through the form is refused, naming why.
    sign_in(client, analyst)
    url = f"/incidents/{book['ganja'].pk}/"
    page = client.get(url)
    assert civilians not in list(page.context["choose_form"].fields["link_commitment"].queryset)
    assert client.get(url, {"link_commitment": civilians.pk}).status_code == 400
    forced = client.post(
        url + "link/",
        {"form_token": new_form_token(), "commitment": civilians.pk, "obligations": [book["obligation"]["AZE"].pk]},
    )
    assert forced.status_code == 400 and "before" in " ".join(forced.context["link_form"].errors["obligations"])
    assert not IncidentLink.objects.filter(incident=book["ganja"]).exists()


POSTS = ["new/", "{pk}/edit/", "{pk}/verify/", "{pk}/publish/", "{pk}/link/", "{pk}/links/{link}/decide/"]


@pytest.mark.parametrize("path", POSTS)
def test_partners_get_a_403_and_anonymous_users_the_login_on_every_post(client, partner, book, path):
    url = LIST + path.format(pk=book["tartar"].pk, link=book["tartar"].links.get().pk)
    anonymous = client.post(url, {"form_token": new_form_token(), "state": "removed", "published": "false"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    sign_in(client, partner)
    before = list(Incident.history.values_list("history_id", flat=True))
    response = client.post(url, {"form_token": new_form_token(), "state": "removed", "published": "false"})
    assert response.status_code == 403
    assert list(Incident.history.values_list("history_id", flat=True)) == before
    assert book["tartar"].links.get().state == LinkState.LINKED
    if path in ("new/", "{pk}/edit/"):
        assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("verify/", {"verification": "verified", "reason": "ok\x00"}, "reason"),
        ("verify/", {"verification": "verified", "reason": "x" * 501}, "reason"),
        ("verify/", {"verification": "verified", "reason": "two\nlines"}, "reason"),
        ("verify/", {"verification": "=cmd", "reason": "fine"}, "verification"),
        ("verify/", {"verification": "", "reason": "fine"}, "verification"),
        ("publish/", {"published": "maybe"}, "published"),
        ("link/", {"commitment": "99999999999999999999999", "obligations": ["1"]}, "commitment"),
        ("link/", {"commitment": "CIVILIANS", "obligations": ["x"]}, "obligations"),
        ("link/", {"commitment": "CIVILIANS", "obligations": ["ARM"], "note": "bell\x07"}, "note"),
        ("link/", {"commitment": "CIVILIANS", "obligations": ["ARM"], "note": "x" * 501}, "note"),
    ],
)
def test_hostile_values_in_the_page_forms_are_errors_at_their_field(
    client, analyst, book, civilians, action, data, field
):
    sign_in(client, analyst)
    incident = book["martuni"]
    arm = book["obligation"]["ARM"].pk
    data = {
        name: (
            civilians.pk if v == "CIVILIANS" else [arm if o == "ARM" else o for o in v] if isinstance(v, list) else v
        )
        for name, v in data.items()
    }
    before = (incident.history.count(), IncidentLink.objects.count())
    response = client.post(f"/incidents/{incident.pk}/{action}", {"form_token": new_form_token(), **data})
    assert response.status_code == 400
    form = {"verify/": "verify_form", "publish/": "publish_form", "link/": "link_form"}[action]
    assert field in response.context[form].errors, response.context[form].errors
    assert (incident.history.count(), IncidentLink.objects.count()) == before


def test_the_incident_page_makes_as_many_queries_however_long_its_links_and_history(
    client, analyst, book, civilians, make_commitment
):
    sign_in(client, analyst)
    url = f"/incidents/{book['martuni'].pk}/"
    few = queries(client, url)
    for n in range(6):
        commitment = make_commitment(reference=f"para {10 + n}", nature=Nature.ONGOING, deadline=None)
        incidents.incident_link(incident=book["martuni"], obligations=list(commitment.obligations.all()), user=analyst)
        incidents.incident_update(
            incident=book["martuni"], changes={"civilians_killed": n}, user=analyst, reason=f"Count {n}"
        )
    assert queries(client, url) == few
