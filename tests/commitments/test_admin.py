"""The analysts' admin, through real requests: list filters and search, adding a
commitment, revising its deadline, editing with a reason, recording a status update,
and what an analyst may not do."""

from datetime import UTC, date, datetime

import pytest
from django.contrib.admin.models import ADDITION, LogEntry

from commitments.choices import Category, Confidence, Nature, Status
from commitments.models import Agreement, Commitment, Deadline, Obligation, StatusUpdate, StatusUpdateSource
from parties.models import Party
from tests.factories import AgreementFactory, UserFactory

pytestmark = pytest.mark.django_db

COMMITMENTS = "/admin/commitments/commitment/"
OBLIGATIONS = "/admin/commitments/obligation/"
STATUS_UPDATES = "/admin/commitments/statusupdate/"


def listed(response) -> list[int]:
    assert response.status_code == 200
    return [obj.pk for obj in response.context["cl"].result_list]


def form_data(response, **overrides) -> dict:
    """What a browser posts back from an admin form page: the value of every field of
    the form and of its inlines (management forms included), then ``overrides`` (None
    leaves a field out)."""
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = value
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def form_errors(response) -> dict:
    assert response.status_code == 200, "the form was saved"
    return response.context["adminform"].form.errors


# Lists


@pytest.fixture
def three_commitments(make_commitment, record, armenia, azerbaijan):
    """Two commitments of the Geneva statement and one of another agreement, each with
    its own status, category, nature, parties and words."""
    lists = make_commitment(
        title="POW lists to the ICRC",
        text="Submit lists of prisoners of war to the Red Cross within a week.",
        category=Category.PRISONERS,
    )
    record(lists, status=Status.IN_PROGRESS)
    shelling = make_commitment(
        title="No shelling of towns",
        text="Refrain from targeting residential areas.",
        category=Category.CIVILIAN_PROTECTION,
        nature=Nature.ONGOING,
        parties=[armenia],
        deadline=None,
    )
    moscow = AgreementFactory(title="Moscow statement", signed_on=date(2020, 10, 10), timezone="Europe/Moscow")
    bodies = make_commitment(
        agreement=moscow,
        title="Exchange of bodies",
        text="Exchange the remains of the dead under ICRC mediation and humanitarian criteria.",
        category=Category.REMAINS_EXCHANGE,
        nature=Nature.CONDITIONAL,
        condition="Once the guns fall silent.",
        parties=[azerbaijan],
        deadline=None,
    )
    record(bodies, status=Status.FULFILLED, effective_on=date(2020, 10, 20))
    # Overdue for one of its two parties only: the commitment is overdue.
    Obligation.objects.filter(commitment=lists, party=armenia).update(overdue=True)
    return lists, shelling, bodies


def test_the_commitment_list_filters_and_searches(client, analyst, three_commitments, armenia, azerbaijan):
    lists, shelling, bodies = three_commitments
    client.force_login(analyst)

    def shown(**params) -> set[int]:
        pks = listed(client.get(COMMITMENTS, params))
        assert len(pks) == len(set(pks)), "a commitment is listed twice"
        return set(pks)

    assert shown() == {lists.pk, shelling.pk, bodies.pk}
    assert shown(status__exact=Status.IN_PROGRESS) == {lists.pk}
    assert shown(status__exact=Status.NOT_STARTED) == {shelling.pk}
    assert shown(status__exact=Status.FULFILLED) == {bodies.pk}
    assert shown(category__exact=Category.CIVILIAN_PROTECTION) == {shelling.pk}
    assert shown(category__exact=Category.PRISONERS) == {lists.pk}
    assert shown(nature__exact=Nature.CONDITIONAL) == {bodies.pk}
    assert shown(nature__exact=Nature.ONE_OFF) == {lists.pk}
    assert shown(agreement__id__exact=lists.agreement_id) == {lists.pk, shelling.pk}
    assert shown(agreement__id__exact=bodies.agreement_id) == {bodies.pk}
    assert shown(obligations__party__id__exact=armenia.pk) == {lists.pk, shelling.pk}
    assert shown(obligations__party__id__exact=azerbaijan.pk) == {lists.pk, bodies.pk}
    assert shown(overdue="yes") == {lists.pk}
    assert shown(overdue="no") == {shelling.pk, bodies.pk}
    assert shown(q="shelling") == {shelling.pk}  # in the title only
    assert shown(q="humanitarian criteria") == {bodies.pk}  # in the text only
    assert shown(q="prisoners of war") == {lists.pk}
    assert shown(q="nothing like this") == set()
    assert shown(q="ICRC", nature__exact=Nature.ONE_OFF) == {lists.pk}


