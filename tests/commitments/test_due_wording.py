"""Due moments as people read them (issue 13): the due day in the venue's zone first, the
UTC instant second; how long something has been overdue. One function writes the words
(commitments.rules), one template filter each calls it."""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template

from commitments import rules
from commitments.models import Agreement

ZURICH = ZoneInfo("Europe/Zurich")
DUE = rules.end_of_day(date(2020, 11, 6), ZURICH)  # 23:00 UTC


def test_the_due_day_comes_first_and_the_utc_instant_second():
    assert rules.format_due(DUE, ZURICH) == "end of 6 Nov 2020 (Europe/Zurich) = 6 Nov 2020 23:00 UTC"
    # Summer time in Zurich: the day ends at 22:00 UTC; in Apia (UTC+13) at 11:00 UTC.
    assert rules.format_due(rules.end_of_day(date(2021, 7, 1), ZURICH), ZURICH) == (
        "end of 1 Jul 2021 (Europe/Zurich) = 1 Jul 2021 22:00 UTC"
    )
    apia = ZoneInfo("Pacific/Apia")
    assert rules.format_due(rules.end_of_day(date(2021, 7, 1), apia), apia) == (
        "end of 1 Jul 2021 (Pacific/Apia) = 1 Jul 2021 11:00 UTC"
    )
    assert rules.format_due(None, ZURICH) == "no due moment yet"


@pytest.mark.parametrize(
    ("after", "words"),
    [
        (timedelta(seconds=30), "0 minutes"),
        (timedelta(hours=5, minutes=10), "5 hours"),
        (timedelta(days=1, hours=23), "1 day"),
        (timedelta(days=23, hours=9), "3 weeks"),
        (timedelta(days=70), "2 months"),
        (timedelta(days=800), "2 years"),
    ],
)
def test_how_long_overdue_is_said_in_its_largest_unit(after, words):
    assert rules.overdue_for(DUE, DUE + after) == words


def test_overdue_since_says_the_due_day_and_for_how_long():
    now = DUE + timedelta(days=22)
    assert rules.format_overdue(DUE, ZURICH, now) == (
        "Overdue since the end of 6 Nov 2020 (Europe/Zurich) — for 3 weeks"
    )


def render(source: str, **context) -> str:
    return Template("{% load tracker_ui %}" + source).render(Context(context))


def test_the_filters_call_the_rules_and_keep_the_utc_instant_secondary():
    html = render("{{ due_at|due:zone }}", due_at=DUE, zone=ZURICH)
    assert html == (
        'end of 6 Nov 2020 (Europe/Zurich) <small class="due-utc">= '
        '<time datetime="2020-11-06T23:00:00Z">6 Nov 2020 23:00 UTC</time></small>'
    )
    assert render("{{ due_at|due:'Europe/Zurich' }}", due_at=DUE) == html  # the zone's name does too
    assert render("{{ due_at|due:zone }}", due_at=None, zone=ZURICH) == "no due moment yet"
    with time_machine.travel(DUE + timedelta(days=22), tick=False):
        assert render("{{ since|overdue_text:zone }}", since=DUE, zone=ZURICH) == (
            "Overdue since the end of 6 Nov 2020 (Europe/Zurich) — for 3 weeks"
        )
        assert render("{{ since|overdue_for }}", since=DUE) == "3 weeks"
    assert render("{{ since|overdue_text:zone }}{{ since|overdue_for }}", since=None, zone=ZURICH) == ""


@pytest.mark.django_db
def test_the_search_page_gives_the_due_day_first(client, analyst, make_commitment, geneva):
    Agreement.objects.filter(pk=geneva.pk).update(published=True)
    make_commitment()
    client.force_login(analyst)
    with time_machine.travel(datetime(2020, 11, 1, tzinfo=UTC)):
        page = client.get("/search/")
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert "due end of 6 Nov 2020 (Europe/Zurich) = 6 Nov 2020 23:00 UTC" in text
