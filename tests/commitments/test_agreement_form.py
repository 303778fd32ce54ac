"""The agreement form (new and edit) and publishing (issue 12): analysts enter an
agreement with its parties, sources and relations in one form, saved all or nothing with
errors at the row and field; a draft is published by an analyst, with four eyes when the
setting asks for them; partners never see a draft or a form."""

from datetime import date

import pytest
from django.contrib.auth.models import Group

from commitments import services
from commitments.choices import AgreementKind
from commitments.form_once import new_form_token
from commitments.models import Agreement, AgreementParticipant, AgreementSource
from core.roles import ANALYSTS
from tests.browser.steps import PASSWORD
from tests.factories import AgreementFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = "/commitments/agreements/new/"


def log_in(client, user) -> None:
    """Through the login form, as a person does (and as django-axes counts)."""
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.text[:500]


def rows(prefix: str, entries: list[dict], total: int | None = None) -> dict:
    """A formset's fields as the page posts them."""
    data = {f"{prefix}-TOTAL_FORMS": str(total if total is not None else len(entries)), f"{prefix}-INITIAL_FORMS": "0"}
    for i, entry in enumerate(entries):
        data.update({f"{prefix}-{i}-{name}": value for name, value in entry.items()})
    return data


def agreement_post(*, participants=(), sources=(), relations=(), **fields) -> dict:
    data = {
        "form_token": new_form_token(),
        "title": "Humanitarian ceasefire statement",
        "kind": "joint_statement",
        "signed_on": "2020-10-10",
        "venue": "Moscow",
        "timezone": "Europe/Moscow",
        "summary": "",
        **fields,
    }
    data.update(rows("participants", list(participants)))
    data.update(rows("sources", list(sources)))
    data.update(rows("relations", list(relations)))
    return data


@pytest.fixture
def analyst_in(client, analyst):
    log_in(client, analyst)
    return client


@pytest.fixture
def parties(armenia, azerbaijan, icrc):
    return armenia, azerbaijan, icrc


def test_an_analyst_creates_an_agreement_with_parties_sources_and_a_relation(analyst_in, analyst, parties, geneva):
    armenia, azerbaijan, icrc = parties
    page = analyst_in.get(NEW)
    assert page.status_code == 200
    assert 'list="iana-zones"' in page.text and '<option value="Europe/Zurich">' in page.text
    assert page.text.count("<select") < 20  # the zones are a datalist to search, not a select
    data = agreement_post(
        participants=[
            {"party": armenia.pk, "role": "signatory"},
            {"party": "", "role": "signatory"},  # a blank row is left out
            {"party": azerbaijan.pk, "role": "signatory"},
            {"party": icrc.pk, "role": "witness", "DELETE": "on"},  # removed
        ],
        sources=[
            {
                "publisher": "Ministry of Foreign Affairs",
                "url": "https://example.org/statement",
                "title": "Statement",
                "published_on": "2020-10-10",
                "language": "ru",
            }
        ],
        relations=[{"related_agreement": geneva.pk, "kind": "amends"}],
    )
    response = analyst_in.post(NEW, data)
    assert response.status_code == 302
    agreement = Agreement.objects.get(title="Humanitarian ceasefire statement")
    assert response["Location"] == f"/commitments/agreements/{agreement.pk}/"
    assert not agreement.published and agreement.timezone == "Europe/Moscow"
    assert sorted(agreement.participants.values_list("party__code", "role")) == [
        ("ARM", "signatory"),
        ("AZE", "signatory"),
    ]
    assert agreement.sources.get().language == "ru"
    assert agreement.relations.get().related_agreement == geneva
    assert agreement.history.get().history_user == analyst

    shown = analyst_in.get(response["Location"])
    assert "Agreement saved as a draft." in shown.text and "Draft" in shown.text
    assert f'href="/commitments/agreements/{agreement.pk}/edit/"' in shown.text


