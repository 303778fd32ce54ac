"""The commitment page's forms record once however often the same form is posted: a
double click, or a browser resubmitting the page."""

import pytest

from commitments.models import Commitment, StatusUpdate
from tests.commitments.test_pages import EXTEND, RECORD
from tracker.demo import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists():
    load_demo()
    return Commitment.objects.get(category="prisoners")


def rendered_form(client, url: str, name: str) -> dict:
    """The hidden fields of the form as the page renders it (its one-time token)."""
    form = client.get(url).context[name]
    return {field.name: field.value() for field in form.hidden_fields()}


@pytest.mark.parametrize(("form", "name"), [(RECORD, "record_form"), (EXTEND, "extend_form")], ids=["record", "extend"])
def test_the_same_form_posted_twice_records_once(client, analyst, lists, form, name):
    client.force_login(analyst)
    url = f"/commitments/{lists.pk}/"
    data = {**form, **rendered_form(client, url, name)}
    updates, deadlines = StatusUpdate.objects.count(), lists.deadlines.count()
    first = client.post(url, data)
    assert first.status_code == 302
    second = client.post(url, data, follow=True)
    assert second.status_code == 200
    assert "already submitted" in second.text
    assert StatusUpdate.objects.count() - updates == (1 if form is RECORD else 0)
    assert lists.deadlines.count() - deadlines == (1 if form is EXTEND else 0)


def test_each_rendering_of_the_page_records_its_own_update(client, analyst, lists):
    client.force_login(analyst)
    url = f"/commitments/{lists.pk}/"
    for _ in range(2):
        assert client.post(url, {**RECORD, **rendered_form(client, url, "record_form")}).status_code == 302
    assert StatusUpdate.objects.filter(obligation__commitment=lists).count() == 2


def test_a_used_form_posted_with_other_values_records_nothing_and_keeps_the_input(client, analyst, lists):
    client.force_login(analyst)
    url = f"/commitments/{lists.pk}/"
    data = {**RECORD, **rendered_form(client, url, "record_form")}
    assert client.post(url, data).status_code == 302
    again = client.post(url, {**data, "summary": "Azerbaijan's list, second thoughts."})
    assert again.status_code == 400
    assert "already submitted" in again.text
    assert "second thoughts" in again.text  # input kept
    assert StatusUpdate.objects.filter(obligation__commitment=lists).count() == 1
    fresh = again.context["record_form"]["form_token"].value()
    assert fresh != data["form_token"]  # a new token: submitting again records it
    assert client.post(url, {**data, "summary": "Second thoughts.", "form_token": fresh}).status_code == 302
    assert StatusUpdate.objects.filter(obligation__commitment=lists).count() == 2


def test_a_refused_form_keeps_its_token_for_the_corrected_submit(client, analyst, lists):
    client.force_login(analyst)
    url = f"/commitments/{lists.pk}/"
    data = {**RECORD, **rendered_form(client, url, "record_form")}
    refused = client.post(url, {**data, "effective_on": "2020-10-01"})  # before the agreement
    assert refused.status_code == 400
    assert refused.context["record_form"]["form_token"].value() == data["form_token"]
    assert client.post(url, data).status_code == 302
    assert StatusUpdate.objects.filter(obligation__commitment=lists).count() == 1


def test_a_post_without_the_token_is_refused_with_a_message(client, analyst, lists):
    client.force_login(analyst)
    response = client.post(f"/commitments/{lists.pk}/", RECORD)
    assert response.status_code == 400
    assert "reload the page" in response.text
    assert not StatusUpdate.objects.filter(obligation__commitment=lists).exists()
