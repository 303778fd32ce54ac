"""The same input rules on the analysts' pages and in the admin: the error is shown at
the field, and nothing is stored."""

import pytest
from django.core.exceptions import ValidationError

from commitments.models import Agreement, AgreementSource, Commitment, StatusUpdate
from parties.models import Party
from tests.commitments.test_admin import form_data, form_errors
from tests.commitments.test_pages import EXTEND, RECORD, once
from tracker.demo import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists():
    load_demo()
    return Commitment.objects.get(category="prisoners")


SCRIPT_URL = 'https://example.org/"><script>alert(1)</script>'


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("summary", "\u200b\u200b"),
        ("summary", "ok\x07"),
        ("summary", "x" * 5_001),
        ("internal_note", "\x1b[2J"),
        ("source_url", SCRIPT_URL),
        ("source_url", "ftp://example.org/list.pdf"),
        ("source_publisher", "\u2060"),
        ("effective_on", "0001-01-01"),
        ("source_published_on", "0001-01-01"),
        ("source_published_on", "9999-12-31"),
    ],
)
def test_the_record_form_shows_bad_input_at_its_field(client, analyst, lists, field, value):
    client.force_login(analyst)
    before = StatusUpdate.objects.count()
    response = client.post(f"/commitments/{lists.pk}/", once({**RECORD, field: value}))
    assert response.status_code == 400
    assert field in response.context["record_form"].errors, response.context["record_form"].errors
    assert StatusUpdate.objects.count() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("within_days", "3651"),
        ("reason", "\u200b"),
        ("reason", "x" * 2_001),
        ("reason", "a\x07"),
        ("source_url", SCRIPT_URL),
        ("source_publisher", "a\tb"),
        ("source_published_on", "0001-01-01"),
    ],
)
def test_the_extend_form_shows_bad_input_at_its_field(client, analyst, lists, field, value):
    client.force_login(analyst)
    data = {**EXTEND, field: value}
    if field == "within_days":
        data["due_on"] = ""
    response = client.post(f"/commitments/{lists.pk}/", once(data))
    assert response.status_code == 400
    assert field in response.context["extend_form"].errors, response.context["extend_form"].errors
    assert lists.deadlines.count() == 1


def test_the_extend_form_takes_ten_years_like_the_api(client, analyst, lists):
    client.force_login(analyst)
    response = client.post(f"/commitments/{lists.pk}/", once({**EXTEND, "due_on": "", "within_days": "3650"}))
    assert response.status_code == 302
    assert lists.deadlines.count() == 2


AGREEMENT = {
    "title": "Sochi statement",
    "kind": "joint_statement",
    "signed_on": "2020-11-09",
    "timezone": "Europe/Moscow",
    "participants-TOTAL_FORMS": "0",
    "participants-INITIAL_FORMS": "0",
    "sources-TOTAL_FORMS": "0",
    "sources-INITIAL_FORMS": "0",
    "relations-TOTAL_FORMS": "0",
    "relations-INITIAL_FORMS": "0",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "\u200b"),
        ("title", "a\x07b"),
        ("venue", "\u202eavenue"),
        ("summary", "x" * 10_001),
        ("signed_on", "0001-01-01"),
        ("signed_on", "9999-12-31"),
        ("timezone", "localtime"),
        ("timezone", "Factory"),
    ],
)
def test_the_admin_agreement_form_shows_bad_input_at_its_field(client, analyst, db, field, value):
    client.force_login(analyst)
    response = client.post("/admin/commitments/agreement/add/", {**AGREEMENT, field: value})
    assert field in form_errors(response)
    assert not Agreement.objects.exists()


def test_the_admin_source_inline_refuses_a_url_with_script(client, analyst, db):
    client.force_login(analyst)
    data = {
        **AGREEMENT,
        "sources-TOTAL_FORMS": "1",
        "sources-0-publisher": "OSCE",
        "sources-0-url": SCRIPT_URL,
        "sources-0-published_on": "2020-11-09",
    }
    response = client.post("/admin/commitments/agreement/add/", data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][1].formset.errors
    assert "url" in errors[0], errors
    assert not Agreement.objects.exists() and not AgreementSource.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("text", "x" * 20_001), ("title", "\u2060"), ("reference", "a\nb")])
def test_the_admin_commitment_form_shows_bad_input_at_its_field(client, analyst, lists, field, value):
    client.force_login(analyst)
    url = f"/admin/commitments/commitment/{lists.pk}/change/"
    response = client.post(url, form_data(client.get(url), **{field: value}))
    assert field in form_errors(response)
    assert Commitment.objects.get(pk=lists.pk).text == lists.text


@pytest.mark.parametrize(
    ("field", "value"), [("name", "\u200b"), ("short_name", "a\x07"), ("code", "ab\x00c"), ("description", "x" * 5_001)]
)
def test_the_admin_party_form_shows_bad_input_at_its_field(client, analyst, db, field, value):
    client.force_login(analyst)
    data = {"code": "osce", "name": "OSCE", "kind": "mediator", field: value}
    response = client.post("/admin/parties/party/add/", data)
    assert field in form_errors(response)
    assert not Party.objects.exists()


def test_the_services_enforce_the_same_limits(make_commitment, geneva):
    """What neither a form nor a serializer checks first (the demo loader, a command) meets
    the model's own validation: a TextField's max_length is enforced there too."""
    with pytest.raises(ValidationError) as exc:
        make_commitment(text="x" * 20_001, title="\u200b", condition="")
    assert {"text", "title"} <= set(exc.value.message_dict)
    assert not Commitment.objects.exists()
