"""?as_of=: hostile values are a 400 naming as_of (at the picker on the pages), never a
500; filters that cannot replay the past are refused with it; partners still read
published agreements only; a past view of a page is read-only."""

from datetime import date

import pytest

from commitments.choices import Status
from tests.api.conftest import token_client
from tests.commitments.list_helpers import draft_agreement, sign_in

pytestmark = pytest.mark.django_db

HOSTILE = ["x", "2020-02-30", "9999-12-31", "0001-01-01", "2" * 10_000, "2020-11-10\x00", "\x1b[31m", "=1+2"]
# Found by the schema fuzz: django-filter formats messages with "%", and the message shows
# the value back.
HOSTILE += ["%\u00e5", "100%", "%(value)s", "%s%d"]
# Found by the trial: read as a day by parse_date's fallback (20201110, ISO weeks, one-digit
# months, other scripts' digits) or stripped to nothing by the API's form field (" ", CR/LF).
LOOSE = [
    "20201110",
    "2020-W45",
    "2020-1-1",
    "\u0662\u0660\u0662\u0660-\u0661\u0661-\u0661\u0660",
    " ",
    "\r\n",
    " 2020-11-10",
    "2020-11-10\n",
]


@pytest.fixture
def lists(make_commitment, record, armenia):
    commitment = make_commitment()
    record(commitment, party=armenia, status=Status.IN_PROGRESS, effective_on=date(2020, 11, 3))
    return commitment


@pytest.mark.parametrize("value", HOSTILE + LOOSE)
def test_pages_answer_a_bad_day_with_400_at_the_picker(client, analyst, lists, value):
    sign_in(client, analyst)
    for url in (f"/commitments/{lists.pk}/", f"/commitments/agreements/{lists.agreement_id}/", "/parties/ARM/"):
        response = client.get(url, {"as_of": value})
        assert response.status_code == 400, url
        if "\x00" in value:  # the site's middleware refuses a NUL in any parameter, naming it
            assert response.json() == {"as_of": ["Null characters are not allowed."]}
            continue
        assert 'id="as-of-error"' in response.text and 'aria-invalid="true"' in response.text
        assert "Status as of" in response.text  # the picker is there to try again


@pytest.mark.parametrize("value", HOSTILE + LOOSE)
def test_the_api_answers_a_bad_day_with_400_naming_as_of(analyst, lists, value):
    api = token_client(analyst, read_only=True)
    for url in (
        "/api/v1/commitments/",
        "/api/v1/summary/",
        "/api/v1/exports/commitments.csv",
        "/api/v1/exports/status-updates.csv",
        "/api/v1/status-updates/",
    ):
        response = api.get(url, {"as_of": value})
        assert response.status_code == 400, url
        assert list(response.json()) == ["as_of"], url
        if value.startswith("%") or value.endswith("%"):  # shown back as typed, not formatted
            assert f"'{value}' is not a date" in response.json()["as_of"][0], url


@pytest.mark.parametrize("name, value", [("due_before", "2020-11-06"), ("commitment_status", "fulfilled")])
def test_filters_on_today_s_values_are_refused_with_as_of(analyst, lists, name, value):
    api = token_client(analyst, read_only=True)
    for url in ("/api/v1/commitments/", "/api/v1/summary/", "/api/v1/exports/commitments.csv"):
        response = api.get(url, {"as_of": "2020-11-10", name: value})
        assert response.status_code == 400
        assert "as_of" in response.json()[name][0]
    assert api.get("/api/v1/commitments/", {name: value}).status_code == 200  # alone, as before


def test_partners_read_published_agreements_only_as_of_a_day(partner, analyst, lists, armenia):
    draft_agreement(armenia, analyst)
    lists.agreement.published = True
    lists.agreement.save()
    api = token_client(partner, read_only=True)
    listed = api.get("/api/v1/commitments/", {"as_of": "2020-11-10"}).json()["results"]
    assert [c["id"] for c in listed] == [lists.pk]
    summary = api.get("/api/v1/summary/", {"as_of": "2020-11-10", "party": "ARM"}).json()
    assert summary["by_party"][0]["statuses"] == {"in_progress": 1}


def test_a_past_view_is_read_only_and_keeps_internal_notes_from_partners(client, partner, analyst, lists):
    lists.agreement.published = True
    lists.agreement.save()
    sign_in(client, analyst)
    today = client.get(f"/commitments/{lists.pk}/")
    assert 'value="record"' in today.text
    past = client.get(f"/commitments/{lists.pk}/", {"as_of": "2020-11-05"})
    assert 'value="record"' not in past.text and 'value="extend"' not in past.text
    assert 'name="as_of" value="2020-11-05"' in past.text
    client.logout()
    sign_in(client, partner)
    page = client.get(f"/commitments/agreements/{lists.agreement_id}/", {"as_of": "2020-11-05"})
    assert page.status_code == 200
    assert "Lists being compiled." in page.text  # the public summary
    assert "ana" not in page.text.split("<main", 1)[1]  # no analyst's name
