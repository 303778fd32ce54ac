"""The commitments entry page (many rows at once, all or nothing), the paste page that
prefills it from a statement's text, and the due-moment preview its rows call.
Users log in through the login form (django-axes checks every login)."""

from datetime import date
from pathlib import Path

import pytest

from commitments.choices import Category, Nature, ParticipantRole
from commitments.form_once import new_form_token
from commitments.models import AgreementParticipant, Commitment
from tests.factories import PartyFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's
SEED = Path(__file__).resolve().parents[1] / "fixtures" / "ceasefire_texts" / "geneva_2020_seed.txt"


def log_in(client, user) -> None:
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the login form refused the test user"


@pytest.fixture
def agreement(geneva, armenia, azerbaijan, icrc):
    AgreementParticipant.objects.create(agreement=geneva, party=armenia, role=ParticipantRole.SIGNATORY)
    AgreementParticipant.objects.create(agreement=geneva, party=azerbaijan, role=ParticipantRole.SIGNATORY)
    return geneva


def url(agreement, page: str = "new") -> str:
    return f"/commitments/agreements/{agreement.pk}/commitments/{page}/"


def row(i: int, **fields) -> dict:
    """Row ``i`` of the form as posted: a one-off, 7 days after signing, binding ARM and AZE."""
    values = {
        "reference": f"para {i + 1}",
        "title": f"Pledge {i + 1}",
        "text": f"The parties shall do thing {i + 1} within a week.",
        "category": Category.PRISONERS,
        "nature": Nature.ONE_OFF,
        "condition": "",
        "parties": ["ARM", "AZE"],
        "recipients": [],
        "deadline": "days",
        "deadline_date": "",
        "deadline_days": "7",
        "deadline_after": "",
        "deadline_note": "",
    }
    values.update(fields)
    return {f"rows-{i}-{name}": value for name, value in values.items()}


def posted(*rows: dict, blank: int = 0, token: str | None = None) -> dict:
    data = {
        "form_token": token or new_form_token(),
        "rows-TOTAL_FORMS": str(len(rows) + blank),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "500",
    }
    for r in rows:
        data.update(r)
    for i in range(len(rows), len(rows) + blank):
        data[f"rows-{i}-deadline"] = "none"  # a blank row as the page renders it
    return data


def test_the_page_lists_the_participants_first_and_shows_blank_rows(client, analyst, agreement):
    PartyFactory(code="OSCE", name="OSCE")
    log_in(client, analyst)
    page = client.get(url(agreement))
    assert page.status_code == 200
    assert page.context["formset"].total_form_count() == 3
    choices = page.context["formset"].forms[0].fields["parties"].choices
    assert choices[0][0] == "Parties to this agreement"
    assert [code for code, _ in choices[0][1]] == ["ARM", "AZE"]
    assert "OSCE" in [code for code, _ in choices[1][1]]
    assert 'name="form_token"' in page.text and "commitment_rows.js" in page.text


def test_rows_are_saved_together_in_their_order_with_their_deadlines(client, analyst, agreement, icrc):
    log_in(client, analyst)
    data = posted(
        row(0, recipients=["icrc"]),
        row(1, deadline="date", deadline_days="", deadline_date="2020-11-15", deadline_note="Text says 15 November."),
        row(2, nature=Nature.ONGOING, deadline="none", deadline_days="", category=Category.CEASEFIRE),
        blank=2,
    )
    response = client.post(url(agreement), data, follow=True)
    assert response.status_code == 200
    assert "3 commitments saved." in response.text
    saved = {c.reference: c for c in agreement.commitments.all()}
    assert set(saved) == {"para 1", "para 2", "para 3"}
    assert saved["para 1"].due_date == date(2020, 11, 6)
    assert list(saved["para 1"].recipients.values_list("code", flat=True)) == ["icrc"]
    assert saved["para 2"].due_date == date(2020, 11, 15)
    assert saved["para 2"].current_deadline.reason == "Text says 15 November."
    assert saved["para 3"].current_deadline is None
    assert sorted(saved["para 1"].obligations.values_list("party__code", flat=True)) == ["ARM", "AZE"]


