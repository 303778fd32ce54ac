"""One message that cannot be built or is refused never holds up the others. Stored data
from before input validation (a CR/LF in a title or an address) is put in the database
directly, with QuerySet.update, as such data looks; sent through a real SMTP server."""

from datetime import timedelta

import pytest
from django.utils import timezone

from commitments.choices import Category
from commitments.models import Commitment
from tests.factories import AgreementFactory, PartyFactory
from tracker import email_links, notifications, services
from tracker.choices import Delivery, OutboxStatus
from tracker.models import OutboundEmail, Recipient

pytestmark = pytest.mark.django_db

POISONED_TITLE = "POW lists\r\nBcc: victim@evil.example\u2028\x1b\t to the ICRC"
SAFE_TITLE = "POW lists Bcc: victim@evil.example to the ICRC"
BROKEN_ADDRESS = "broken@partner.example\r\nBcc: victim@evil.example"


def subscribe(email: str, **filters):
    subscription = notifications.subscription_create(email=email, **filters)
    notifications.recipient_confirm(token=email_links.confirmation_token(subscription.recipient))
    return subscription


def send_all() -> None:
    for _ in range(10):  # bounded: every row ends sent, failed or cancelled in a few rounds
        notifications.outbox_send()
        if not notifications.outbox_due_count():
            return


@pytest.fixture
def truce():
    return AgreementFactory(title="Published truce", published=True)


def test_a_crlf_title_and_a_refused_address_among_100_good_messages(smtp_server, make_commitment, truce, record):
    poisoned = make_commitment(agreement=truce, title="POW lists", category=Category.VERIFICATION)
    Commitment.objects.filter(pk=poisoned.pk).update(title=POISONED_TITLE)
    good = make_commitment(agreement=truce, title="Prisoner exchange", category=Category.PRISONERS)
    subscribe("reader.of.poison@partner.example", category=Category.VERIFICATION)
    for i in range(50):
        subscribe(f"person{i}@partner.example", category=Category.PRISONERS)
    subscribe("gone@partner.example", category=Category.PRISONERS)
    smtp_server.handler.reject.add("gone@partner.example")
    subscribe("broken@partner.example", category=Category.PRISONERS)
    Recipient.objects.filter(email="broken@partner.example").update(email=BROKEN_ADDRESS)

    record(Commitment.objects.get(pk=poisoned.pk))  # queued first: it used to block the rest
    record(good)
    alerts = OutboundEmail.objects.filter(kind="alert")
    assert alerts.count() == 2 + 100 + 2 + 2
    send_all()

    good_mail = [m for i in range(50) for m in smtp_server.handler.to(f"person{i}@partner.example")]
    assert len(good_mail) == 100
    assert alerts.filter(recipient__email__startswith="person", status=OutboxStatus.SENT).count() == 100
    # The CR/LF title is collapsed into one subject line: delivered, with no header injected.
    poison_mail = smtp_server.handler.to("reader.of.poison@partner.example")
    assert sorted(m["Subject"] for m in poison_mail) == [
        f"Status changed: {SAFE_TITLE}, Armenia: In progress",
        f"Status changed: {SAFE_TITLE}, Azerbaijan: In progress",
    ]
    assert all(m["Bcc"] is None for m in smtp_server.handler.messages)
    assert smtp_server.handler.to("victim@evil.example") == []
    # The bad ones are failed with the reason, and nothing is left claimed or waiting.
    refused = alerts.filter(recipient__email="gone@partner.example")
    assert {r.status for r in refused} == {OutboxStatus.FAILED}
    assert all(r.last_error.startswith("550") for r in refused)
    unbuildable = alerts.filter(recipient__email=BROKEN_ADDRESS)
    assert {r.status for r in unbuildable} == {OutboxStatus.FAILED}
    assert all(r.last_error.startswith("cannot build the message: ValueError: Invalid address") for r in unbuildable)
    assert not OutboundEmail.objects.filter(status__in=[OutboxStatus.SENDING, OutboxStatus.PENDING]).exists()


def test_a_subject_longer_than_its_column_is_sent_and_stored_shortened(smtp_server, make_commitment, truce, record):
    long_party = PartyFactory(code="long", name="A " + "very " * 36 + "long party name")
    pledge = make_commitment(agreement=truce, title="T" * 200, parties=[long_party])
    subscribe("reader@partner.example")
    record(pledge)
    send_all()
    (mail,) = smtp_server.handler.to("reader@partner.example")
    assert len(mail["Subject"]) > 300
    row = OutboundEmail.objects.get(kind="alert")
    assert row.status == OutboxStatus.SENT
    assert row.subject == str(mail["Subject"])[:300]


def test_a_message_left_claimed_by_a_dead_sender_goes_behind_the_others_and_fails_in_the_end(
    settings, smtp_server, make_commitment, truce
):
    """A row that kills its sender every time must not be taken first for ever."""
    subscribe("reader@partner.example")
    send_all()  # the confirmation row (cancelled: the address is confirmed already)
    make_commitment(agreement=truce)
    services.deadline_sweep()
    first, second = OutboundEmail.objects.filter(kind="alert").order_by("pk")
    claimed_long_ago = timezone.now() - timedelta(seconds=settings.TRACKER_OUTBOX_CLAIM_TIMEOUT + 60)
    OutboundEmail.objects.filter(pk=first.pk).update(status=OutboxStatus.SENDING, claimed_at=claimed_long_ago)
    assert notifications.outbox_send(batch_size=1).sent == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.status, first.status, first.attempts) == (OutboxStatus.SENT, OutboxStatus.PENDING, 1)
    assert first.last_error == "the sender stopped while sending it"

    OutboundEmail.objects.filter(pk=first.pk).update(
        status=OutboxStatus.SENDING, claimed_at=claimed_long_ago, attempts=settings.TRACKER_OUTBOX_MAX_ATTEMPTS - 1
    )
    notifications.outbox_send()
    first.refresh_from_db()
    assert (first.status, first.attempts) == (OutboxStatus.FAILED, settings.TRACKER_OUTBOX_MAX_ATTEMPTS)
    assert len(smtp_server.handler.to("reader@partner.example")) == 1


def test_a_digest_that_cannot_be_built_is_failed_and_the_next_one_is_sent(smtp_server, make_commitment, truce):
    broken = subscribe("broken.digest@partner.example", delivery=Delivery.DIGEST, digest_hour=0)
    subscribe("reader@partner.example", delivery=Delivery.DIGEST, digest_hour=0)
    make_commitment(agreement=truce)
    services.deadline_sweep()
    assert notifications.digests_queue(now=timezone.now()) == 2
    OutboundEmail.objects.filter(subscription=broken).update(digest_alert_ids="not a list of ids")
    send_all()
    assert len(smtp_server.handler.to("reader@partner.example")) == 1
    row = OutboundEmail.objects.get(kind="digest", subscription=broken)
    assert row.status == OutboxStatus.FAILED
    assert row.last_error.startswith("cannot build the message: ")
