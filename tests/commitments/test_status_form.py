"""The commitment page's status form (issue 13): nothing is chosen in advance, so a
careless submit records nothing; "All N bound parties" needs a ticked confirmation; every
refusal is a 400 with the error at its field, the input kept and nothing written."""

import re

import pytest

from commitments.form_once import new_form_token
from commitments.models import StatusUpdate

pytestmark = pytest.mark.django_db

RECORD = {
    "action": "record",
    "party": "AZE",
    "status": "in_progress",
    "effective_on": "2020-11-02",
    "summary": "Lists being compiled.",
    "confidence": "medium",
    "source_publisher": "ICRC",
    "source_url": "https://example.org/icrc",
    "source_published_on": "2020-11-02",
    "internal_note": "",
}


@pytest.fixture
def pow_lists(make_commitment):
    return make_commitment()  # binds ARM and AZE


def once(**form) -> dict:
    return {"form_token": new_form_token(), **RECORD, **form}


def selected(response, name: str) -> list[str]:
    """The values of the options rendered selected in the select ``name``."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', response.text, re.S)[1]
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def test_nothing_is_chosen_in_advance(client, analyst, pow_lists):
    client.force_login(analyst)
    response = client.get(f"/commitments/{pow_lists.pk}/")
    assert selected(response, "party") == [""] and selected(response, "status") == [""]
    assert '<option value="" selected>Choose a party</option>' in response.text
    assert '<option value="all">All 2 bound parties</option>' in response.text
    assert "Record this for all 2 parties: ARM, AZE" in response.text
    assert 'name="confirm_all"' in response.text and "checked" not in response.text
    extend = response.context["extend_form"]
    assert not any(extend[name].value() for name in ("due_on", "within_days", "reason", "source_publisher"))


def test_a_form_without_a_party_or_a_status_records_nothing(client, analyst, pow_lists):
    client.force_login(analyst)
    response = client.post(f"/commitments/{pow_lists.pk}/", once(party="", status=""))
    assert response.status_code == 400
    form = response.context["record_form"]
    assert form.errors["party"] == ["Choose a party, or all of them."]
    assert form.errors["status"] == ["Choose the new status."]
    assert not StatusUpdate.objects.exists()


def test_all_parties_needs_the_confirmation_ticked(client, analyst, pow_lists):
    client.force_login(analyst)
    url = f"/commitments/{pow_lists.pk}/"
    refused = client.post(url, once(party="all", summary="Both sides are compiling their lists."))
    assert refused.status_code == 400
    assert refused.context["record_form"].errors == {
        "confirm_all": ["Tick this to record the status for every bound party, or choose one party."]
    }
    assert "Both sides are compiling their lists." in refused.text  # input kept
    assert selected(refused, "party") == ["all"]
    assert not StatusUpdate.objects.exists()

    done = client.post(url, once(party="all", confirm_all="on"))
    assert done.status_code == 302
    assert sorted(StatusUpdate.objects.values_list("obligation__party__code", flat=True)) == ["ARM", "AZE"]


def test_one_party_needs_no_confirmation(client, analyst, pow_lists):
    client.force_login(analyst)
    assert client.post(f"/commitments/{pow_lists.pk}/", once()).status_code == 302
    assert list(StatusUpdate.objects.values_list("obligation__party__code", flat=True)) == ["AZE"]


@pytest.mark.parametrize("party", ["ZZZ", "All", "ALL", "all\x00", "x" * 5000])
def test_a_party_not_offered_is_a_400(client, analyst, pow_lists, party):
    client.force_login(analyst)
    response = client.post(f"/commitments/{pow_lists.pk}/", once(party=party, confirm_all="on"))
    assert response.status_code == 400
    assert "party" in response.context["record_form"].errors
    assert not StatusUpdate.objects.exists()


def test_every_refusal_on_the_page_is_a_400(client, analyst, pow_lists):
    """The service's refusal, a missing token, the token of a form already sent with other
    values, and the extension form's errors: each is a 400 and writes nothing more."""
    client.force_login(analyst)
    url = f"/commitments/{pow_lists.pk}/"
    one_off_violated = client.post(url, once(status="violated"))  # a one-off is fulfilled or not
    assert one_off_violated.status_code == 400
    assert "status" in one_off_violated.context["record_form"].errors
    no_token = {**once(), "form_token": ""}
    assert client.post(url, no_token).status_code == 400

    form = once()
    assert client.post(url, form).status_code == 302
    again = client.post(url, {**form, "summary": "Something else."})
    assert again.status_code == 400
    assert "already submitted" in str(again.context["record_form"].non_field_errors())
    assert StatusUpdate.objects.count() == 1

    extend = {"form_token": new_form_token(), "action": "extend", "due_on": "2020-11-13", "reason": ""}
    refused = client.post(url, extend)
    assert refused.status_code == 400
    assert "reason" in refused.context["extend_form"].errors
    assert pow_lists.deadlines.count() == 1