def test_errors_come_back_at_their_row_and_field_and_nothing_is_written(analyst_in, parties):
    armenia, azerbaijan, _ = parties
    data = agreement_post(
        timezone="Mars/Olympus_Mons",
        participants=[
            {"party": armenia.pk, "role": "signatory"},
            {"party": "", "role": "signatory"},
            {"party": azerbaijan.pk, "role": "signatory"},
            {"party": azerbaijan.pk, "role": "emperor"},
        ],
        sources=[
            {"publisher": "Kremlin", "published_on": "2020-10-10", "url": "not a url"},
            {"publisher": "", "url": "https://example.org/x", "published_on": "2020-13-45"},
        ],
    )
    response = analyst_in.post(NEW, data)
    assert response.status_code == 400
    form, lists = response.context["form"], response.context["lists"]
    assert "is not a time zone a place has" in form.errors["timezone"][0]
    participants = lists["participants"].forms
    assert "role" in participants[3].errors
    assert not participants[0].errors and not participants[2].errors
    sources = lists["sources"].forms
    assert "url" in sources[0].errors
    assert "publisher" in sources[1].errors and "published_on" in sources[1].errors
    assert 'aria-invalid="true"' in response.text
    assert "Humanitarian ceasefire statement" in response.text  # the input is kept
    assert not Agreement.objects.exists() and not AgreementSource.objects.exists()


def test_a_service_refusal_goes_to_the_row_and_writes_nothing(analyst_in, parties, geneva):
    """Errors only the service finds (a duplicate participant; a duplicate title and
    date) are shown at the kept row they concern, counting only the kept rows."""
    armenia, azerbaijan, _ = parties
    data = agreement_post(
        title=geneva.title,
        signed_on="2020-10-30",
        participants=[
            {"party": armenia.pk, "role": "signatory", "DELETE": "on"},
            {"party": azerbaijan.pk, "role": "signatory"},
            {"party": azerbaijan.pk, "role": "signatory"},
        ],
        sources=[{"publisher": "UN", "url": "ftp://example.org/x", "published_on": "2020-10-30"}],
    )
    response = analyst_in.post(NEW, data)
    assert response.status_code == 400
    participants = response.context["lists"]["participants"].forms
    assert not participants[0].errors and not participants[1].errors
    assert "This entry is listed twice." in participants[2].non_field_errors()
    assert response.context["lists"]["sources"].forms[0].errors["url"]
    assert "already exists" in str(response.context["form"].non_field_errors())
    assert Agreement.objects.count() == 1 and not AgreementParticipant.objects.exists()


def test_hostile_values_are_errors_at_their_field(analyst_in, parties):
    armenia, _, _ = parties
    # What the form itself refuses: control characters, lengths, unknown choices and ids.
    data = agreement_post(
        title="Cease\x00fire" + "x" * 400,
        timezone="Europe/Zurich\x07",
        participants=[{"party": "999999", "role": "emperor"}],
        sources=[{"publisher": "P" * 5000, "published_on": "1-01-01x"}],
        relations=[{"related_agreement": "[[1]]", "kind": "implements"}],
    )
    response = analyst_in.post(NEW, data)
    assert response.status_code == 400
    form, lists = response.context["form"], response.context["lists"]
    for field in ("title", "timezone"):
        assert field in form.errors, field
    assert {"party", "role"} <= set(lists["participants"].forms[0].errors)
    assert {"publisher", "published_on"} <= set(lists["sources"].forms[0].errors)
    assert "related_agreement" in lists["relations"].forms[0].errors
    # What the models refuse (through the service) once the form is well formed: dates out
    # of the window, a line break in a one-line field, a language that is no BCP 47 tag.
    data = agreement_post(
        signed_on="9999-12-31",
        venue="Line\nbreak",
        participants=[{"party": armenia.pk, "role": "signatory"}],
        sources=[{"publisher": "Kremlin\u202e", "published_on": "0001-01-01", "language": "not a tag!"}],
    )
    response = analyst_in.post(NEW, data)
    assert response.status_code == 400
    form, source = response.context["form"], response.context["lists"]["sources"].forms[0]
    assert "Give a date from" in form.errors["signed_on"][0] and "venue" in form.errors
    assert "Give a date from" in source.errors["published_on"][0]
    assert {"publisher", "language"} <= set(source.errors)
    assert not Agreement.objects.exists()


def test_a_double_submit_records_once_and_both_go_to_the_new_agreement(analyst_in, parties):
    armenia, _, _ = parties
    data = agreement_post(participants=[{"party": armenia.pk, "role": "signatory"}])
    first = analyst_in.post(NEW, data)
    second = analyst_in.post(NEW, data)
    agreement = Agreement.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/commitments/agreements/{agreement.pk}/"
    assert "Nothing was recorded twice." in analyst_in.get(second["Location"]).text
    assert AgreementParticipant.objects.count() == 1