def test_the_obligation_list_filters(client, analyst, three_commitments, armenia, azerbaijan):
    lists, shelling, bodies = three_commitments
    client.force_login(analyst)
    lists_arm = lists.obligations.get(party=armenia).pk
    lists_aze = lists.obligations.get(party=azerbaijan).pk
    shelling_arm = shelling.obligations.get().pk
    bodies_aze = bodies.obligations.get().pk

    assert set(listed(client.get(OBLIGATIONS))) == {lists_arm, lists_aze, shelling_arm, bodies_aze}
    assert set(listed(client.get(OBLIGATIONS, {"status__exact": Status.IN_PROGRESS}))) == {lists_arm, lists_aze}
    assert set(listed(client.get(OBLIGATIONS, {"status__exact": Status.FULFILLED}))) == {bodies_aze}
    assert set(listed(client.get(OBLIGATIONS, {"overdue__exact": "1"}))) == {lists_arm}
    assert set(listed(client.get(OBLIGATIONS, {"overdue__exact": "0"}))) == {lists_aze, shelling_arm, bodies_aze}
    assert set(listed(client.get(OBLIGATIONS, {"party__id__exact": armenia.pk}))) == {lists_arm, shelling_arm}
    assert set(listed(client.get(OBLIGATIONS, {"party__id__exact": azerbaijan.pk}))) == {lists_aze, bodies_aze}
    page = client.get(f"{OBLIGATIONS}{lists_arm}/change/")
    assert page.status_code == 200
    assert f"{STATUS_UPDATES}add/?obligation={lists_arm}" in page.text


# Adding a commitment


@pytest.fixture
def add_form(client, analyst):
    client.force_login(analyst)
    response = client.get(f"{COMMITMENTS}add/")
    assert response.status_code == 200
    assert not response.context["inline_admin_formsets"]  # parties are bound by the form on add
    return response


def new_commitment(add_form, geneva, parties, **overrides) -> dict:
    fields = {
        "agreement": geneva.pk,
        "reference": "para 3",
        "title": "POW lists to the ICRC",
        "text": "Submit lists of prisoners of war to the Red Cross within a week.",
        "category": Category.PRISONERS,
        "nature": Nature.ONE_OFF,
        "parties": [p.pk for p in parties],
        "within_days": 7,
    }
    fields.update(overrides)
    return form_data(add_form, **fields)


def test_adding_a_commitment_binds_each_party_and_sets_the_first_deadline(
    client, analyst, add_form, geneva, armenia, azerbaijan, icrc
):
    data = new_commitment(add_form, geneva, [armenia, azerbaijan], recipients=[icrc.pk])
    response = client.post(f"{COMMITMENTS}add/", data)
    assert response.status_code == 302, form_errors(response)

    commitment = Commitment.objects.get()
    assert (commitment.agreement, commitment.reference, commitment.nature) == (geneva, "para 3", Nature.ONE_OFF)
    assert list(commitment.recipients.all()) == [icrc]
    assert sorted(commitment.obligations.values_list("party__code", flat=True)) == ["ARM", "AZE"]
    deadline = Deadline.objects.get()
    assert (deadline.commitment, deadline.revision, deadline.within_days) == (commitment, 1, 7)
    assert deadline.due_date == date(2020, 11, 6)
    assert deadline.due_at == datetime(2020, 11, 6, 23, tzinfo=UTC)  # end of 6 Nov in Zurich
    assert deadline.recorded_by == analyst
    assert commitment.current_deadline == deadline
    assert set(commitment.obligations.values_list("due_at", flat=True)) == {deadline.due_at}
    assert commitment.history.earliest().history_user == analyst


