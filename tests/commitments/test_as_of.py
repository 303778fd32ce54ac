"""commitments.as_of read directly: the status, deadline and overdue flag of each
obligation on a past day, from the append-only logs. Expected values are worked out by
hand from the dates in each test (Geneva: signed 30 Oct 2020, Europe/Zurich; a week's
deadline is due at the end of 6 Nov 2020)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commitments import services
from commitments.as_of import (
    commitment_as_of,
    days_late,
    latest_updates,
    obligations_as_of,
    on_time_totals_as_of,
    parse_as_of,
)
from commitments.choices import Status
from commitments.models import Obligation

pytestmark = pytest.mark.django_db


def on(commitment, day: date) -> dict:
    """{party code: (status, due date, overdue)} of the commitment's obligations on ``day``."""
    rows = obligations_as_of(Obligation.objects.filter(commitment=commitment), day).order_by("party__code")
    return {o.party.code: (o.as_of_status, o.as_of_due_date, o.as_of_overdue) for o in rows}


NOV = lambda d: date(2020, 11, d)  # noqa: E731


@pytest.mark.parametrize(
    "value",
    ["x", "2020-02-30", "9999-12-31", "0001-01-01", "1899-12-31", "2020-11-10\x00", "\x07", "2" * 10_000, "10/11/2020"],
)
def test_parse_as_of_refuses_what_is_not_a_day_it_can_answer(value):
    with pytest.raises(ValidationError) as caught:
        parse_as_of(value)
    assert list(caught.value.message_dict) == ["as_of"]
    message = caught.value.message_dict["as_of"][0]
    assert len(message) < 200 and message.isprintable()  # neither echoed whole nor with its control characters


def test_parse_as_of_reads_a_day_and_nothing_as_today():
    assert parse_as_of("2020-11-10") == NOV(10)
    assert parse_as_of(None) is None and parse_as_of("") is None
    assert parse_as_of(timezone.now().date().isoformat()) == timezone.now().date()


def test_status_due_and_overdue_on_a_day(make_commitment, record):
    lists = make_commitment()
    record(lists, status=Status.IN_PROGRESS, effective_on=NOV(2))
    assert on(lists, NOV(1)) == {"ARM": ("not_started", NOV(6), False), "AZE": ("not_started", NOV(6), False)}
    # the due day itself is not late; the next day is, by one day
    assert on(lists, NOV(6)) == {"ARM": ("in_progress", NOV(6), False), "AZE": ("in_progress", NOV(6), False)}
    assert on(lists, NOV(7))["ARM"] == ("in_progress", NOV(6), True)
    assert days_late(NOV(6), NOV(10)) == 4 and days_late(NOV(6), NOV(6)) == 0 and days_late(None, NOV(6)) == 0


def test_two_updates_effective_the_same_day_the_later_recorded_wins(make_commitment, record, armenia):
    lists = make_commitment()
    record(lists, party=armenia, status=Status.FULFILLED, effective_on=NOV(4))
    record(lists, party=armenia, status=Status.DISPUTED, effective_on=NOV(4))
    assert on(lists, NOV(4))["ARM"] == ("disputed", NOV(6), False)
    assert on(lists, NOV(10))["ARM"] == ("disputed", NOV(6), True)  # disputed is open: overdue


def test_a_back_dated_update_counts_from_its_effective_date(make_commitment, record, armenia):
    lists = make_commitment()
    record(lists, party=armenia, status=Status.IN_PROGRESS, effective_on=NOV(3))
    record(lists, party=armenia, status=Status.FULFILLED, effective_on=NOV(5))
    # recorded last, effective first: it was the status from 1 Nov until 3 Nov
    record(lists, party=armenia, status=Status.NOT_FULFILLED, effective_on=NOV(1))
    assert on(lists, date(2020, 10, 31))["ARM"][0] == "not_started"
    assert on(lists, NOV(2))["ARM"][0] == "not_fulfilled"
    assert on(lists, NOV(4))["ARM"][0] == "in_progress"
    assert on(lists, NOV(10))["ARM"] == ("fulfilled", NOV(6), False)


def test_a_revision_with_a_dated_source_is_in_force_from_its_publication(make_commitment, analyst):
    lists = make_commitment()
    services.deadline_set(
        commitment=lists,
        deadline=services.DeadlineInput(due_on=NOV(20)),
        reason="Extended by the co-chairs.",
        source=services.SourceInput(publisher="OSCE", published_on=NOV(5)),
        user=analyst,
    )
    assert on(lists, NOV(4))["ARM"] == ("not_started", NOV(6), False)
    assert on(lists, NOV(5))["ARM"] == ("not_started", NOV(20), False)
    assert on(lists, NOV(10))["ARM"] == ("not_started", NOV(20), False)  # not overdue: revised before
    assert on(lists, NOV(21))["ARM"] == ("not_started", NOV(20), True)


