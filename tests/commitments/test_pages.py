"""The analysts' commitment and agreement pages (server-rendered; the browser tests of
issue 6 drive the same pages in Chromium)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments import services
from commitments.choices import Category, Nature
from commitments.form_once import new_form_token
from commitments.models import Commitment, StatusUpdate
from tests.factories import UserFactory
from tracker.demo import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists():
    load_demo()
    return Commitment.objects.get(category=Category.PRISONERS)


RECORD = {
    "action": "record",
    "party": "AZE",
    "status": "fulfilled",
    "effective_on": "2020-11-06",
    "summary": "The ICRC confirms it received Azerbaijan's list.",
    "confidence": "high",
    "source_publisher": "ICRC",
    "source_url": "https://example.org/icrc-statement",
    "source_published_on": "2020-11-06",
    "internal_note": "Confirmed by phone with the delegation.",
}


def once(form: dict) -> dict:
    """A form as its page renders it: with a one-time token of its own."""
    return {"form_token": new_form_token(), **form}


def test_login_page_and_pages_need_a_login(client, lists):
    assert client.get("/accounts/login/").status_code == 200
    response = client.get(f"/commitments/{lists.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_analyst_records_a_status_update_with_a_source(client, analyst, lists):
    client.force_login(analyst)
    response = client.post(f"/commitments/{lists.pk}/", once(RECORD), follow=True)
    assert response.status_code == 200
    assert "Status update recorded." in response.text
    assert lists.obligations.get(party__code="AZE").status == "fulfilled"
    update = StatusUpdate.objects.get(obligation__commitment=lists)
    assert update.sources.get().url == "https://example.org/icrc-statement"
    assert "The ICRC confirms it received Azerbaijan&#x27;s list." in response.text
    assert "Confirmed by phone with the delegation." in response.text  # analysts see notes


def test_an_invalid_form_shows_its_error_and_keeps_the_input(client, analyst, lists):
    client.force_login(analyst)
    response = client.post(
        f"/commitments/{lists.pk}/", once({**RECORD, "effective_on": "2020-10-01", "status": "violated"})
    )
    assert response.status_code == 400
    form = response.context["record_form"]
    assert "status" in form.errors or "effective_on" in form.errors
    assert "The ICRC confirms it received Azerbaijan" in response.text  # input kept
    assert not StatusUpdate.objects.filter(obligation__commitment=lists).exists()


def test_an_extension_needs_a_reason_and_keeps_the_history(client, analyst, lists):
    client.force_login(analyst)
    missing = client.post(
        f"/commitments/{lists.pk}/", once({"action": "extend", "due_on": "2020-11-13", "source_publisher": "OSCE"})
    )
    assert missing.status_code == 400
    assert "reason" in missing.context["extend_form"].errors
    done = client.post(
        f"/commitments/{lists.pk}/",
        once({"action": "extend", "due_on": "2020-11-13", "reason": "One more week.", "source_publisher": "OSCE"}),
        follow=True,
    )
    assert "Deadline revised." in done.text
    assert "end of 6 Nov 2020" in done.text and "end of 13 Nov 2020" in done.text
    lists.refresh_from_db()
    assert lists.due_date == date(2020, 11, 13)


def test_a_partner_reads_without_internal_notes_and_cannot_write(client, analyst, partner, lists):
    client.force_login(analyst)
    client.post(f"/commitments/{lists.pk}/", once(RECORD))
    client.force_login(partner)
    page = client.get(f"/commitments/{lists.pk}/")
    assert page.status_code == 200
    assert "The ICRC confirms" in page.text
    assert "Confirmed by phone" not in page.text
    assert "Record a status update" not in page.text
    assert client.post(f"/commitments/{lists.pk}/", once(RECORD)).status_code == 403
    lists.agreement.published = False
    lists.agreement.save()
    assert client.get(f"/commitments/{lists.pk}/").status_code == 404


def test_the_agreement_page_shows_a_badge_per_bound_party(client, analyst, lists):
    client.force_login(analyst)
    page = client.get(f"/commitments/agreements/{lists.agreement_id}/")
    assert page.status_code == 200
    assert "ARM: Not started" in page.text and "AZE: Not started" in page.text
    assert "Implements" in page.text
    assert "end of 6 Nov 2020 (Europe/Zurich) = 6 Nov 2020 23:00 UTC" in page.text
    moscow = client.get(f"/commitments/agreements/{lists.agreement.related_agreements.get().pk}/")
    assert "Implemented by" in moscow.text and lists.agreement.title in moscow.text


def test_a_user_without_a_role_is_refused(client, lists):
    client.force_login(UserFactory(username="stranger"))
    assert client.get(f"/commitments/{lists.pk}/").status_code == 403


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_commitment_and_agreement_pages_make_as_many_queries_for_1_and_12_rows(
    client, analyst, lists, record, armenia
):
    client.force_login(analyst)
    commitment, agreement = f"/commitments/{lists.pk}/", f"/commitments/agreements/{lists.agreement_id}/"
    record(lists)
    before = queries(client, commitment), queries(client, agreement)

    for day in range(2, 13):  # 11 more updates, each with its source; 11 more commitments
        record(lists, party=armenia, effective_on=date(2020, 11, day))
        services.commitment_create(
            agreement=lists.agreement,
            reference=f"extra {day}",
            title=f"Extra {day}",
            text="t",
            category=Category.OTHER,
            nature=Nature.ONGOING,
            parties=[armenia],
            user=analyst,
        )
    assert StatusUpdate.objects.filter(obligation__commitment=lists).count() == 13
    assert (queries(client, commitment), queries(client, agreement)) == before


EXTEND = {
    "action": "extend",
    "due_on": "2020-11-13",
    "within_days": "",
    "reason": "One more week.",
    "source_publisher": "OSCE",
    "source_url": "",
    "source_published_on": "2020-11-06",
}
NASTY = ["", "x" * 5000, "-1", "9" * 30, "2020-13-45", "0001-01-01", "9999-12-31", "nul\x00byte", "<script>"]


@pytest.mark.parametrize("form", [RECORD, EXTEND], ids=["record", "extend"])
def test_no_form_input_makes_a_server_error_or_a_half_write(client, analyst, lists, form):
    client.force_login(analyst)
    updates, deadlines = StatusUpdate.objects.count(), lists.deadlines.count()
    for field in (f for f in once(form) if f != "action"):
        for value in NASTY:
            response = client.post(f"/commitments/{lists.pk}/", {**once(form), field: value})
            assert response.status_code in (302, 400), (field, value, response.status_code)
            if response.status_code == 400:  # refused: nothing stored
                assert (StatusUpdate.objects.count(), lists.deadlines.count()) == (updates, deadlines)
            updates, deadlines = StatusUpdate.objects.count(), lists.deadlines.count()