def test_one_bad_row_saves_nothing_and_each_error_is_at_its_row_and_field(client, analyst, agreement):
    log_in(client, analyst)
    data = posted(
        row(0),
        row(1, title="", parties=[]),
        row(2, deadline="date", deadline_days="", deadline_date="2020-10-01"),
        row(3, nature=Nature.CONDITIONAL, condition=""),
    )
    response = client.post(url(agreement), data)
    assert response.status_code == 400
    assert not Commitment.objects.exists()
    forms = response.context["formset"].forms
    assert forms[0].errors == {}
    assert set(forms[1].errors) == {"title", "parties"}
    assert "before the agreement" in forms[2].errors["deadline_date"][0]
    assert "condition" in forms[3].errors
    assert "Nothing was saved" in response.text
    assert 'value="Pledge 1"' in response.text and "thing 4 within a week" in response.text  # input kept
    assert 'aria-invalid="true"' in response.text


def test_a_blank_row_is_dropped_and_a_page_of_blank_rows_saves_nothing(client, analyst, agreement):
    log_in(client, analyst)
    response = client.post(url(agreement), posted(blank=3))
    assert response.status_code == 400
    assert "Fill in at least one commitment." in response.text


def test_the_chosen_kind_of_deadline_needs_its_fields(client, analyst, agreement):
    log_in(client, analyst)
    response = client.post(
        url(agreement),
        posted(row(0, deadline="after", deadline_days=""), row(1, deadline="date", deadline_days="")),
    )
    assert response.status_code == 400
    first, second = response.context["formset"].forms[:2]
    assert set(first.errors) == {"deadline_days", "deadline_after"}
    assert set(second.errors) == {"deadline_date"}


def test_a_deadline_chained_to_another_row_and_to_an_existing_commitment(
    client, analyst, agreement, make_commitment, record
):
    existing = make_commitment(reference="art 1")
    log_in(client, analyst)
    data = posted(
        # Row 0 hangs on row 1, which comes later on the page: the service orders them.
        row(0, reference="para 2", deadline="after", deadline_after="para 3", deadline_days="5"),
        row(1, reference="para 3"),
        row(2, reference="para 4", deadline="after", deadline_after="art 1", deadline_days="10"),
    )
    assert client.post(url(agreement), data).status_code == 302
    chained = Commitment.objects.get(reference="para 2")
    assert chained.current_deadline.after_commitment == Commitment.objects.get(reference="para 3")
    assert chained.due_at is None
    to_existing = Commitment.objects.get(reference="para 4")
    assert to_existing.current_deadline.after_commitment == existing
    record(existing, status="fulfilled", effective_on=date(2020, 11, 3))
    to_existing.refresh_from_db()
    assert to_existing.due_date == date(2020, 11, 13)


def test_a_cycle_among_rows_is_an_error_on_each_row_of_it(client, analyst, agreement):
    log_in(client, analyst)
    data = posted(
        row(0, deadline="after", deadline_after="para 2"),
        row(1, deadline="after", deadline_after="para 3"),
        row(2, deadline="after", deadline_after="para 1"),
        row(3, deadline="after", deadline_after="para 9"),
    )
    response = client.post(url(agreement), data)
    assert response.status_code == 400
    forms = response.context["formset"].forms
    for form in forms[:3]:
        assert "cycle" in form.errors["deadline_after"][0]
    assert "No commitment with the reference 'para 9'" in forms[3].errors["deadline_after"][0]
    assert not Commitment.objects.exists()


def test_the_same_form_posted_twice_records_once(client, analyst, agreement):
    log_in(client, analyst)
    token = client.get(url(agreement)).context["token_form"]["form_token"].value()
    data = posted(row(0), row(1), token=token)
    assert client.post(url(agreement), data).status_code == 302
    again = client.post(url(agreement), data, follow=True)
    assert "already submitted" in again.text
    assert agreement.commitments.count() == 2


def test_a_refused_form_keeps_its_token_and_saves_once_corrected(client, analyst, agreement):
    log_in(client, analyst)
    token = new_form_token()
    refused = client.post(url(agreement), posted(row(0, title=""), token=token))
    assert refused.status_code == 400
    assert refused.context["token_form"]["form_token"].value() == token
    assert client.post(url(agreement), posted(row(0), token=token)).status_code == 302
    assert agreement.commitments.count() == 1


