"""Alerts that resolve themselves when their cause is gone, and acknowledgement: the
services, the outbox through a real SMTP server, and concurrency on PostgreSQL."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from commitments.choices import Category, Status
from commitments.models import Commitment, Obligation
from commitments.services import DeadlineInput, SourceInput, deadline_set
from tests.factories import UserFactory
from tests.tracker.test_concurrency import run_concurrently
from tests.tracker.test_email import FOCAL_POINT, subscribe_and_confirm
from tests.tracker.test_sweep import build_obligations
from tracker import notifications, services
from tracker.choices import AlertKind, OutboxStatus, ResolvedReason
from tracker.demo import load_demo
from tracker.models import Alert, OutboundEmail

END_OF_6_NOV_GENEVA = datetime(2020, 11, 6, 23, tzinfo=UTC)
EXTENSION_SOURCE = SourceInput(publisher="OSCE Minsk Group", published_on=date(2020, 11, 6))


@pytest.fixture
def demo(db):
    load_demo()
    return Commitment.objects.get(category=Category.PRISONERS)


def deadline_alerts(commitment) -> list[tuple]:
    """(party, kind, due moment, resolved reason) of the commitment's deadline alerts."""
    rows = Alert.objects.filter(obligation__commitment=commitment, kind__in=[AlertKind.DUE_SOON, AlertKind.OVERDUE])
    return sorted(rows.values_list("party__code", "kind", "due_at", "resolved_reason"))


def extend(commitment, user, due_on: date) -> None:
    deadline_set(
        commitment=commitment,
        deadline=DeadlineInput(due_on=due_on),
        reason="Talks resumed with a new timetable.",
        source=EXTENSION_SOURCE,
        user=user,
    )


def overdue_codes(commitment) -> dict:
    return {o.party.code: o.overdue_since for o in commitment.obligations.select_related("party") if o.overdue}


# Resolved by the cause's own transaction


def test_azerbaijan_fulfilling_the_pow_lists_resolves_its_overdue_alert_only(demo, record):
    services.deadline_sweep()
    aze = demo.obligations.get(party__code="AZE").party
    record(demo, party=aze, status=Status.FULFILLED, effective_on=date(2020, 11, 9))
    assert deadline_alerts(demo) == [
        ("ARM", "overdue", END_OF_6_NOV_GENEVA, ""),
        ("AZE", "overdue", END_OF_6_NOV_GENEVA, ResolvedReason.FULFILLED),
    ]
    resolved = Alert.objects.get(obligation__commitment=demo, party=aze, kind=AlertKind.OVERDUE)
    assert resolved.resolved_at is not None and resolved.acknowledged_at is None
    # The status-changed alert is news, not a state that ends: left to acknowledgement.
    assert Alert.objects.get(obligation__commitment=demo, kind=AlertKind.STATUS_CHANGED, party=aze).resolved_at is None


def test_a_superseded_obligation_resolves_its_alerts_as_superseded(demo, record):
    services.deadline_sweep()
    record(demo, status=Status.SUPERSEDED, effective_on=date(2020, 11, 9), summary="Replaced by the 10 Nov statement.")
    reasons = {reason for *_, reason in deadline_alerts(demo)}
    assert reasons == {ResolvedReason.SUPERSEDED}


def test_extending_past_now_resolves_the_overdue_alerts_and_clears_the_flags_at_once(demo, analyst):
    services.deadline_sweep()
    assert overdue_codes(demo) == {"ARM": END_OF_6_NOV_GENEVA, "AZE": END_OF_6_NOV_GENEVA}
    extend(demo, analyst, timezone.now().date() + timedelta(days=30))
    # No sweep in between: the commitment page no longer says "Overdue since 6 Nov".
    assert overdue_codes(demo) == {}
    assert deadline_alerts(demo) == [
        ("ARM", "overdue", END_OF_6_NOV_GENEVA, ResolvedReason.DEADLINE_MOVED),
        ("AZE", "overdue", END_OF_6_NOV_GENEVA, ResolvedReason.DEADLINE_MOVED),
    ]


