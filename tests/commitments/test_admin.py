"""The analysts' admin, through real requests: list filters and search, adding a
commitment, revising its deadline, editing with a reason, recording a status update,
and what an analyst may not do."""

from datetime import UTC, date, datetime

import pytest
from django.contrib.admin.models import ADDITION, LogEntry

from commitments.choices import Category, Nature, Status
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