def test_a_post_without_its_token_is_refused(client, analyst, agreement):
    log_in(client, analyst)
    data = posted(row(0))
    del data["form_token"]
    response = client.post(url(agreement), data)
    assert response.status_code == 400
    assert "reload the page" in response.text
    assert not Commitment.objects.exists()


@pytest.mark.parametrize("which", ["new", "from-text"])  # not "page": pytest-playwright's fixture
def test_partners_get_a_403(client, partner, agreement, which):
    log_in(client, partner)
    assert client.get(url(agreement, which)).status_code == 403
    assert client.post(url(agreement, which), posted(row(0))).status_code == 403
    assert client.get("/commitments/due-moment/?signed_on=2020-10-30&timezone=UTC&days=7").status_code == 403
    assert not Commitment.objects.exists()


def test_the_pages_need_a_login(client, agreement):
    for which in ("new", "from-text"):
        assert client.get(url(agreement, which))["Location"].startswith("/accounts/login/")


HOSTILE_ROWS = ["", "x" * 5000, "-1", "9" * 30, "2020-13-45", "0001-01-01", "9999-12-31", "nul\x00byte", "<script>"]


@pytest.mark.parametrize(
    "name", ["reference", "title", "category", "nature", "parties", "deadline", "deadline_date", "deadline_days"]
)
def test_no_row_input_makes_a_server_error_or_a_half_write(client, analyst, agreement, name):
    log_in(client, analyst)
    for value in HOSTILE_ROWS:
        before = agreement.commitments.count()
        response = client.post(url(agreement), posted(row(0), row(1, **{name: value}), token=new_form_token()))
        assert response.status_code in (302, 400), value
        assert agreement.commitments.count() - before in (0, 2), value  # all or nothing
        agreement.commitments.all().delete()


def test_a_hostile_management_form_is_a_400(client, analyst, agreement):
    log_in(client, analyst)
    for total in ("", "-1", "9" * 30, "100000"):
        data = {**posted(row(0)), "rows-TOTAL_FORMS": total}
        assert client.post(url(agreement), data).status_code == 400
    assert not Commitment.objects.exists()


# Section: the due-moment preview


def due(client, **params):
    return client.get("/commitments/due-moment/", params)


def test_the_due_moment_in_the_venue_zone_and_utc(client, analyst):
    log_in(client, analyst)
    week = due(client, signed_on="2020-10-30", timezone="Europe/Zurich", days="7")
    assert week.status_code == 200
    assert week.json() == {
        "due_date": "2020-11-06",
        "due_at": "2020-11-06T23:00:00Z",
        "text": "end of 6 Nov 2020 (Europe/Zurich) = 6 Nov 2020 23:00 UTC",
    }
    dated = due(client, signed_on="2020-11-10", timezone="Asia/Baku", date="2020-11-25").json()
    assert dated["due_at"] == "2020-11-25T20:00:00Z"
    chained = due(client, signed_on="2020-10-30", timezone="Europe/Zurich", days="3", after="para 2").json()
    assert chained == {"due_date": None, "due_at": None, "text": "3 days after para 2 is fulfilled; not yet due"}
    fulfilled = due(
        client,
        signed_on="2020-10-30",
        timezone="Europe/Zurich",
        days="3",
        after="para 2",
        after_fulfilled_on="2020-11-20",
    ).json()
    assert fulfilled["due_date"] == "2020-11-23"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"signed_on": "0001-01-01", "days": "7"}, "signed_on"),
        ({"signed_on": "9999-12-31", "days": "7"}, "signed_on"),
        ({"signed_on": "10000-01-01", "days": "7"}, "signed_on"),
        ({"timezone": "Mars/Olympus", "days": "7"}, "timezone"),
        ({"timezone": "x" * 5000, "days": "7"}, "timezone"),
        ({"timezone": "EST5EDT", "days": "7"}, "timezone"),
        ({"days": "9" * 40}, "days"),
        ({"days": "3651"}, "days"),
        ({"days": "0"}, "days"),
        ({"days": "1e3"}, "days"),
        ({"date": "9999-12-31"}, "date"),
        ({"date": "0001-01-01"}, "date"),
        ({"date": "2020-02-30"}, "date"),
        ({"date": "2020-11-01", "after": "para 2"}, "after"),
        ({"days": "3", "after": "p" * 51}, "after"),
        ({"days": "7", "after": "para 2", "after_fulfilled_on": "9999-12-31"}, "after_fulfilled_on"),
        ({"days": "7", "after": "para 2", "after_fulfilled_on": "0001-01-01"}, "after_fulfilled_on"),
        ({}, "date"),
    ],
)
def test_hostile_values_are_a_400_naming_the_field(client, analyst, params, field):
    log_in(client, analyst)
    response = due(client, **{"signed_on": "2020-10-30", "timezone": "Europe/Zurich", **params})
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_the_due_moment_needs_its_parameters(client, analyst):
    log_in(client, analyst)
    response = due(client)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"signed_on", "timezone"}


