from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commitments.choices import Confidence, Nature, Status
from commitments.models import StatusUpdate, StatusUpdateSource
from commitments.models.status import AppendOnlyError
from commitments.services import SourceInput
from parties.choices import PartyKind
from tests.factories import PartyFactory


@pytest.mark.django_db
def test_each_bound_party_has_its_own_status(make_commitment, record, armenia, azerbaijan):
    commitment = make_commitment()
    record(commitment, party=armenia, status=Status.FULFILLED, effective_on=date(2020, 11, 5))
    record(commitment, party=azerbaijan, status=Status.NOT_FULFILLED, effective_on=date(2020, 11, 7))
    statuses = dict(commitment.obligations.values_list("party__code", "status"))
    assert statuses == {"ARM": "fulfilled", "AZE": "not_fulfilled"}
    commitment.refresh_from_db()
    assert commitment.status == "partially_fulfilled"


@pytest.mark.django_db
def test_no_party_means_every_bound_party(make_commitment, record):
    commitment = make_commitment()
    updates = record(commitment, status=Status.IN_PROGRESS)
    assert len(updates) == 2
    assert set(commitment.obligations.values_list("status", flat=True)) == {"in_progress"}
    commitment.refresh_from_db()
    assert commitment.status == "in_progress"


@pytest.mark.django_db
def test_the_current_status_is_the_latest_effective_update(make_commitment, record, armenia):
    commitment = make_commitment()
    record(commitment, party=armenia, status=Status.FULFILLED, effective_on=date(2020, 11, 6))
    # Recorded later but effective earlier: joins the log, does not become current.
    record(commitment, party=armenia, status=Status.IN_PROGRESS, effective_on=date(2020, 11, 2))
    obligation = commitment.obligations.get(party=armenia)
    assert obligation.status == "fulfilled"
    assert obligation.status_effective_on == date(2020, 11, 6)
    assert obligation.status_updates.count() == 2


@pytest.mark.django_db
def test_the_same_effective_day_is_decided_by_the_time_recorded(make_commitment, record, armenia):
    commitment = make_commitment()
    record(commitment, party=armenia, status=Status.IN_PROGRESS, effective_on=date(2020, 11, 6))
    record(commitment, party=armenia, status=Status.FULFILLED, effective_on=date(2020, 11, 6))
    assert commitment.obligations.get(party=armenia).status == "fulfilled"


@pytest.mark.django_db
def test_a_status_update_is_never_overwritten_or_deleted(make_commitment, record):
    (update, _) = record(make_commitment())
    update.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        update.save()
    with pytest.raises(AppendOnlyError):
        update.delete()
    assert StatusUpdate.objects.get(pk=update.pk).summary == "Lists being compiled."


@pytest.mark.django_db
def test_a_party_the_commitment_does_not_bind_is_refused(make_commitment, record):
    commitment = make_commitment()
    russia = PartyFactory(code="RUS", name="Russian Federation", kind=PartyKind.STATE)
    with pytest.raises(ValidationError) as exc:
        record(commitment, party=russia, status=Status.FULFILLED)
    assert "party" in exc.value.message_dict
    assert "RUS is not bound" in exc.value.message_dict["party"][0]
    assert not StatusUpdate.objects.exists()
    assert not StatusUpdateSource.objects.exists()


@pytest.mark.django_db
def test_a_status_update_cites_at_least_one_source(make_commitment, record):
    with pytest.raises(ValidationError) as exc:
        record(make_commitment(), sources=[])
    assert "sources" in exc.value.message_dict
    assert not StatusUpdate.objects.exists()


@pytest.mark.django_db
def test_a_bad_source_is_named_and_nothing_is_stored(make_commitment, record, source):
    bad = SourceInput(publisher="", published_on=date(2020, 11, 5), url="not a url")
    with pytest.raises(ValidationError) as exc:
        record(make_commitment(), sources=[source, bad])
    assert {"sources[1].publisher", "sources[1].url"} <= set(exc.value.message_dict)
    assert not StatusUpdate.objects.exists()
    assert not StatusUpdateSource.objects.exists()


@pytest.mark.django_db
def test_an_unknown_status_is_refused(make_commitment, record):
    with pytest.raises(ValidationError) as exc:
        record(make_commitment(), status="kept")
    assert "status" in exc.value.message_dict


@pytest.mark.django_db
def test_violated_is_for_ongoing_commitments(make_commitment, record):
    with pytest.raises(ValidationError) as exc:
        record(make_commitment(), status=Status.VIOLATED)
    assert "status" in exc.value.message_dict
    ongoing = make_commitment(nature=Nature.ONGOING, deadline=None)
    record(ongoing, status=Status.VIOLATED)
    ongoing.refresh_from_db()
    assert ongoing.status == "violated"


@pytest.mark.django_db
def test_an_effective_date_before_the_agreement_or_in_the_future_is_refused(make_commitment, record):
    commitment = make_commitment()
    with pytest.raises(ValidationError) as exc:
        record(commitment, effective_on=date(2020, 10, 1))
    assert "effective_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        record(commitment, effective_on=timezone.now().date() + timedelta(days=3))
    assert "effective_on" in exc.value.message_dict
    assert not StatusUpdate.objects.exists()


@pytest.mark.django_db
def test_an_update_keeps_summary_sources_confidence_note_analyst_and_time(make_commitment, record, analyst, source):
    before = timezone.now()
    (update, _) = record(
        make_commitment(),
        status=Status.IN_PROGRESS,
        summary="Armenia says its list is ready.",
        confidence=Confidence.LOW,
        internal_note="Unconfirmed by the ICRC.",
    )
    update.refresh_from_db()
    assert (update.summary, update.confidence, update.internal_note) == (
        "Armenia says its list is ready.",
        "low",
        "Unconfirmed by the ICRC.",
    )
    assert update.recorded_by == analyst
    assert update.recorded_at >= before
    assert [(s.publisher, s.url, s.published_on) for s in update.sources.all()] == [
        (source.publisher, source.url, source.published_on)
    ]


@pytest.mark.django_db
def test_status_changes_are_kept_in_the_history_with_who(make_commitment, record, analyst, armenia):
    commitment = make_commitment()
    record(commitment, party=armenia, status=Status.FULFILLED, effective_on=date(2020, 11, 5))
    obligation = commitment.obligations.get(party=armenia)
    latest = obligation.history.first()
    assert latest.status == "fulfilled"
    assert latest.history_user == analyst
    assert "Fulfilled" in latest.history_change_reason
    assert commitment.history.first().status == "partially_fulfilled"
