from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from commitments import rules
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
    assert format_due(due_at, zurich) == "end of 6 Nov 2020 (Europe/Zurich) = 6 Nov 2020 23:00 UTC"
    assert format_due(None, zurich) == "no due moment yet"


# The date window and the time zones


def test_dates_are_accepted_from_1900_to_twenty_years_ahead(time_machine):
    time_machine.move_to("2026-06-15T12:00:00Z")
    assert rules.date_window() == (date(1900, 1, 1), date(2046, 6, 15))
    for day in (date(1900, 1, 1), date(2020, 10, 30), date(2046, 6, 15)):
        rules.validate_date_window(day)
    for day in (date(1, 1, 1), date(1899, 12, 31), date(2046, 6, 16), date(9999, 12, 31)):
        with pytest.raises(ValidationError) as exc:
            rules.validate_date_window(day)
        assert "1 Jan 1900" in exc.value.messages[0] and "15 Jun 2046" in exc.value.messages[0]


def test_twenty_years_after_29_february_in_a_year_with_none_is_28_february(time_machine):
    time_machine.move_to("2080-02-29T12:00:00Z")  # 2100 is no leap year
    assert rules.date_window()[1] == date(2100, 2, 28)


def test_a_deadline_is_at_most_ten_years_after_what_it_counts_from():
    assert rules.LONGEST_DEADLINE_DAYS == 3650


@pytest.mark.parametrize(
    "zone", ["Europe/Zurich", "Asia/Baku", "America/Argentina/Buenos_Aires", "Pacific/Apia", "UTC"]
)
def test_geographic_zones_and_utc_are_venue_zones(zone):
    assert zone in rules.iana_zones()
    rules.validate_time_zone(zone)


@pytest.mark.parametrize(
    "zone",
    ["localtime", "Factory", "posixrules", "Etc/GMT+5", "EST5EDT", "US/Eastern", "GMT", "Zulu", "", "Mars/Olympus"],
)
def test_non_geographic_and_legacy_names_are_refused(zone):
    assert zone not in rules.iana_zones()
    with pytest.raises(ValidationError) as exc:
        rules.validate_time_zone(zone)
    assert "Europe/Zurich" in exc.value.messages[0]
