from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments import services as commitment_services
from commitments.choices import Category, Nature, Status
from commitments.models import Commitment, Obligation
from commitments.services import DeadlineInput, SourceInput
from tests.factories import AgreementFactory, PartyFactory
from tracker import services
from tracker.choices import AlertKind
from tracker.demo import load_demo
from tracker.models import Alert

pytestmark = pytest.mark.django_db

END_OF_6_NOV_GENEVA = datetime(2020, 11, 6, 23, tzinfo=UTC)
EXTENSION_SOURCE = SourceInput(publisher="OSCE Minsk Group", published_on=date(2020, 11, 6))


@pytest.fixture
def demo():
    load_demo()
    return Commitment.objects.get(category=Category.PRISONERS)


def overdue_codes(commitment) -> dict[str, datetime | None]:
    return {o.party.code: o.overdue_since for o in commitment.obligations.select_related("party") if o.overdue}


def test_the_sweep_flags_the_demo_pow_lists_overdue_since_the_end_of_6_november(demo):
    result = services.deadline_sweep()
    assert overdue_codes(demo) == {"ARM": END_OF_6_NOV_GENEVA, "AZE": END_OF_6_NOV_GENEVA}
    alerts = Alert.objects.filter(obligation__commitment=demo, kind=AlertKind.OVERDUE)
    assert sorted(alerts.values_list("party__code", "due_at")) == [
        ("ARM", END_OF_6_NOV_GENEVA),
        ("AZE", END_OF_6_NOV_GENEVA),
    ]
    # Ongoing commitments have no deadline and are never overdue.
    assert not Obligation.objects.filter(commitment__nature=Nature.ONGOING, overdue=True).exists()
    assert result.flagged == Obligation.objects.filter(overdue=True).count()
    assert result.raised == Alert.objects.filter(kind=AlertKind.OVERDUE).count()


def test_a_second_sweep_changes_nothing_and_raises_no_new_alert(demo):
    services.deadline_sweep()
    before = list(Obligation.objects.order_by("pk").values_list("pk", "overdue", "overdue_since", "updated_at"))
    alerts = Alert.objects.count()
    result = services.deadline_sweep()
    assert result == services.SweepResult(flagged=0, cleared=0, raised=0)
    assert Alert.objects.count() == alerts
    after = list(Obligation.objects.order_by("pk").values_list("pk", "overdue", "overdue_since", "updated_at"))
    assert after == before


def test_extending_the_deadline_past_now_clears_the_flag(demo, analyst):
    services.deadline_sweep()
    commitment_services.deadline_set(
        commitment=demo,
        deadline=DeadlineInput(due_on=timezone.now().date() + timedelta(days=30)),
        reason="Talks resumed with a new timetable.",
        source=EXTENSION_SOURCE,
        user=analyst,
    )
    # Cleared by the revision itself: no page says "overdue" until the next sweep.
    assert overdue_codes(demo) == {}
    assert not demo.obligations.filter(overdue_since__isnull=False).exists()
    assert services.deadline_sweep().cleared == 0
    assert overdue_codes(demo) == {}


def test_a_revised_deadline_that_passes_again_is_flagged_with_the_new_due_moment(demo, analyst):
    services.deadline_sweep()
    commitment_services.deadline_set(
        commitment=demo,
        deadline=DeadlineInput(due_on=date(2020, 11, 13)),
        reason="One more week granted.",
        source=EXTENSION_SOURCE,
        user=analyst,
    )
    # Flagged for the new due moment by the revision itself, with its alerts.
    new_due = datetime(2020, 11, 13, 23, tzinfo=UTC)
    assert overdue_codes(demo) == {"ARM": new_due, "AZE": new_due}
    assert services.deadline_sweep().flagged == 0
    assert overdue_codes(demo) == {"ARM": new_due, "AZE": new_due}
    assert Alert.objects.filter(obligation__commitment=demo, due_at=new_due).count() == 2
    assert Alert.objects.filter(obligation__commitment=demo, due_at=END_OF_6_NOV_GENEVA).count() == 2


def test_fulfilling_clears_the_flag_for_that_party_only_at_once(demo, record, armenia):
    services.deadline_sweep()
    record(demo, party=armenia, status=Status.FULFILLED, effective_on=date(2020, 11, 9))
    # Cleared by the status update itself: no page shows it overdue until the next sweep.
    assert overdue_codes(demo) == {"AZE": END_OF_6_NOV_GENEVA}
    assert services.deadline_sweep().cleared == 0
    assert overdue_codes(demo) == {"AZE": END_OF_6_NOV_GENEVA}


def test_a_chained_deadline_is_swept_once_what_it_hangs_on_is_fulfilled(make_commitment, record):
    lists = make_commitment(reference="lists")
    exchange = make_commitment(reference="exchange", deadline=DeadlineInput(within_days=5, after_commitment=lists))
    with time_machine.travel(datetime(2020, 11, 20, tzinfo=UTC), tick=False):
        services.deadline_sweep()
        assert overdue_codes(exchange) == {}
        record(lists, status=Status.FULFILLED, effective_on=date(2020, 11, 5))
        services.deadline_sweep()
    due = datetime(2020, 11, 10, 23, tzinfo=UTC)
    assert overdue_codes(exchange) == {"ARM": due, "AZE": due}


