"""Email alerts end to end: a real Celery worker on the real Redis sends through a real
SMTP server (aiosmtpd)."""

from django.utils import timezone

from commitments.choices import Category, Status
from commitments.models import Commitment
from parties.choices import PartyKind
from tests.factories import PartyFactory
from tests.tracker.conftest import broker_drained
from tests.tracker.test_email import FOCAL_POINT, links, path
from tests.tracker.test_worker import wait_for
from tracker import email_links, notifications
from tracker.choices import OutboxStatus
from tracker.demo import load_demo
from tracker.models import OutboundEmail, Recipient


def subjects(smtp, address=FOCAL_POINT) -> list[str]:
    return [m["Subject"] for m in smtp.handler.to(address)]


def confirm_through_the_worker(client, smtp, email=FOCAL_POINT, **filters):
    notifications.subscription_create(email=email, **filters)
    # subscription_create queued the sender on commit; the worker sends the confirmation.
    assert wait_for(lambda: len(smtp.handler.to(email)) == 1)
    (link,) = [u for u in links(smtp.handler.to(email)[0]) if "/alerts/confirm/" in u]
    assert client.get(path(link)).status_code == 200


def run(worker, task: str) -> None:
    worker.send_task(task)
    assert wait_for(lambda: broker_drained(worker))


def test_overdue_email_once_through_the_worker_then_unsubscribe_stops_the_next(celery_worker, smtp_server, client):
    # Subscribed before the data arrives: loading the demo queues the sweep on commit,
    # which raises the alerts and queues the sender.
    aze = PartyFactory(code="AZE", name="Republic of Azerbaijan", short_name="Azerbaijan", kind=PartyKind.STATE)
    confirm_through_the_worker(client, smtp_server, party=aze, category=Category.PRISONERS)
    load_demo()
    lists = Commitment.objects.get(category=Category.PRISONERS)
    assert wait_for(lambda: "Overdue: POW lists to the ICRC, Azerbaijan, due 6 Nov 2020" in subjects(smtp_server))
    run(celery_worker, "tracker.sweep_deadlines")
    run(celery_worker, "tracker.send_outbox")
    run(celery_worker, "tracker.send_outbox")
    assert subjects(smtp_server).count("Overdue: POW lists to the ICRC, Azerbaijan, due 6 Nov 2020") == 1
    assert len(subjects(smtp_server)) == 2  # the confirmation and the alert

    (alert_mail,) = [m for m in smtp_server.handler.to(FOCAL_POINT) if m["Subject"].startswith("Overdue")]
    (unsubscribe,) = [u for u in links(alert_mail) if "/alerts/unsubscribe/" in u]
    assert client.get(path(unsubscribe)).status_code == 200
    # The next alert for it: a new overdue moment after a revised deadline.
    from datetime import date

    from commitments.services import DeadlineInput, SourceInput, deadline_set

    deadline_set(
        commitment=lists,
        deadline=DeadlineInput(due_on=date(2020, 11, 13)),
        reason="One more week.",
        source=SourceInput(publisher="OSCE", published_on=date(2020, 11, 6)),
    )
    run(celery_worker, "tracker.sweep_deadlines")
    run(celery_worker, "tracker.send_outbox")
    assert len(subjects(smtp_server)) == 2


def test_smtp_down_then_back_and_a_rejected_address_through_the_worker(celery_worker, smtp_server, client):
    confirm_through_the_worker(client, smtp_server, category=Category.PRISONERS)
    confirm_through_the_worker(client, smtp_server, email="gone@partner.example", category=Category.PRISONERS)
    smtp_server.handler.reject.add("gone@partner.example")
    smtp_server.stop()

    load_demo()  # queues the sweep, which queues the sender: SMTP is down
    assert wait_for(lambda: broker_drained(celery_worker))
    assert wait_for(lambda: not OutboundEmail.objects.filter(status=OutboxStatus.SENDING).exists())
    queued = OutboundEmail.objects.filter(kind="alert")
    assert queued.count() == 4
    assert set(queued.values_list("status", "attempts")) == {(OutboxStatus.PENDING, 1)}

    smtp_server.start()
    queued.update(next_attempt_at=timezone.now())  # the backoff has passed
    run(celery_worker, "tracker.send_outbox")
    assert len(smtp_server.handler.to(FOCAL_POINT)) == 1 + 2  # confirmation + both parties' POW lists
    assert set(queued.filter(recipient__email=FOCAL_POINT).values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert set(queued.filter(recipient__email="gone@partner.example").values_list("status", flat=True)) == {
        OutboxStatus.FAILED
    }
    assert Recipient.objects.get(email="gone@partner.example").bounced_at is not None


def test_a_crlf_title_and_an_unbuildable_address_do_not_hold_up_the_worker(celery_worker, smtp_server, client, analyst):
    from datetime import date

    from commitments.services import SourceInput, status_update_record
    from tests.tracker.test_email_failures import BROKEN_ADDRESS, POISONED_TITLE, SAFE_TITLE

    confirm_through_the_worker(client, smtp_server, category=Category.PRISONERS)
    broken = notifications.subscription_create(email="broken@partner.example", category=Category.PRISONERS)
    notifications.recipient_confirm(token=email_links.confirmation_token(broken.recipient))
    Recipient.objects.filter(pk=broken.recipient_id).update(email=BROKEN_ADDRESS)
    load_demo()  # the sweep's overdue alerts, sent by the worker
    assert wait_for(lambda: broker_drained(celery_worker))
    lists = Commitment.objects.get(category=Category.PRISONERS)
    Commitment.objects.filter(pk=lists.pk).update(title=POISONED_TITLE)  # stored before input validation

    status_update_record(
        commitment=lists,
        status=Status.IN_PROGRESS,
        effective_on=date(2020, 11, 8),
        summary="Lists being compiled.",
        sources=[SourceInput(publisher="ICRC", published_on=date(2020, 11, 8))],
        user=analyst,
    )  # queues the sender on commit
    expected = {f"Status changed: {SAFE_TITLE}, {party}: In progress" for party in ("Armenia", "Azerbaijan")}
    assert wait_for(lambda: expected <= set(subjects(smtp_server)))
    assert wait_for(lambda: broker_drained(celery_worker))
    assert subjects(smtp_server).count("Overdue: POW lists to the ICRC, Azerbaijan, due 6 Nov 2020") == 1
    unbuildable = OutboundEmail.objects.filter(recipient_id=broken.recipient_id, kind="alert")
    assert unbuildable.count() == 4
    assert set(unbuildable.values_list("status", flat=True)) == {OutboxStatus.FAILED}
    assert not OutboundEmail.objects.filter(status__in=[OutboxStatus.SENDING, OutboxStatus.PENDING]).exists()