def test_a_post_without_its_token_is_refused(analyst_in):
    data = agreement_post()
    del data["form_token"]
    response = analyst_in.post(NEW, data)
    assert response.status_code == 400
    assert "reload the page" in response.text
    assert not Agreement.objects.exists()


def test_add_a_row_without_javascript_keeps_what_was_typed(analyst_in, parties):
    armenia, _, _ = parties
    data = agreement_post(participants=[{"party": armenia.pk, "role": "mediator"}], add="participants")
    data["title"] = ""  # not an error yet: nothing is saved by adding a row
    response = analyst_in.post(NEW, data)
    assert response.status_code == 200
    participants = response.context["lists"]["participants"]
    assert len(participants.forms) == 2
    assert 'name="participants-TOTAL_FORMS" value="2"' in response.text
    assert f'<option value="{armenia.pk}" selected>' in response.text
    assert '<option value="mediator" selected>' in response.text
    assert "autofocus" in response.text and "errorlist" not in response.text
    assert not Agreement.objects.exists()


def draft_statement(analyst, participants, **extra):
    """A joint statement of 17 Oct 2020 in Baku's zone, entered through the service."""
    return services.agreement_create(
        title="Draft statement",
        kind=AgreementKind.JOINT_STATEMENT,
        signed_on=date(2020, 10, 17),
        timezone_name="Asia/Baku",
        participants=participants,
        user=analyst,
        **extra,
    )


def test_an_edit_replaces_the_lists_and_keeps_its_reason_in_the_history(analyst_in, analyst, parties, geneva):
    armenia, azerbaijan, icrc = parties
    agreement = draft_statement(analyst, [(armenia, "signatory"), (azerbaijan, "signatory")])
    url = f"/commitments/agreements/{agreement.pk}/edit/"
    page = analyst_in.get(url)
    assert page.status_code == 200 and 'value="Asia/Baku"' in page.text
    assert 'name="participants-TOTAL_FORMS" value="3"' in page.text  # two and a blank one
    assert f"{geneva}</option>" in page.text and f"{agreement}</option>" not in page.text  # not itself

    data = agreement_post(
        title="Draft statement",
        signed_on="2020-10-17",
        timezone="Asia/Baku",
        reason="The ICRC witnessed it.",
        participants=[
            {"party": armenia.pk, "role": "signatory"},
            {"party": azerbaijan.pk, "role": "signatory", "DELETE": "on"},
            {"party": icrc.pk, "role": "witness"},
        ],
    )
    response = analyst_in.post(url, data)
    assert response.status_code == 302 and response["Location"] == f"/commitments/agreements/{agreement.pk}/"
    assert sorted(agreement.participants.values_list("party__code", "role")) == [
        ("ARM", "signatory"),
        ("icrc", "witness"),
    ]
    assert agreement.history.latest().history_change_reason == "The ICRC witnessed it."
    removed = AgreementParticipant.history.filter(party=azerbaijan).latest()
    assert removed.history_type == "-" and removed.history_change_reason == "The ICRC witnessed it."


def test_the_edit_page_shows_the_dates_as_the_date_picker_reads_them(analyst_in, analyst, parties):
    # An <input type="date"> shows only yyyy-mm-dd: a localised value (17/10/2020 in en-gb)
    # is shown empty, so saving the page without retyping every date refused or lost them.
    armenia, _, _ = parties
    agreement = draft_statement(
        analyst,
        [(armenia, "signatory")],
        sources=[services.SourceInput(publisher="Kremlin", published_on=date(2020, 10, 18))],
    )
    page = analyst_in.get(f"/commitments/agreements/{agreement.pk}/edit/").text
    assert 'name="signed_on" value="2020-10-17"' in page
    assert 'name="sources-0-published_on" value="2020-10-18"' in page


