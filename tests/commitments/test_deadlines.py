from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError

from commitments import services
from commitments.choices import Nature, Status
from commitments.models import Commitment, Deadline, Obligation
from commitments.services import DeadlineInput, SourceInput

EXTENSION_SOURCE = SourceInput(publisher="OSCE Minsk Group", published_on=date(2020, 11, 6))


@pytest.mark.django_db
def test_within_a_week_of_the_geneva_statement_is_due_at_the_end_of_6_november(make_commitment):
    commitment = make_commitment(deadline=DeadlineInput(within_days=7))
    assert commitment.due_date == date(2020, 11, 6)
    # End of 6 Nov in Geneva (CET, UTC+1).
    assert commitment.due_at == datetime(2020, 11, 6, 23, tzinfo=UTC)


@pytest.mark.django_db
def test_a_dated_deadline_resolves_in_the_agreement_zone(make_commitment):
    commitment = make_commitment(deadline=DeadlineInput(due_on=date(2020, 11, 15)))
    assert commitment.due_at == datetime(2020, 11, 15, 23, tzinfo=UTC)


@pytest.mark.django_db
def test_a_one_off_commitment_needs_a_deadline(make_commitment):
    with pytest.raises(ValidationError) as exc:
        make_commitment(deadline=None)
    assert "deadline" in exc.value.message_dict
    assert not Commitment.objects.exists()


@pytest.mark.django_db
def test_an_ongoing_commitment_may_have_no_deadline(make_commitment):
    commitment = make_commitment(nature=Nature.ONGOING, deadline=None)
    assert commitment.current_deadline is None
    assert commitment.due_at is None


@pytest.mark.django_db
def test_both_a_date_and_days_is_refused_on_both_fields(make_commitment):
    with pytest.raises(ValidationError) as exc:
        make_commitment(deadline=DeadlineInput(due_on=date(2020, 11, 6), within_days=7))
    assert {"due_on", "within_days"} <= set(exc.value.message_dict)
    assert not Commitment.objects.exists()
    assert not Obligation.objects.exists()


@pytest.mark.django_db
def test_neither_a_date_nor_days_is_refused(make_commitment):
    with pytest.raises(ValidationError) as exc:
        make_commitment(deadline=DeadlineInput())
    assert {"due_on", "within_days"} <= set(exc.value.message_dict)
    assert not Commitment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("days", [0, -1, -7])
def test_zero_or_negative_days_are_refused(make_commitment, days):
    with pytest.raises(ValidationError) as exc:
        make_commitment(deadline=DeadlineInput(within_days=days))
    assert "within_days" in exc.value.message_dict
    assert not Commitment.objects.exists()


@pytest.mark.django_db
def test_a_deadline_before_the_agreement_date_is_refused(make_commitment):
    with pytest.raises(ValidationError) as exc:
        make_commitment(deadline=DeadlineInput(due_on=date(2020, 10, 29)))
    assert "due_on" in exc.value.message_dict
    assert "30 Oct 2020" in exc.value.message_dict["due_on"][0]
    assert not Commitment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("deadline", "field"),
    [
        (DeadlineInput(due_on=date(9999, 12, 31)), "due_on"),  # its end of day is beyond any date
        (DeadlineInput(due_on=date(2030, 10, 29)), "due_on"),  # 3,651 days after 30 Oct 2020
        (DeadlineInput(within_days=3_651), "within_days"),
        (DeadlineInput(within_days=3_000_000), "within_days"),
    ],
)
def test_a_deadline_more_than_ten_years_away_is_refused(make_commitment, deadline, field):
    lists = make_commitment()
    with pytest.raises(ValidationError) as exc:
        services.deadline_set(commitment=lists, deadline=deadline, reason="Typo", source=EXTENSION_SOURCE)
    assert list(exc.value.message_dict) == [field]
    assert "3,650" in exc.value.message_dict[field][0]
    assert lists.deadlines.count() == 1
    with pytest.raises(ValidationError):
        make_commitment(reference="far", deadline=deadline)
    assert Commitment.objects.count() == 1


@pytest.mark.django_db
def test_a_dated_deadline_does_not_hang_on_another_commitment(make_commitment):
    lists = make_commitment()
    with pytest.raises(ValidationError) as exc:
        make_commitment(deadline=DeadlineInput(due_on=date(2020, 11, 20), after_commitment=lists))
    assert "after_commitment" in exc.value.message_dict


@pytest.mark.django_db
def test_a_chained_deadline_has_no_due_moment_until_what_it_hangs_on_is_fulfilled(make_commitment, record):
    lists = make_commitment(reference="para 3")
    exchange = make_commitment(reference="para 6", deadline=DeadlineInput(within_days=10, after_commitment=lists))
    assert exchange.current_deadline.is_chained
    assert exchange.due_at is None

    record(lists, status=Status.FULFILLED, effective_on=date(2020, 11, 5))
    exchange.refresh_from_db()
    assert exchange.due_date == date(2020, 11, 15)
    assert exchange.due_at == datetime(2020, 11, 15, 23, tzinfo=UTC)

    # One party's list turns out incomplete: no longer fulfilled, so no due moment.
    record(
        lists, party=lists.obligations.first().party, status=Status.PARTIALLY_FULFILLED, effective_on=date(2020, 11, 7)
    )
    exchange.refresh_from_db()
    assert exchange.due_at is None