def test_the_agreement_page_lists_its_commitments_and_links_to_adding_one(client, analyst, make_commitment, geneva):
    make_commitment(title="POW lists to the ICRC")
    make_commitment(title="Exchange of bodies", nature=Nature.ONGOING, deadline=None)
    other = make_commitment(agreement=AgreementFactory(title="Moscow statement"), title="Humanitarian corridor")
    client.force_login(analyst)
    response = client.get(f"/admin/commitments/agreement/{geneva.pk}/change/")
    assert response.status_code == 200
    assert "POW lists to the ICRC" in response.text
    assert "Exchange of bodies" in response.text
    assert other.title not in response.text
    add_url = f"{COMMITMENTS}add/?agreement={geneva.pk}"
    assert add_url in response.text
    # The link opens the add form with the agreement chosen.
    assert client.get(add_url).context["adminform"].form["agreement"].value() == str(geneva.pk)


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"within_days": None}, {"due_on"}),
        ({"due_on": "2020-11-06", "within_days": 7}, {"due_on", "within_days"}),
        ({"within_days": 0}, {"within_days"}),
        ({"within_days": -3}, {"within_days"}),
        ({"due_on": "2020-10-29", "within_days": None}, {"due_on"}),
        ({"nature": Nature.CONDITIONAL, "condition": ""}, {"condition"}),
    ],
    ids=[
        "neither-date-nor-days",
        "both-date-and-days",
        "zero-days",
        "negative-days",
        "before-agreement",
        "conditional-without-trigger",
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_saves_nothing(
    client, add_form, geneva, armenia, azerbaijan, overrides, fields
):
    data = new_commitment(add_form, geneva, [armenia, azerbaijan], **overrides)
    response = client.post(f"{COMMITMENTS}add/", data)
    assert fields <= set(form_errors(response))
    assert not Commitment.objects.exists()
    assert not Obligation.objects.exists()
    assert not Deadline.objects.exists()


def test_a_commitment_without_parties_is_refused(client, add_form, geneva):
    response = client.post(f"{COMMITMENTS}add/", new_commitment(add_form, geneva, []))
    assert "parties" in form_errors(response)
    assert not Commitment.objects.exists()


# Changing a commitment


def test_a_deadline_change_needs_a_reason_and_appends_a_revision(client, analyst, make_commitment):
    commitment = make_commitment()
    original = Deadline.objects.get()
    url = f"{COMMITMENTS}{commitment.pk}/change/"
    client.force_login(analyst)
    page = client.get(url)
    assert {f.formset.prefix for f in page.context["inline_admin_formsets"]} == {"obligations", "deadlines"}

    response = client.post(url, form_data(page, within_days=14))
    assert "reason" in form_errors(response)
    assert Deadline.objects.count() == 1

    response = client.post(
        url,
        form_data(
            page,
            within_days=14,
            reason="Extended at the follow-up meeting.",
            source_publisher="OSCE Minsk Group",
            source_published_on="2020-11-06",
        ),
    )
    assert response.status_code == 302
    first, second = Deadline.objects.order_by("revision")
    assert (first.pk, first.revision, first.within_days, first.reason) == (original.pk, 1, 7, "")
    assert (first.due_at, first.recorded_at) == (original.due_at, original.recorded_at)
    assert (second.revision, second.within_days, second.reason) == (2, 14, "Extended at the follow-up meeting.")
    assert (second.source_publisher, second.source_published_on) == ("OSCE Minsk Group", date(2020, 11, 6))
    assert second.due_at == datetime(2020, 11, 13, 23, tzinfo=UTC)
    assert second.recorded_by == analyst
    commitment.refresh_from_db()
    assert commitment.current_deadline == second
    assert set(commitment.obligations.values_list("due_at", flat=True)) == {second.due_at}
    # The page shows both revisions.
    page = client.get(url)
    assert [f.instance.revision for f in page.context["inline_admin_formsets"][1].formset.forms] == [1, 2]


def test_a_commitment_turns_one_off_only_with_a_deadline_given_in_the_same_save(client, analyst, make_commitment):
    commitment = make_commitment(nature=Nature.ONGOING, deadline=None)
    url = f"{COMMITMENTS}{commitment.pk}/change/"
    client.force_login(analyst)
    page = client.get(url)

    response = client.post(url, form_data(page, nature=Nature.ONE_OFF))  # no deadline: shown, not a server error
    assert "due_on" in form_errors(response)
    assert "A one-off commitment needs a deadline" in response.text
    commitment.refresh_from_db()
    assert (commitment.nature, commitment.current_deadline) == (Nature.ONGOING, None)
    assert not Deadline.objects.exists()

    response = client.post(url, form_data(page, nature=Nature.ONE_OFF, within_days=7, change_reason="one-off"))
    assert response.status_code == 302, form_errors(response)
    commitment.refresh_from_db()
    deadline = Deadline.objects.get()
    assert (commitment.nature, commitment.current_deadline) == (Nature.ONE_OFF, deadline)
    assert (deadline.revision, deadline.within_days, deadline.due_date) == (1, 7, date(2020, 11, 6))
    assert deadline.recorded_by == analyst
    assert set(commitment.obligations.values_list("due_at", flat=True)) == {deadline.due_at}
    assert commitment.history.latest().history_change_reason == "one-off"


def test_an_edit_is_recorded_with_its_author_and_reason(client, analyst, make_commitment):
    commitment = make_commitment(text="Submit lists of prisoners of war to the Red Kross.")
    url = f"{COMMITMENTS}{commitment.pk}/change/"
    client.force_login(analyst)
    fixed = "Submit lists of prisoners of war to the Red Cross."
    response = client.post(url, form_data(client.get(url), text=fixed, change_reason="typo in the text"))
    assert response.status_code == 302, form_errors(response)

    commitment.refresh_from_db()
    assert commitment.text == fixed
    latest = commitment.history.latest()
    assert (latest.text, latest.history_user, latest.history_change_reason) == (fixed, analyst, "typo in the text")
    assert Deadline.objects.count() == 1  # the deadline did not change: no revision

    history = client.get(f"{COMMITMENTS}{commitment.pk}/history/")
    assert history.status_code == 200
    assert "typo in the text" in history.text


def test_a_past_version_can_be_viewed_but_not_restored(client, analyst, make_commitment):
    # Without a deadline, so that its first version is a valid commitment to restore.
    commitment = make_commitment(text="Refrain from shelling towns.", nature=Nature.ONGOING, deadline=None)
    url = f"{COMMITMENTS}{commitment.pk}/change/"
    client.force_login(analyst)
    fixed = "Refrain from shelling towns and villages."
    assert client.post(url, form_data(client.get(url), text=fixed, change_reason="missing words")).status_code == 302

    past = commitment.history.earliest()
    assert past.text == "Refrain from shelling towns."
    version_url = f"{COMMITMENTS}{commitment.pk}/history/{past.history_id}/"
    version = client.get(version_url)
    assert version.status_code == 200
    assert version.context["revert_disabled"]
    assert version.context["adminform"].form["text"].value() == "Refrain from shelling towns."
    rows = commitment.history.count()
    response = client.post(version_url, form_data(version, change_reason="restore"))
    assert response.status_code == 403
    commitment.refresh_from_db()
    assert commitment.text == fixed
    assert commitment.history.count() == rows


# Status updates


@pytest.fixture
def status_form(client, analyst):
    client.force_login(analyst)
    response = client.get(f"{STATUS_UPDATES}add/")
    assert response.status_code == 200
    return response


def new_status_update(status_form, obligation, *, sources=1, **overrides) -> dict:
    (inline,) = status_form.context["inline_admin_formsets"]
    prefix = inline.formset.prefix
    fields = {
        "obligation": obligation.pk,
        "status": Status.FULFILLED,
        "effective_on": "2020-11-05",
        "summary": "Lists handed over to the ICRC.",
        "confidence": "high",
        "internal_note": "Confirmed by phone.",
    }
    for index in range(sources):
        fields.update(
            {
                f"{prefix}-{index}-publisher": "ICRC press office",
                f"{prefix}-{index}-title": "Lists received",
                f"{prefix}-{index}-url": "https://example.org/lists",
                f"{prefix}-{index}-published_on": "2020-11-05",
            }
        )
    fields.update(overrides)
    return form_data(status_form, **fields)


def test_recording_a_status_update_with_its_source(client, analyst, status_form, make_commitment, armenia):
    commitment = make_commitment(parties=[armenia])
    obligation = commitment.obligations.get()
    response = client.post(f"{STATUS_UPDATES}add/", new_status_update(status_form, obligation))
    assert response.status_code == 302, form_errors(response)

    update = StatusUpdate.objects.get()
    assert (update.obligation, update.status, update.effective_on) == (obligation, "fulfilled", date(2020, 11, 5))
    assert (update.summary, update.confidence, update.internal_note) == (
        "Lists handed over to the ICRC.",
        "high",
        "Confirmed by phone.",
    )
    assert update.recorded_by == analyst
    (source,) = update.sources.all()
    assert (source.publisher, source.title, source.url, source.published_on) == (
        "ICRC press office",
        "Lists received",
        "https://example.org/lists",
        date(2020, 11, 5),
    )
    obligation.refresh_from_db()
    assert (obligation.status, obligation.status_effective_on) == ("fulfilled", date(2020, 11, 5))
    commitment.refresh_from_db()
    assert (commitment.status, commitment.fulfilled_on) == ("fulfilled", date(2020, 11, 5))
    entry = LogEntry.objects.get(object_id=str(update.pk))
    assert (entry.user, entry.action_flag) == (analyst, ADDITION)
    assert "Added status update source “ICRC press office, 05 Nov 2020" in entry.get_change_message()
    page = client.get(f"{STATUS_UPDATES}{update.pk}/change/")
    assert page.status_code == 200
    assert "Lists handed over to the ICRC." in page.text


def test_a_status_update_for_one_party_sets_only_its_status(client, status_form, make_commitment, armenia):
    commitment = make_commitment()
    obligation = commitment.obligations.get(party=armenia)
    response = client.post(f"{STATUS_UPDATES}add/", new_status_update(status_form, obligation))
    assert response.status_code == 302, form_errors(response)
    assert dict(commitment.obligations.values_list("party__code", "status")) == {
        "ARM": "fulfilled",
        "AZE": "not_started",
    }
    commitment.refresh_from_db()
    assert commitment.status == "partially_fulfilled"


def test_a_status_update_with_a_blank_source_is_refused(client, status_form, make_commitment, armenia):
    commitment = make_commitment(parties=[armenia])
    # The source rows of the page, left blank.
    data = new_status_update(status_form, commitment.obligations.get(), sources=0)
    response = client.post(f"{STATUS_UPDATES}add/", data)
    assert response.status_code == 200
    (inline,) = response.context["inline_admin_formsets"]
    assert {"publisher", "published_on"} <= set(inline.formset.forms[0].errors)
    assert not StatusUpdate.objects.exists()
    assert not StatusUpdateSource.objects.exists()
    assert commitment.obligations.get().status == Status.NOT_STARTED


def test_a_status_update_without_any_source_is_refused(client, status_form, make_commitment, armenia):
    commitment = make_commitment(parties=[armenia])
    (inline,) = status_form.context["inline_admin_formsets"]
    data = new_status_update(status_form, commitment.obligations.get(), sources=0)
    data[f"{inline.formset.prefix}-TOTAL_FORMS"] = 0  # no source row at all
    response = client.post(f"{STATUS_UPDATES}add/", data)
    assert response.status_code == 200
    (inline,) = response.context["inline_admin_formsets"]
    assert inline.formset.non_form_errors() == ["Cite at least one source."]
    assert "Cite at least one source." in response.text
    assert not StatusUpdate.objects.exists()
    assert commitment.obligations.get().status == Status.NOT_STARTED


def test_violated_is_refused_for_a_one_off_commitment(client, status_form, make_commitment, armenia):
    commitment = make_commitment(parties=[armenia], nature=Nature.ONE_OFF)
    data = new_status_update(status_form, commitment.obligations.get(), status=Status.VIOLATED)
    response = client.post(f"{STATUS_UPDATES}add/", data)
    assert "status" in form_errors(response)
    assert not StatusUpdate.objects.exists()
    assert commitment.obligations.get().status == Status.NOT_STARTED


# What an analyst may not do


def test_status_updates_cannot_be_changed_or_deleted(client, analyst, make_commitment, record):
    (update, _) = record(make_commitment(), summary="Lists being compiled.")
    client.force_login(analyst)
    url = f"{STATUS_UPDATES}{update.pk}/"
    page = client.get(f"{url}change/")
    assert page.status_code == 200  # viewable
    response = client.post(f"{url}change/", {"summary": "Rewritten.", "status": "fulfilled"})
    assert response.status_code == 403
    assert client.get(f"{url}delete/").status_code == 403
    assert client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    client.post(STATUS_UPDATES, {"action": "delete_selected", "_selected_action": [update.pk], "post": "yes"})
    update.refresh_from_db()
    assert (update.summary, update.status) == ("Lists being compiled.", "in_progress")
    assert StatusUpdate.objects.count() == 2


def test_analysts_delete_nothing(client, analyst, make_commitment, geneva, armenia):
    commitment = make_commitment()
    client.force_login(analyst)
    for url in (
        f"{COMMITMENTS}{commitment.pk}/delete/",
        f"/admin/commitments/agreement/{geneva.pk}/delete/",
        f"/admin/parties/party/{armenia.pk}/delete/",
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"post": "yes"}).status_code == 403, url
    assert Commitment.objects.filter(pk=commitment.pk).exists()
    assert Agreement.objects.filter(pk=geneva.pk).exists()
    assert Party.objects.filter(pk=armenia.pk).exists()


