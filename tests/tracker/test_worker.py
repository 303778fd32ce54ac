"""The deadline engine through a real Celery worker on the real Redis broker."""

import time
from datetime import UTC, date, datetime, timedelta

import time_machine
from django_celery_beat.models import PeriodicTask

from commitments import services as commitment_services
from commitments.choices import Category, Status
from commitments.models import Commitment, Obligation
from commitments.services import SourceInput
from tests.tracker.conftest import broker_drained
from tracker.choices import AlertKind
from tracker.demo import load_demo
from tracker.models import Alert

END_OF_6_NOV_GENEVA = datetime(2020, 11, 6, 23, tzinfo=UTC)


def wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def pow_overdue() -> set[str]:
    return set(
        Obligation.objects.filter(commitment__category=Category.PRISONERS, overdue=True).values_list(
            "party__code", flat=True
        )
    )


def test_the_scheduled_sweep_runs_on_a_real_worker_and_flags_the_demo_pow_lists(celery_worker):
    load_demo()
    # The schedule installed by the migrations, as beat would send it.
    scheduled = PeriodicTask.objects.get(name="deadline sweep")
    assert (scheduled.interval.every, scheduled.interval.period) == (5, "minutes")
    celery_worker.send_task(scheduled.task)
    assert wait_for(lambda: pow_overdue() == {"ARM", "AZE"})
    assert set(
        Obligation.objects.filter(commitment__category=Category.PRISONERS).values_list("overdue_since", flat=True)
    ) == {END_OF_6_NOV_GENEVA}
    alerts = Alert.objects.filter(obligation__commitment__category=Category.PRISONERS, kind=AlertKind.OVERDUE)
    assert wait_for(lambda: alerts.count() == 2)

    # Again: nothing changes, no new alert.
    before = list(Obligation.objects.order_by("pk").values_list("overdue", "overdue_since", "updated_at"))
    alerts_before = Alert.objects.count()
    celery_worker.send_task(scheduled.task)
    assert wait_for(lambda: broker_drained(celery_worker))
    assert Alert.objects.count() == alerts_before
    assert list(Obligation.objects.order_by("pk").values_list("overdue", "overdue_since", "updated_at")) == before


def test_the_scheduled_reminders_task_is_registered_with_the_worker(celery_worker):
    scheduled = PeriodicTask.objects.get(name="deadline reminders")
    assert (scheduled.interval.every, scheduled.interval.period) == (1, "hours")
    assert scheduled.task in celery_worker.tasks


def test_a_status_update_queues_a_sweep_after_commit_that_clears_the_flag(celery_worker, analyst):
    load_demo()
    celery_worker.send_task("tracker.sweep_deadlines")
    assert wait_for(lambda: pow_overdue() == {"ARM", "AZE"})

    lists = Commitment.objects.get(category=Category.PRISONERS)
    commitment_services.status_update_record(
        commitment=lists,
        party=lists.obligations.get(party__code="AZE").party,
        status=Status.FULFILLED,
        effective_on=date(2020, 11, 10),
        summary="The ICRC confirms it received Azerbaijan's list.",
        sources=[SourceInput(publisher="ICRC", published_on=date(2020, 11, 10))],
        user=analyst,
    )
    # No sweep called here: the service's signal queued one on commit.
    assert wait_for(lambda: pow_overdue() == {"ARM"})


def test_tasks_are_acknowledged_late_and_requeued_when_a_worker_dies():
    from config.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    # Redis redelivers unacknowledged tasks after the visibility timeout: it must outlast
    # the longest task, or a live task would run twice.
    assert app.conf.broker_transport_options["visibility_timeout"] > app.conf.task_time_limit


def test_the_scheduled_reminders_raise_due_soon_alerts_on_a_real_worker(celery_worker):
    load_demo()
    due_soon = Alert.objects.filter(obligation__commitment__category=Category.PRISONERS, kind=AlertKind.DUE_SOON)
    # Five days before the POW lists fall due; the clock keeps ticking for the worker too.
    with time_machine.travel(datetime(2020, 11, 1, 9, tzinfo=UTC), tick=True):
        celery_worker.send_task(PeriodicTask.objects.get(name="deadline reminders").task)
        assert wait_for(lambda: due_soon.count() == 2)
    week = timedelta(days=7)
    assert set(due_soon.values_list("party__code", "lead_time")) == {("ARM", week), ("AZE", week)}