def test_reminders_raise_the_tightest_due_soon_alert_once(demo):
    due_soon = Alert.objects.filter(obligation__commitment=demo, kind=AlertKind.DUE_SOON)
    # 1 Nov: the POW lists fall due within 7 days.
    with time_machine.travel(datetime(2020, 11, 1, 12, tzinfo=UTC), tick=False):
        first = services.reminders_raise()
        assert services.reminders_raise() == 0
    assert sorted(due_soon.values_list("party__code", "lead_time")) == [
        ("ARM", timedelta(days=7)),
        ("AZE", timedelta(days=7)),
    ]
    assert first == Alert.objects.filter(kind=AlertKind.DUE_SOON).count()  # the verification pledge too
    # 6 Nov, noon: within a day.
    with time_machine.travel(datetime(2020, 11, 6, 12, tzinfo=UTC), tick=False):
        services.reminders_raise()
    assert due_soon.filter(lead_time=timedelta(days=1)).count() == 2
    # After the due moment no reminder, an overdue alert instead.
    with time_machine.travel(datetime(2020, 11, 7, 12, tzinfo=UTC), tick=False):
        assert services.reminders_raise() == 0
        services.deadline_sweep()
    assert Alert.objects.filter(obligation__commitment=demo, kind=AlertKind.OVERDUE).count() == 2


def test_a_deadline_set_late_gets_only_the_one_day_reminder(make_commitment):
    commitment = make_commitment(deadline=DeadlineInput(due_on=date(2020, 11, 6)))
    with time_machine.travel(datetime(2020, 11, 6, 10, tzinfo=UTC), tick=False):
        services.reminders_raise()
    assert set(Alert.objects.filter(obligation__commitment=commitment).values_list("lead_time", flat=True)) == {
        timedelta(days=1)
    }


def test_reminder_lead_times_come_from_settings(settings, demo):
    settings.TRACKER_REMINDER_LEAD_DAYS = [30]
    with time_machine.travel(datetime(2020, 10, 31, tzinfo=UTC), tick=False):
        services.reminders_raise()
    assert set(Alert.objects.filter(kind=AlertKind.DUE_SOON).values_list("lead_time", flat=True)) == {
        timedelta(days=30)
    }
    assert Alert.objects.filter(obligation__commitment=demo).count() == 2


def build_obligations(count: int) -> None:
    """``count`` obligations, all past due, written in bulk (the sweep is what is measured)."""
    agreement = AgreementFactory(signed_on=date(2020, 1, 1))
    parties = PartyFactory.create_batch(2)
    commitments = Commitment.objects.bulk_create(
        Commitment(
            agreement=agreement, reference=f"p{i}", title="t", text="t", category=Category.OTHER, nature=Nature.ONE_OFF
        )
        for i in range(count // 2)
    )
    Obligation.objects.bulk_create(
        Obligation(commitment=c, party=p, due_at=datetime(2020, 2, 1, tzinfo=UTC)) for c in commitments for p in parties
    )


def sweep_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        services.deadline_sweep()
        services.reminders_raise()
    return len(queries)


def test_the_sweep_takes_the_same_number_of_queries_for_10_and_1000_obligations():
    build_obligations(10)
    small = sweep_queries()
    assert Obligation.objects.filter(overdue=True).count() == 10
    Alert.objects.all().delete()
    Obligation.objects.all().delete()
    build_obligations(1000)
    large = sweep_queries()
    assert Obligation.objects.filter(overdue=True).count() == 1000
    assert Alert.objects.count() == 1000
    assert small == large


def test_the_command_reports_and_dry_run_changes_nothing(demo):
    out = StringIO()
    call_command("sweep_deadlines", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "flag overdue: para 3: POW lists to the ICRC — Armenia (due end of 6 Nov 2020 (Europe/Zurich)" in text
    assert "would be flagged overdue" in text
    assert not Obligation.objects.filter(overdue=True).exists()
    assert not Alert.objects.exclude(kind=AlertKind.STATUS_CHANGED).exists()

    out = StringIO()
    call_command("sweep_deadlines", stdout=out)
    flagged = Obligation.objects.filter(overdue=True).count()
    assert f"{flagged} obligation(s) were flagged overdue" in out.getvalue()
    assert flagged >= 2

    out = StringIO()
    call_command("sweep_deadlines", stdout=out)
    assert "0 obligation(s) were flagged overdue, 0 were cleared; 0 overdue alert(s)" in out.getvalue()


def test_acknowledging_keeps_the_first_acknowledgement(demo, analyst):
    from tests.factories import UserFactory

    services.deadline_sweep()
    first = services.alerts_acknowledge(alerts=Alert.objects.filter(party__code="ARM"), user=analyst)
    again = services.alerts_acknowledge(alerts=Alert.objects.all(), user=UserFactory())
    assert first == Alert.objects.filter(party__code="ARM").count()
    assert again == Alert.objects.exclude(party__code="ARM").count()
    assert set(Alert.objects.filter(party__code="ARM").values_list("acknowledged_by", flat=True)) == {analyst.pk}
