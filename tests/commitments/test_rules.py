from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from commitments.choices import PAM_SCORES, Status
from commitments.rules import due_date_after, end_of_day, format_due, rollup_status

S = Status


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], S.NOT_STARTED),
        ([S.FULFILLED, S.FULFILLED], S.FULFILLED),
        ([S.NOT_FULFILLED, S.NOT_FULFILLED], S.NOT_FULFILLED),
        ([S.FULFILLED, S.NOT_FULFILLED], S.PARTIALLY_FULFILLED),
        ([S.FULFILLED, S.NOT_STARTED], S.PARTIALLY_FULFILLED),
        ([S.PARTIALLY_FULFILLED, S.IN_PROGRESS], S.PARTIALLY_FULFILLED),
        ([S.FULFILLED, S.VIOLATED], S.VIOLATED),
        ([S.VIOLATED, S.DISPUTED], S.VIOLATED),
        ([S.DISPUTED, S.FULFILLED], S.DISPUTED),
        ([S.NOT_FULFILLED, S.IN_PROGRESS], S.NOT_FULFILLED),
        ([S.NOT_STARTED, S.IN_PROGRESS], S.IN_PROGRESS),
        ([S.SUPERSEDED, S.SUPERSEDED], S.SUPERSEDED),
        ([S.SUPERSEDED, S.FULFILLED], S.FULFILLED),
        ([S.SUPERSEDED, S.NOT_STARTED, S.IN_PROGRESS], S.IN_PROGRESS),
    ],
)
def test_rollup_status_follows_the_documented_rule(statuses, expected):
    assert rollup_status(statuses) == expected


def test_within_a_week_of_30_october_is_6_november():
    assert due_date_after(date(2020, 10, 30), 7) == date(2020, 11, 6)


def test_due_moment_is_the_end_of_the_due_day_in_the_agreement_zone():
    # Geneva, 6 Nov 2020 (CET, UTC+1): the day ends at 23:00 UTC.
    assert end_of_day(date(2020, 11, 6), ZoneInfo("Europe/Zurich")) == datetime(2020, 11, 6, 23, tzinfo=UTC)
    # Baku (UTC+4) ends the same day four hours before UTC midnight.
    assert end_of_day(date(2020, 11, 6), ZoneInfo("Asia/Baku")) == datetime(2020, 11, 6, 20, tzinfo=UTC)


def test_due_moment_across_a_daylight_saving_change():
    # Summer time ends in Zurich on 25 Oct 2020: that day ends at 00:00 CET = 23:00 UTC,
    # the day before at 00:00 CEST = 22:00 UTC.
    zurich = ZoneInfo("Europe/Zurich")
    assert end_of_day(date(2020, 10, 24), zurich) == datetime(2020, 10, 24, 22, tzinfo=UTC)
    assert end_of_day(date(2020, 10, 25), zurich) == datetime(2020, 10, 25, 23, tzinfo=UTC)


def test_due_moment_where_midnight_does_not_exist():
    # Chile's clocks jumped from 00:00 to 01:00 on 6 Sep 2020 (Santiago): 5 Sep ends at
    # the first instant of 6 Sep, 04:00 UTC.
    assert end_of_day(date(2020, 9, 5), ZoneInfo("America/Santiago")) == datetime(2020, 9, 6, 4, tzinfo=UTC)


def test_every_status_maps_onto_the_peace_accords_matrix_scale():
    assert set(PAM_SCORES) == set(Status)
    assert PAM_SCORES[Status.FULFILLED] == 3
    assert PAM_SCORES[Status.PARTIALLY_FULFILLED] == 2
    assert PAM_SCORES[Status.IN_PROGRESS] == 1
    assert PAM_SCORES[Status.NOT_STARTED] == 0


def test_a_due_moment_reads_as_its_local_due_day():
    zurich = ZoneInfo("Europe/Zurich")
    due_at = end_of_day(date(2020, 11, 6), zurich)
    assert format_due(due_at, zurich) == "end of 06 Nov 2020 (Europe/Zurich) = 2020-11-06 23:00 UTC"
    assert format_due(None, zurich) == "no due moment yet"