def test_a_revision_still_in_the_past_resolves_the_old_alerts_and_raises_new_ones_at_once(demo, analyst):
    services.deadline_sweep()
    extend(demo, analyst, date(2020, 11, 13))
    new_due = datetime(2020, 11, 13, 23, tzinfo=UTC)
    assert overdue_codes(demo) == {"ARM": new_due, "AZE": new_due}
    assert deadline_alerts(demo) == [
        ("ARM", "overdue", END_OF_6_NOV_GENEVA, ResolvedReason.DEADLINE_REVISED),
        ("ARM", "overdue", new_due, ""),
        ("AZE", "overdue", END_OF_6_NOV_GENEVA, ResolvedReason.DEADLINE_REVISED),
        ("AZE", "overdue", new_due, ""),
    ]
    # The sweep finds nothing left to do.
    assert services.deadline_sweep() == services.SweepResult(flagged=0, cleared=0, raised=0)


def test_the_sweep_resolves_what_no_receiver_saw(demo):
    services.deadline_sweep()
    # Written behind the services' back (a data fix in the shell): no signal was sent.
    demo.obligations.filter(party__code="ARM").update(status=Status.FULFILLED)
    assert Alert.objects.filter(resolved_at__isnull=False).count() == 0
    services.deadline_sweep()
    assert ("ARM", "overdue", END_OF_6_NOV_GENEVA, ResolvedReason.FULFILLED) in deadline_alerts(demo)
    assert ("AZE", "overdue", END_OF_6_NOV_GENEVA, "") in deadline_alerts(demo)


def test_a_resolved_alert_stays_resolved_with_its_first_reason(demo, record):
    services.deadline_sweep()
    record(demo, status=Status.FULFILLED, effective_on=date(2020, 11, 9))
    first = dict(Alert.objects.filter(kind=AlertKind.OVERDUE).values_list("pk", "resolved_at"))
    services.alerts_resolve(now=timezone.now() + timedelta(hours=1))
    assert dict(Alert.objects.filter(kind=AlertKind.OVERDUE).values_list("pk", "resolved_at")) == first


# The outbox, through a real SMTP server


def test_a_queued_overdue_email_is_not_sent_once_the_obligation_is_fulfilled(client, smtp_server, demo, record):
    aze = demo.obligations.get(party__code="AZE").party
    subscribe_and_confirm(client, smtp_server, party=aze, category=Category.PRISONERS)
    services.deadline_sweep()  # queues the overdue email; the sender has not run yet
    record(demo, party=aze, status=Status.FULFILLED, effective_on=date(2020, 11, 9))
    result = notifications.outbox_send()
    subjects = [m["Subject"] for m in smtp_server.handler.to(FOCAL_POINT)]
    assert subjects == ["Status changed: POW lists to the ICRC, Azerbaijan: Fulfilled"]
    assert result.cancelled == 1
    cancelled = OutboundEmail.objects.get(alert__kind=AlertKind.OVERDUE)
    assert (cancelled.status, cancelled.last_error) == (
        OutboxStatus.CANCELLED,
        "the alert was resolved: Obligation fulfilled",
    )


def test_reminders_follow_a_revised_deadline_and_the_old_one_is_not_sent(client, smtp_server, demo, analyst):
    aze = demo.obligations.get(party__code="AZE").party
    subscribe_and_confirm(client, smtp_server, party=aze, category=Category.PRISONERS, on_status_changed=False)
    # 1 Nov: the POW lists (due 6 Nov) fall due within 7 days; the reminder is queued.
    with time_machine.travel(datetime(2020, 11, 1, 12, tzinfo=UTC), tick=False):
        assert services.reminders_raise() >= 1
        assert OutboundEmail.objects.filter(alert__kind=AlertKind.DUE_SOON, status=OutboxStatus.PENDING).count() == 1
        # Before the sender runs, the deadline is revised to 20 Nov.
        extend(demo, analyst, date(2020, 11, 20))
        result = notifications.outbox_send()
    assert result.sent == 0 and result.cancelled == 1
    assert smtp_server.handler.to(FOCAL_POINT) == []
    old = OutboundEmail.objects.get(alert__due_at=END_OF_6_NOV_GENEVA)
    assert old.last_error == "the alert was resolved: Deadline revised (this alert was for the old one)"
    # 14 Nov: the revised deadline gets its own reminder, sent.
    with time_machine.travel(datetime(2020, 11, 14, 12, tzinfo=UTC), tick=False):
        services.reminders_raise()
        assert notifications.outbox_send().sent == 1
        # Nothing for the old moment, however often the engine runs.
        services.deadline_sweep()
        services.reminders_raise()
        assert notifications.outbox_send().sent == 0
    (message,) = smtp_server.handler.to(FOCAL_POINT)
    assert message["Subject"] == "Due soon: POW lists to the ICRC, Azerbaijan, due 20 Nov 2020"
    new_due = datetime(2020, 11, 20, 23, tzinfo=UTC)
    assert Alert.objects.get(party=aze, kind=AlertKind.DUE_SOON, due_at=new_due).resolved_at is None