def test_staff_without_a_role_see_nothing(client, make_commitment):
    make_commitment()
    client.force_login(UserFactory(username="visitor", is_staff=True))
    assert client.get(COMMITMENTS).status_code == 403
    assert client.get(f"{COMMITMENTS}add/").status_code == 403


# The evidence side (issue 14): incidents, links, the importer's lists, the reasons

INCIDENTS = "/admin/commitments/incident/"
LINKS = "/admin/commitments/incidentlink/"
MAPPINGS = "/admin/commitments/actormapping/"
RULES = "/admin/commitments/linkrule/"
REASONS = "/admin/commitments/nonfulfilmentreason/"
IMPORTS = "/admin/commitments/acledimport/"


@pytest.fixture
def evidence_rows(make_commitment, analyst, azerbaijan):
    """One of each: an incident linked to AZE's obligation, a proposal, a mapping, an
    import (rules and reasons come from the migration)."""
    from commitments import incidents
    from commitments.choices import LinkState
    from commitments.models import AcledImport, ActorMapping, IncidentLink, LinkRule, NonFulfilmentReason
    from commitments.services import SourceInput

    commitment = make_commitment(nature=Nature.ONGOING, deadline=None, category=Category.CIVILIAN_PROTECTION)
    incident = incidents.incident_create(
        fields={"occurred_on": date(2020, 11, 2), "location": "Ganja", "event_type": "battles"},
        parties=[(azerbaijan, "alleged")],
        sources=[SourceInput(publisher="OSCE", published_on=date(2020, 11, 3))],
        user=analyst,
    )
    obligations = list(commitment.obligations.order_by("party__code"))
    incidents.incident_link(incident=incident, obligations=[obligations[1]], user=analyst)
    proposal = IncidentLink.objects.create(
        incident=incident, obligation=obligations[0], state=LinkState.PROPOSED, rule=LinkRule.objects.first()
    )
    mapping = ActorMapping.objects.create(actor_name="Military Forces of Azerbaijan (1993-)", party=azerbaijan)
    run = AcledImport.objects.create(
        file_name="acled.csv",
        sha256="0" * 64,
        started_at=datetime(2020, 11, 5, tzinfo=UTC),
        state=AcledImport.State.DONE,
        unmapped_actors={"Unidentified Armed Group": 3},
    )
    return {
        "incident": incident,
        "incidentlink": proposal,
        "actormapping": mapping,
        "linkrule": LinkRule.objects.first(),
        "nonfulfilmentreason": NonFulfilmentReason.objects.get(code="refusal"),
        "acledimport": run,
    }