# Section: the paste page


def seed_text() -> str:
    return "".join(
        line for line in SEED.read_text(encoding="utf-8").splitlines(keepends=True) if not line.startswith("#")
    )


def test_the_seed_text_opens_as_prefilled_rows_and_nothing_is_saved(client, analyst, agreement, icrc):
    icrc.aliases = ["Red Cross"]  # the seed says "to the Red Cross"
    icrc.save()
    log_in(client, analyst)
    assert client.get(url(agreement, "from-text")).status_code == 200
    response = client.post(url(agreement, "from-text"), {"text": seed_text()})
    assert response.status_code == 200
    assert not Commitment.objects.exists()
    forms = response.context["formset"].forms
    initial = {form.initial["reference"]: form.initial for form in forms}
    lists = next(i for i in initial.values() if i["category"] == Category.PRISONERS)
    assert lists["deadline"] == "days" and lists["deadline_days"] == 7
    assert lists["parties"] == ["ARM", "AZE"]
    assert lists["recipients"] == ["icrc"]
    assert "within a week" in lists["deadline_note"]
    assert "end of 6 Nov 2020 (Europe/Zurich) = 6 Nov 2020 23:00 UTC" in response.text
    assert 'action="' + url(agreement) + '"' in response.text
    assert "proposed from the text" in response.text


def test_aliases_name_a_party_in_the_text(client, analyst, agreement):
    PartyFactory(code="CSTO", name="Collective Security Treaty Organization", aliases=["Collective Forces"])
    log_in(client, analyst)
    text = "1. The Collective Forces shall deploy observers along the line of contact within 10 days."
    response = client.post(url(agreement, "from-text"), {"text": text})
    assert response.status_code == 200
    (form,) = response.context["formset"].forms
    assert form.initial["parties"] == ["CSTO"]
    assert form.initial["deadline_days"] == 10


def test_proposals_saved_through_the_commitments_form_after_an_edit(client, analyst, agreement, icrc):
    log_in(client, analyst)
    proposed = client.post(url(agreement, "from-text"), {"text": seed_text()})
    formset = proposed.context["formset"]
    data = {"form_token": proposed.context["token_form"]["form_token"].value()}
    data.update({f"rows-{k}": v for k, v in formset.management_form.initial.items()})
    for form in formset.forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            data[f"{form.prefix}-{name}"] = "" if value is None else value
    first = formset.forms[0].prefix
    data[f"{first}-title"] = "Russia's assistance to Armenia (edited)"
    response = client.post(url(agreement), data)
    assert response.status_code == 302, response.context["formset"].errors
    assert agreement.commitments.count() == len(formset.forms)
    assert agreement.commitments.filter(title="Russia's assistance to Armenia (edited)").exists()


@pytest.mark.parametrize("text", ["", "   ", "x" * 100_001, "no verb here at all"])
def test_a_text_with_nothing_to_propose_is_an_error_at_the_field(client, analyst, agreement, text):
    log_in(client, analyst)
    response = client.post(url(agreement, "from-text"), {"text": text})
    assert response.status_code == 400
    assert response.context["form"].errors["text"]
    assert not Commitment.objects.exists()
