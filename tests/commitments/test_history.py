"""The commitment page's history (issue 13): who recorded each status update and deadline
revision and when, the current revision marked, how long an obligation has been overdue,
the change history from the audit log, and what partners do not see of it."""

import html
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments import services
from commitments.history import commitment_changes
from commitments.models import Agreement
from tracker import services as engine

pytestmark = pytest.mark.django_db

RECORDED = datetime(2020, 11, 10, 9, 30, tzinfo=UTC)
EXTENDED = datetime(2020, 11, 12, 14, 5, tzinfo=UTC)
LATER = datetime(2020, 12, 1, 8, 0, tzinfo=UTC)  # 3 weeks and 3 days after the end of 6 Nov in Zurich


@pytest.fixture
def named_analyst(analyst):
    analyst.first_name, analyst.last_name = "Anahit", "Petrosyan"
    analyst.save()
    return analyst


@pytest.fixture
def pow_lists(make_commitment, geneva, named_analyst, record, azerbaijan):
    """The POW lists (due within 7 days of 30 Oct 2020: end of 6 Nov in Zurich), published,
    with one status update recorded on 10 Nov and the deadline extended on 12 Nov."""
    Agreement.objects.filter(pk=geneva.pk).update(published=True)
    with time_machine.travel(datetime(2020, 11, 1, tzinfo=UTC), tick=False):
        commitment = make_commitment(user=named_analyst)
    with time_machine.travel(RECORDED, tick=False):
        record(
            commitment,
            party=azerbaijan,
            effective_on=date(2020, 11, 2),
            internal_note="Heard from the delegation by phone.",
        )
    with time_machine.travel(EXTENDED, tick=False):
        services.deadline_set(
            commitment=commitment,
            deadline=services.DeadlineInput(due_on=date(2020, 11, 13)),
            reason="The sides asked for one more week.",
            source=services.SourceInput(
                publisher="OSCE Minsk Group", url="https://example.org/osce-13-nov", published_on=date(2020, 11, 12)
            ),
            user=named_analyst,
        )
    commitment.refresh_from_db()
    return commitment