# model: (add page allowed for analysts, change page editable)
EVIDENCE_ADMINS = {
    "incident": True,
    "incidentlink": False,
    "actormapping": True,
    "linkrule": True,
    "nonfulfilmentreason": True,
    "acledimport": False,
}


@pytest.mark.parametrize("model", list(EVIDENCE_ADMINS))
def test_each_evidence_admin_page_loads_for_an_analyst_and_deletes_nothing(client, analyst, evidence_rows, model):
    client.force_login(analyst)
    base, obj = f"/admin/commitments/{model}/", evidence_rows[model]
    assert obj.pk in listed(client.get(base))
    assert client.get(f"{base}add/").status_code == (200 if EVIDENCE_ADMINS[model] else 403)
    change = client.get(f"{base}{obj.pk}/change/")
    assert change.status_code == 200  # viewable, read-only where append-only
    assert change.context["has_change_permission"] is EVIDENCE_ADMINS[model]
    assert client.get(f"{base}{obj.pk}/history/").status_code == 200 or model == "acledimport"
    assert client.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("model", list(EVIDENCE_ADMINS))
def test_a_partner_gets_no_evidence_admin_page(client, partner, evidence_rows, model):
    base, obj = f"/admin/commitments/{model}/", evidence_rows[model]
    client.force_login(partner)
    assert client.get(base).status_code == 302  # not staff: the admin's login page
    partner.is_staff = True
    partner.save(update_fields=["is_staff"])
    for url in (base, f"{base}add/", f"{base}{obj.pk}/change/"):
        assert client.get(url).status_code == 403, url