def test_a_refused_edit_changes_nothing(analyst_in, analyst, parties):
    armenia, _, _ = parties
    agreement = services.agreement_create(
        title="Draft statement", kind=AgreementKind.JOINT_STATEMENT, signed_on=date(2020, 10, 17), user=analyst
    )
    data = agreement_post(
        title="Renamed",
        signed_on="2020-10-17",
        participants=[{"party": armenia.pk, "role": "signatory"}],
        relations=[{"related_agreement": agreement.pk, "kind": "amends"}],  # itself: not offered
    )
    response = analyst_in.post(f"/commitments/agreements/{agreement.pk}/edit/", data)
    assert response.status_code == 400
    assert "related_agreement" in response.context["lists"]["relations"].forms[0].errors
    assert "Edit: Draft statement" in response.text
    agreement.refresh_from_db()
    assert agreement.title == "Draft statement" and not agreement.participants.exists()


def publish(client, agreement):
    return client.post(f"/commitments/agreements/{agreement.pk}/publish/", {"form_token": new_form_token()})


def test_an_analyst_publishes_a_draft_and_the_page_says_who_and_when(analyst_in, analyst, client, partner):
    agreement = services.agreement_create(
        title="Draft statement", kind=AgreementKind.JOINT_STATEMENT, signed_on=date(2020, 10, 17), user=analyst
    )
    page = analyst_in.get(f"/commitments/agreements/{agreement.pk}/")
    assert "Draft" in page.text and ">Publish</button>" in page.text
    response = publish(analyst_in, agreement)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.published and agreement.published_by == analyst and agreement.published_at
    page = analyst_in.get(response["Location"])
    assert "Published: partners now see this agreement." in page.text
    assert f"by {analyst.get_full_name() or analyst.username}" in page.text
    assert ">Publish</button>" not in page.text


def test_four_eyes_refuses_the_last_changer_and_lets_another_analyst_publish(client, analyst, settings):
    settings.PUBLISH_FOUR_EYES = True
    agreement = services.agreement_create(
        title="Draft statement", kind=AgreementKind.JOINT_STATEMENT, signed_on=date(2020, 10, 17), user=analyst
    )
    log_in(client, analyst)
    page = client.get(f"/commitments/agreements/{agreement.pk}/")
    assert "another analyst must publish it" in page.text
    assert "disabled" in page.text  # said before the button is pressed
    refused = publish(client, agreement)
    assert refused.status_code == 400
    assert refused.text.count("another analyst must publish it") == 1  # at the button, once
    agreement.refresh_from_db()
    assert not agreement.published

    second = UserFactory(username="bea")
    second.groups.add(Group.objects.get(name=ANALYSTS))
    client.post("/accounts/logout/")
    log_in(client, second)
    page = client.get(f"/commitments/agreements/{agreement.pk}/")
    assert ">Publish</button>" in page.text and "another analyst must" not in page.text
    assert publish(client, agreement).status_code == 302
    agreement.refresh_from_db()
    assert agreement.published and agreement.published_by == second


def test_partners_get_404_on_drafts_and_403_on_the_forms(client, partner, analyst):
    draft = services.agreement_create(
        title="Draft statement", kind=AgreementKind.JOINT_STATEMENT, signed_on=date(2020, 10, 17), user=analyst
    )
    published = AgreementFactory(title="Published statement", published=True)
    log_in(client, partner)
    assert client.get(f"/commitments/agreements/{draft.pk}/").status_code == 404
    page = client.get(f"/commitments/agreements/{published.pk}/")
    assert page.status_code == 200 and "Edit the agreement" not in page.text and "Publish</button>" not in page.text
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, agreement_post()).status_code == 403
    assert client.get(f"/commitments/agreements/{published.pk}/edit/").status_code == 403
    assert publish(client, draft).status_code == 403
    draft.refresh_from_db()
    assert not draft.published and Agreement.objects.count() == 2


def test_the_pages_need_a_login(client, geneva):
    for url in (NEW, f"/commitments/agreements/{geneva.pk}/edit/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get(f"/commitments/agreements/{geneva.pk}/publish/").status_code in (302, 405)


def test_forged_row_counts_are_errors_not_crashes(analyst_in, parties):
    armenia, _, _ = parties
    data = agreement_post(participants=[{"party": armenia.pk, "role": "signatory"}])
    data["participants-TOTAL_FORMS"] = "99999999"
    response = analyst_in.post(NEW, data)
    assert response.status_code == 400
    assert "at most 1000" in response.text
    data = agreement_post()
    del data["sources-TOTAL_FORMS"]
    response = analyst_in.post(NEW, data)
    assert response.status_code == 400
    assert "ManagementForm data is missing" in response.text
    assert not Agreement.objects.exists()