def test_a_revision_without_a_source_date_is_in_force_from_the_day_recorded(make_commitment, analyst):
    lists = make_commitment()
    services.deadline_set(
        commitment=lists,
        deadline=services.DeadlineInput(due_on=NOV(20)),
        reason="Extended.",
        source=services.SourceInput(publisher="Phone call", published_on=None),
        user=analyst,
    )
    # recorded today: in 2020 the first deadline still held
    assert on(lists, NOV(10))["ARM"] == ("not_started", NOV(6), True)
    assert on(lists, timezone.now().date())["ARM"][1] == NOV(20)


def test_a_chained_deadline_is_due_only_once_its_anchor_was_fulfilled(make_commitment, record):
    lists = make_commitment(title="POW lists")
    exchange = make_commitment(title="Exchange", deadline=services.DeadlineInput(within_days=3, after_commitment=lists))
    record(lists, status=Status.FULFILLED, effective_on=NOV(2))  # both parties: the commitment is fulfilled
    assert on(exchange, NOV(1)) == {"ARM": ("not_started", None, False), "AZE": ("not_started", None, False)}
    assert on(exchange, NOV(5))["ARM"] == ("not_started", NOV(5), False)
    assert on(exchange, NOV(10))["AZE"] == ("not_started", NOV(5), True)


def test_an_agreement_signed_after_the_day_has_no_obligations_then(make_commitment):
    lists = make_commitment()
    assert on(lists, date(2020, 10, 29)) == {}
    assert set(on(lists, date(2020, 10, 30))) == {"ARM", "AZE"}


def test_commitment_rollup_and_latest_updates_on_a_day(make_commitment, record, armenia, azerbaijan):
    lists = make_commitment()
    record(lists, party=armenia, status=Status.FULFILLED, effective_on=NOV(5), summary="ARM lists handed over.")
    record(lists, party=azerbaijan, status=Status.FULFILLED, effective_on=NOV(12), summary="AZE lists handed over.")
    obligations = obligations_as_of(Obligation.objects.filter(commitment=lists).select_related("party"), NOV(10))
    state = commitment_as_of(obligations)
    assert (state.status, state.due_date, state.overdue_parties) == ("partially_fulfilled", NOV(6), ["AZE"])
    assert commitment_as_of(obligations_as_of(Obligation.objects.filter(commitment=lists), NOV(12))).status == (
        "fulfilled"
    )
    by_party = {
        Obligation.objects.get(pk=pk).party.code: u.summary
        for pk, u in latest_updates(Obligation.objects.filter(commitment=lists), NOV(10)).items()
    }
    assert by_party == {"ARM": "ARM lists handed over."}  # AZE's is not effective yet
    assert len(latest_updates(Obligation.objects.filter(commitment=lists))) == 2


def test_on_time_record_on_a_day(make_commitment, record, armenia, azerbaijan):
    lists = make_commitment()
    record(lists, party=armenia, status=Status.FULFILLED, effective_on=NOV(5))
    record(lists, party=azerbaijan, status=Status.FULFILLED, effective_on=NOV(12))
    obligations = Obligation.objects.filter(commitment=lists)
    # 6 Nov: nothing overdue yet, ARM fulfilled on time
    assert on_time_totals_as_of(obligations_as_of(obligations, NOV(6))) == {"assessed": 1, "on_time": 1, "overdue": 0}
    # 10 Nov: AZE overdue; 12 Nov: AZE fulfilled late
    assert on_time_totals_as_of(obligations_as_of(obligations, NOV(10))) == {"assessed": 2, "on_time": 1, "overdue": 1}
    assert on_time_totals_as_of(obligations_as_of(obligations, NOV(12))) == {"assessed": 2, "on_time": 1, "overdue": 0}


def test_one_query_however_many_obligations(make_commitment, django_assert_num_queries):
    for _ in range(5):
        make_commitment()
    with django_assert_num_queries(1):
        assert len(list(obligations_as_of(Obligation.objects.all(), NOV(10)))) == 10


def test_tomorrow_is_the_last_day(make_commitment):
    tomorrow = timezone.now().date() + timedelta(days=1)
    assert parse_as_of(tomorrow.isoformat()) == tomorrow
    with pytest.raises(ValidationError):
        parse_as_of((tomorrow + timedelta(days=1)).isoformat())