def test_an_incident_added_in_the_admin_goes_through_the_service(client, analyst, azerbaijan):
    client.force_login(analyst)
    page = client.get(f"{INCIDENTS}add/")
    assert "verification" not in page.context["adminform"].form.fields  # starts as reported
    parties, sources = (i.formset.prefix for i in page.context["inline_admin_formsets"])
    data = form_data(
        page,
        occurred_on="2020-11-02",
        timezone="Asia/Baku",
        location="Gəncə",
        country="Azerbaijan",
        event_type="explosions_remote_violence",
        sub_event_type="shelling_artillery_missile_attack",
        confidence=Confidence.MEDIUM,
        other_figures='{"displaced": 120}',
        **{
            f"{parties}-TOTAL_FORMS": 1,
            f"{parties}-0-party": azerbaijan.pk,
            f"{parties}-0-role": "alleged",
            f"{sources}-0-publisher": "OSCE SMM",
            f"{sources}-0-published_on": "2020-11-03",
        },
    )
    response = client.post(f"{INCIDENTS}add/", data)
    assert response.status_code == 302, form_errors(response)
    from commitments.models import Incident

    incident = Incident.objects.get()
    assert (incident.location, incident.verification, incident.created_by) == ("Gəncə", "reported", analyst)
    assert incident.other_figures == {"displaced": 120}
    assert [(p.party, p.role) for p in incident.party_roles.all()] == [(azerbaijan, "alleged")]
    assert [s.publisher for s in incident.sources.all()] == ["OSCE SMM"]
    assert incident.history.get().history_change_reason == "Recorded"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("location", "Ganja\x1b[31m"),
        ("location", "x" * 201),
        ("occurred_on", "9999-12-31"),
        ("occurred_on", "0001-01-01"),
        ("latitude", "999"),
        ("other_figures", '{"displaced": {"nested": [1, 2]}}'),
        ("other_figures", "[1, 2, 3]"),
        ("other_figures", "null"),  # JSON null: skipped by the field's validators, refused by clean()
        ("fatalities", "99999999999999999999"),
        ("sub_event_type", "peaceful_protest"),  # not a sub-type of battles
        ("timezone", "Mars/Olympus"),
    ],
)
def test_hostile_values_in_the_incident_form_are_refused_at_their_field(client, analyst, evidence_rows, field, value):
    incident = evidence_rows["incident"]
    client.force_login(analyst)
    page = client.get(f"{INCIDENTS}{incident.pk}/change/")
    response = client.post(f"{INCIDENTS}{incident.pk}/change/", form_data(page, **{field: value}))
    assert field in form_errors(response)
    incident.refresh_from_db()
    assert (incident.location, incident.occurred_on) == ("Ganja", date(2020, 11, 2))
    assert incident.history.count() == 1