def text_of(response) -> str:
    """The page's text without tags, its whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_the_page_says_who_recorded_each_update_and_revision_when_and_marks_the_current_one(
    client, named_analyst, pow_lists
):
    client.force_login(named_analyst)
    response = client.get(f"/commitments/{pow_lists.pk}/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Effective 2 Nov 2020; recorded on 10 Nov 2020 09:30 UTC by Anahit Petrosyan" in text
    assert "Revised on 12 Nov 2020 14:05 UTC by Anahit Petrosyan" in text
    assert "Why: The sides asked for one more week." in text
    assert 'href="https://example.org/osce-13-nov"' in response.text
    # Revision 2 is the current one, and only it; revision 1 says it was replaced.
    current = re.findall(r'<li class="current" aria-current="true">\s*<strong>Revision (\d+)</strong>', response.text)
    assert current == ["2"]
    assert "Revision 1 (replaced)" in text
    # The due day in the venue's zone first, the UTC instant second.
    assert "end of 13 Nov 2020 (Europe/Zurich) = 13 Nov 2020 23:00 UTC" in text
    assert '<time datetime="2020-11-13T23:00:00Z">' in response.text


def test_the_change_history_says_what_changed_by_whom_and_why(client, named_analyst, pow_lists, icrc):
    with time_machine.travel(datetime(2020, 11, 14, 10, 0, tzinfo=UTC), tick=False):
        services.commitment_update(
            commitment=pow_lists,
            user=named_analyst,
            reason="Title as in the signed text.",
            title="Lists of prisoners of war to the ICRC",
        )
        pow_lists.recipients.add(icrc)  # as the admin's form does: a historical row of its own
    client.force_login(named_analyst)
    text = text_of(client.get(f"/commitments/{pow_lists.pk}/"))
    history = text[text.index("Change history") :]
    assert (
        "Commitment changed on 14 Nov 2020 10:00 by Anahit Petrosyan Why: Title as in the signed text. "
        "Short title: POW lists to the ICRC → Lists of prisoners of war to the ICRC" in history
    )
    assert "Beneficiaries or recipients: icrc" in history
    assert "Deadline revision 2 set on 12 Nov 2020 14:05 by Anahit Petrosyan" in history
    assert "Deadline: revision 1 → revision 2" in history
    assert "Reason: The sides asked for one more week." in history
    assert "Commitment created on 1 Nov 2020 00:00 by Anahit Petrosyan" in history
    # Newest first.
    assert history.index("Commitment changed") < history.index("Deadline revision 2 set") < history.index("created")


def test_a_partner_reads_the_history_without_analysts_names_or_internal_notes(client, partner, pow_lists):
    services.commitment_update(
        commitment=pow_lists,
        user=pow_lists.deadlines.first().recorded_by,
        reason="Per the delegation's private note.",
        title="POW lists (corrected)",
    )
    client.force_login(partner)
    response = client.get(f"/commitments/{pow_lists.pk}/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Petrosyan" not in text and "Anahit" not in text and ">ana<" not in response.text
    assert "Heard from the delegation" not in text
    assert "Short title: POW lists to the ICRC → POW lists (corrected)" in text  # what changed...
    assert "Per the delegation's private note." not in text  # ...not the analyst's reason
    assert "recorded on 10 Nov 2020 09:30 UTC by an analyst" in text
    assert "Revised on 12 Nov 2020 14:05 UTC by an analyst" in text
    assert "Deadline revision 2 set on 12 Nov 2020 14:05 by an analyst" in text
    assert "Record a status update" not in text


def test_overdue_since_the_end_of_the_due_day_and_for_how_long(client, named_analyst, make_commitment, geneva):
    commitment = make_commitment(user=named_analyst)  # due end of 6 Nov 2020 in Zurich
    engine.deadline_sweep(now=LATER)
    client.force_login(named_analyst)
    with time_machine.travel(LATER, tick=False):
        page = text_of(client.get(f"/commitments/{commitment.pk}/"))
        dashboard = text_of(client.get("/"))
        party = text_of(client.get("/parties/ARM/"))
    assert "Overdue since the end of 6 Nov 2020 (Europe/Zurich) — for 3 weeks" in page
    assert "6 Nov 2020 23:00 UTC" not in page.split("Overdue since")[0]  # not as an 11 p.m. deadline
    assert "end of 6 Nov 2020 (Europe/Zurich) = 6 Nov 2020 23:00 UTC Overdue for 3 weeks" in dashboard
    assert "Overdue for 3 weeks" in party


def test_the_history_reads_the_same_few_queries_however_long(client, named_analyst, pow_lists, record, armenia):
    client.force_login(named_analyst)
    url = f"/commitments/{pow_lists.pk}/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for day in range(14, 34):
        services.deadline_set(
            commitment=pow_lists,
            deadline=services.DeadlineInput(within_days=day),
            reason=f"Extended to {day} days.",
            source=services.SourceInput(publisher="OSCE", url="", published_on=None),
            user=named_analyst,
        )
        services.commitment_update(commitment=pow_lists, user=named_analyst, reason="wording", title=f"Title {day}")
        record(pow_lists, party=armenia, effective_on=date(2020, 11, 3))
    assert pow_lists.deadlines.count() == 22
    assert queries() == before


def test_the_page_shows_the_latest_50_changes_and_how_many_there_are(client, named_analyst, pow_lists):
    for n in range(60):
        services.commitment_update(commitment=pow_lists, user=named_analyst, reason="wording", title=f"Title {n}")
    changes = commitment_changes(pow_lists)
    client.force_login(named_analyst)
    text = text_of(client.get(f"/commitments/{pow_lists.pk}/"))
    assert f"The latest 50 of {len(changes)} changes, newest first" in text
    assert "Short title: Title 58 → Title 59" in text
    assert "Title 1 → Title 2" not in text


def test_a_change_by_the_tracker_itself_says_so(pow_lists):
    (created,) = [c for c in commitment_changes(pow_lists) if c.what == "Commitment created"]
    assert created.who == "Anahit Petrosyan"
    assert commitment_changes(pow_lists, names=False)[0].who == "an analyst"
    fresh = type(pow_lists).objects.get(pk=pow_lists.pk)
    fresh.title = "Saved by a command"
    fresh.save()  # no user: a migration, a command, the engine
    assert commitment_changes(pow_lists)[0].who == "the tracker"