# Acknowledgement


def test_the_first_acknowledgement_is_kept(demo, analyst):
    services.deadline_sweep()
    other = UserFactory(username="second")
    alerts = Alert.objects.filter(obligation__commitment=demo)
    assert services.alerts_acknowledge(alerts=alerts, user=analyst) == 2
    assert services.alerts_acknowledge(alerts=alerts, user=other) == 0
    assert set(alerts.values_list("acknowledged_by__username", flat=True)) == {"ana"}


THREADS = 20


def all_at_once(target, count: int = THREADS) -> list:
    """``target(i)`` from ``count`` threads, each with its own connection, released together."""
    return run_concurrently(target, count)


@pytest.mark.postgres
def test_twenty_analysts_acknowledging_the_same_alerts_at_once_acknowledge_each_once(
    transactional_db, django_db_serialized_rollback
):
    build_obligations(100)
    services.deadline_sweep()
    users = [UserFactory(username=f"analyst-{i}") for i in range(THREADS)]
    # Filtered across relations, as the inbox does: the check must still hold on the row.
    alerts = Alert.objects.filter(obligation__commitment__agreement__title__isnull=False)

    def acknowledge(index: int) -> tuple[int, set[int]]:
        acknowledged = services.alerts_acknowledge(alerts=alerts, user=users[index])
        return acknowledged, set(Alert.objects.filter(acknowledged_by=users[index]).values_list("pk", flat=True))

    results = all_at_once(acknowledge)
    assert sum(n for n, _ in results) == 100
    # What each call reported it acknowledged is what still carries its name: nobody
    # overwrote a first acknowledgement.
    assert all(n == len(mine) for n, mine in results)
    assert not Alert.objects.filter(acknowledged_at__isnull=True).exists()


@pytest.mark.postgres
def test_a_resolve_racing_an_acknowledgement_loses_neither(transactional_db, django_db_serialized_rollback):
    build_obligations(100)
    services.deadline_sweep()
    user = UserFactory(username="acknowledger")
    Obligation.objects.update(status=Status.FULFILLED)  # behind the receivers' back

    def either(index: int) -> int:
        if index % 2:
            return services.alerts_resolve()
        return services.alerts_acknowledge(alerts=Alert.objects.all(), user=user)

    results = all_at_once(either, count=4)
    assert results[1] + results[3] == 100 and results[0] + results[2] == 100
    assert Alert.objects.filter(resolved_reason=ResolvedReason.FULFILLED, acknowledged_by=user).count() == 100


# The commitment page right after the change


def test_right_after_deadline_revised_the_page_no_longer_says_overdue_since_6_nov(client, analyst, demo):
    from commitments.form_once import new_form_token

    services.deadline_sweep()
    client.force_login(analyst)
    assert "Overdue since the end of 6 Nov 2020" in client.get(f"/commitments/{demo.pk}/").text
    later = (timezone.now() + timedelta(days=30)).date()
    done = client.post(
        f"/commitments/{demo.pk}/",
        {
            "action": "extend",
            "due_on": later.isoformat(),
            "reason": "Talks resumed.",
            "source_publisher": "OSCE",
            "form_token": new_form_token(),
        },
        follow=True,
    )
    assert "Deadline revised." in done.text
    assert "Overdue since the end of 6 Nov 2020" not in done.text
    assert not demo.obligations.filter(overdue=True).exists()