def test_a_verification_change_in_the_admin_needs_a_reason_and_is_kept(client, analyst, evidence_rows):
    incident = evidence_rows["incident"]
    client.force_login(analyst)
    page = client.get(f"{INCIDENTS}{incident.pk}/change/")
    response = client.post(f"{INCIDENTS}{incident.pk}/change/", form_data(page, verification="verified"))
    assert form_errors(response)["change_reason"] == ["Say why: the reason is kept in the incident's history."]
    incident.refresh_from_db()
    assert incident.verification == "reported"
    data = form_data(page, verification="verified", change_reason="Confirmed by two field monitors")
    response = client.post(f"{INCIDENTS}{incident.pk}/change/", data)
    assert response.status_code == 302, form_errors(response)
    incident.refresh_from_db()
    assert incident.verification == "verified"
    latest = incident.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        analyst,
        "Reported → Verified: Confirmed by two field monitors",
    )


def test_the_incident_list_filters_and_searches(client, analyst, evidence_rows):
    incident = evidence_rows["incident"]
    client.force_login(analyst)
    assert listed(client.get(INCIDENTS, {"verification__exact": "reported"})) == [incident.pk]
    assert listed(client.get(INCIDENTS, {"verification__exact": "verified"})) == []
    assert listed(client.get(INCIDENTS, {"published__exact": "0"})) == [incident.pk]
    assert listed(client.get(INCIDENTS, {"event_type__exact": "battles"})) == [incident.pk]
    assert listed(client.get(INCIDENTS, {"linked": "yes"})) == [incident.pk]
    assert listed(client.get(INCIDENTS, {"q": "ganja"})) == [incident.pk]
    assert listed(client.get(INCIDENTS, {"q": "=cmd|' /C calc'!A0"})) == []


def test_links_change_state_only_through_the_services(client, analyst, evidence_rows):
    proposal = evidence_rows["incidentlink"]
    client.force_login(analyst)
    assert listed(client.get(LINKS, {"state__exact": "proposed"})) == [proposal.pk]
    response = client.post(f"{LINKS}{proposal.pk}/change/", {"state": "linked"})
    assert response.status_code == 403
    response = client.post(LINKS, {"action": "reject", "_selected_action": [proposal.pk]})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by) == ("rejected", analyst)
    assert proposal.history.first().history_change_reason == "Rejected"
    # A rejected proposal cannot be removed: refused with the service's reason, unchanged.
    response = client.post(LINKS, {"action": "remove", "_selected_action": [proposal.pk]}, follow=True)
    assert "A rejected link cannot become removed." in response.text
    proposal.refresh_from_db()
    assert proposal.state == "rejected"