@pytest.mark.django_db
def test_fulfilment_is_the_day_the_last_party_fulfilled(make_commitment, record, armenia, azerbaijan):
    lists = make_commitment(reference="para 3")
    exchange = make_commitment(reference="para 6", deadline=DeadlineInput(within_days=3, after_commitment=lists))
    record(lists, party=armenia, status=Status.FULFILLED, effective_on=date(2020, 11, 4))
    exchange.refresh_from_db()
    assert exchange.due_at is None
    record(lists, party=azerbaijan, status=Status.FULFILLED, effective_on=date(2020, 11, 8))
    lists.refresh_from_db()
    exchange.refresh_from_db()
    assert lists.fulfilled_on == date(2020, 11, 8)
    assert exchange.due_date == date(2020, 11, 11)


@pytest.mark.django_db
def test_a_deadline_cannot_hang_on_its_own_commitment(make_commitment, analyst):
    commitment = make_commitment()
    with pytest.raises(ValidationError) as exc:
        services.deadline_set(
            commitment=commitment,
            deadline=DeadlineInput(within_days=3, after_commitment=commitment),
            reason="chain",
            source=EXTENSION_SOURCE,
            user=analyst,
        )
    assert "after_commitment" in exc.value.message_dict
    assert commitment.deadlines.count() == 1


@pytest.mark.django_db
def test_a_chain_of_deadlines_cannot_make_a_cycle(make_commitment, analyst):
    a = make_commitment(reference="A")
    b = make_commitment(reference="B", deadline=DeadlineInput(within_days=5, after_commitment=a))
    c = make_commitment(reference="C", deadline=DeadlineInput(within_days=5, after_commitment=b))
    with pytest.raises(ValidationError) as exc:
        services.deadline_set(
            commitment=a,
            deadline=DeadlineInput(within_days=2, after_commitment=c),
            reason="re-sequenced",
            source=EXTENSION_SOURCE,
            user=analyst,
        )
    message = exc.value.message_dict["after_commitment"][0]
    assert "cycle" in message
    assert "A → C → B → A" in message
    a.refresh_from_db()
    assert a.current_deadline.revision == 1


@pytest.mark.django_db
def test_an_extension_keeps_the_original_and_every_revision(make_commitment, analyst):
    commitment = make_commitment()
    original = commitment.current_deadline
    services.deadline_set(
        commitment=commitment,
        deadline=DeadlineInput(due_on=date(2020, 11, 13)),
        reason="Co-chairs granted one more week.",
        source=EXTENSION_SOURCE,
        user=analyst,
    )
    services.deadline_set(
        commitment=commitment,
        deadline=DeadlineInput(due_on=date(2020, 11, 20)),
        reason="Second extension.",
        source=SourceInput(publisher="", published_on=None, url="https://example.org/second"),
        user=analyst,
    )
    revisions = list(commitment.deadlines.order_by("revision"))
    assert [d.revision for d in revisions] == [1, 2, 3]
    assert revisions[0].pk == original.pk
    assert revisions[0].due_date == date(2020, 11, 6)
    assert revisions[1].reason == "Co-chairs granted one more week."
    assert revisions[1].source_publisher == "OSCE Minsk Group"
    assert revisions[1].recorded_by == analyst
    assert revisions[2].source_url == "https://example.org/second"
    commitment.refresh_from_db()
    assert commitment.current_deadline == revisions[2]
    assert commitment.due_date == date(2020, 11, 20)


@pytest.mark.django_db
def test_an_extension_needs_a_reason_and_a_source(make_commitment, analyst):
    commitment = make_commitment()
    with pytest.raises(ValidationError) as exc:
        services.deadline_set(commitment=commitment, deadline=DeadlineInput(due_on=date(2020, 11, 13)), user=analyst)
    assert {"reason", "source_publisher"} <= set(exc.value.message_dict)
    assert commitment.deadlines.count() == 1
    commitment.refresh_from_db()
    assert commitment.due_date == date(2020, 11, 6)


@pytest.mark.django_db
def test_deadline_check_reports_without_writing(make_commitment):
    commitment = make_commitment()
    with pytest.raises(ValidationError) as exc:
        services.deadline_check(commitment=commitment, deadline=DeadlineInput(within_days=0))
    assert "within_days" in exc.value.message_dict
    services.deadline_check(
        commitment=commitment, deadline=DeadlineInput(within_days=14), reason="ok", source=EXTENSION_SOURCE
    )
    assert Deadline.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_deadline_with_both_a_date_and_days(make_commitment):
    from django.db import IntegrityError, transaction

    commitment = make_commitment()
    with pytest.raises(IntegrityError), transaction.atomic():
        Deadline.objects.create(commitment=commitment, revision=9, due_on=date(2020, 11, 6), within_days=3)