def test_actor_mappings_are_unique_whatever_the_case_and_refuse_control_characters(client, analyst, evidence_rows):
    client.force_login(analyst)
    page = client.get(f"{MAPPINGS}add/")
    response = client.post(
        f"{MAPPINGS}add/", form_data(page, actor_name="MILITARY FORCES OF AZERBAIJAN (1993-)", note="")
    )
    assert form_errors(response)  # the unique constraint, case-insensitive
    response = client.post(f"{MAPPINGS}add/", form_data(page, actor_name="Civilians\u202e (Azerbaijan)"))
    assert "actor_name" in form_errors(response)
    response = client.post(f"{MAPPINGS}add/", form_data(page, actor_name="Civilians (Azerbaijan)"))
    assert response.status_code == 302, form_errors(response)
    assert listed(client.get(MAPPINGS, {"q": "civilians"})) != []


def test_reasons_are_added_and_deactivated_but_their_code_is_fixed(client, analyst, evidence_rows):
    from commitments.models import NonFulfilmentReason

    client.force_login(analyst)
    page = client.get(f"{REASONS}add/")
    response = client.post(f"{REASONS}add/", form_data(page, code="not a slug", label="Bad", position=5))
    assert "code" in form_errors(response)
    response = client.post(f"{REASONS}add/", form_data(page, code="ceasefire-breach", label="Ceasefire breach"))
    assert response.status_code == 302, form_errors(response)
    refusal = evidence_rows["nonfulfilmentreason"]
    page = client.get(f"{REASONS}{refusal.pk}/change/")
    assert "code" not in page.context["adminform"].form.fields
    data = form_data(page, active=None, code="renamed", change_reason="Merged into another reason")
    response = client.post(f"{REASONS}{refusal.pk}/change/", data)
    assert response.status_code == 302, form_errors(response)
    refusal.refresh_from_db()
    assert (refusal.code, refusal.active) == ("refusal", False)
    assert NonFulfilmentReason.objects.filter(code="ceasefire-breach").exists()


def test_link_rules_refuse_a_sub_type_of_another_type_and_a_huge_window(client, analyst, evidence_rows):
    client.force_login(analyst)
    page = client.get(f"{RULES}add/")
    base = {"name": "Attacks", "event_type": "battles", "category": "ceasefire", "active": "on"}
    response = client.post(f"{RULES}add/", form_data(page, **base, sub_event_type="peaceful_protest"))
    assert "sub_event_type" in form_errors(response)
    response = client.post(f"{RULES}add/", form_data(page, **base, window_days="99999999999"))
    assert "window_days" in form_errors(response)
    response = client.post(f"{RULES}add/", form_data(page, **base, window_days="30"))
    assert response.status_code == 302, form_errors(response)


def test_the_admin_status_form_gives_reasons_and_cites_a_linked_incident(
    client, status_form, evidence_rows, azerbaijan, armenia
):
    incident = evidence_rows["incident"]
    commitment = incident.links.get(state="linked").obligation.commitment
    refusal = evidence_rows["nonfulfilmentreason"]
    aze = commitment.obligations.get(party=azerbaijan)
    # For ARM the incident is only proposed: refused at the field, nothing written.
    arm = commitment.obligations.get(party=armenia)
    data = new_status_update(status_form, arm, status=Status.VIOLATED, reasons=[refusal.pk], incidents=[incident.pk])
    assert "incidents" in form_errors(client.post(f"{STATUS_UPDATES}add/", data))
    data = new_status_update(status_form, aze, status=Status.FULFILLED, reasons=[refusal.pk])
    assert "reasons" in form_errors(client.post(f"{STATUS_UPDATES}add/", data))
    assert not StatusUpdate.objects.exists()
    data = new_status_update(status_form, aze, status=Status.VIOLATED, reasons=[refusal.pk], incidents=[incident.pk])
    response = client.post(f"{STATUS_UPDATES}add/", data)
    assert response.status_code == 302, form_errors(response)
    update = StatusUpdate.objects.get()
    assert (list(update.reasons.all()), list(update.incidents.all())) == ([refusal], [incident])


def test_even_an_admin_deletes_only_a_reason_never_given(client, evidence_rows, make_commitment, record):
    from commitments.models import NonFulfilmentReason

    refusal, unused = evidence_rows["nonfulfilmentreason"], NonFulfilmentReason.objects.get(code="no-information")
    record(make_commitment(nature=Nature.ONGOING, deadline=None), status=Status.VIOLATED, reasons=[refusal])
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.post(f"{REASONS}{refusal.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{REASONS}{unused.pk}/delete/", {"post": "yes"}).status_code == 302
    assert NonFulfilmentReason.objects.filter(pk=refusal.pk).exists()
    assert not NonFulfilmentReason.objects.filter(pk=unused.pk).exists()
