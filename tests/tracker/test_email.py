"""Email alerts through a real SMTP server (aiosmtpd), called as the sender task does."""

import re
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from commitments.choices import Category, Status
from commitments.models import Commitment
from commitments.services import DeadlineInput, SourceInput, deadline_set, status_update_record
from tracker import email_links, notifications, services
from tracker.choices import Delivery, OutboxStatus
from tracker.demo import load_demo
from tracker.models import OutboundEmail, Recipient, Subscription

pytestmark = pytest.mark.django_db

FOCAL_POINT = "focal.point@partner.example"


def links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.get_body(("plain",)).get_content())


def path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def subscribe_and_confirm(client, smtp, email=FOCAL_POINT, **filters) -> Subscription:
    subscription = notifications.subscription_create(email=email, **filters)
    notifications.outbox_send()
    (confirmation,) = smtp.handler.to(email)
    assert confirmation["Subject"] == "Confirm your email address for ceasefire commitment alerts"
    (confirm_link,) = [u for u in links(confirmation) if "/alerts/confirm/" in u]
    assert client.get(path(confirm_link)).status_code == 200
    smtp.handler.messages.clear()
    return subscription


@pytest.fixture
def demo():
    load_demo()
    return Commitment.objects.get(category=Category.PRISONERS)


@pytest.fixture
def aze(demo):
    return demo.obligations.get(party__code="AZE").party


def test_a_subscriber_to_azerbaijan_gets_one_overdue_email_for_the_pow_lists(client, smtp_server, demo, aze):
    subscribe_and_confirm(client, smtp_server, party=aze, category=Category.PRISONERS)
    services.deadline_sweep()
    result = notifications.outbox_send()
    assert result.sent == 1
    (message,) = smtp_server.handler.to(FOCAL_POINT)
    assert message["Subject"] == "Overdue: POW lists to the ICRC, Azerbaijan, due 6 Nov 2020"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        assert "Submit lists of prisoners of war to the Red Cross within a week" in part
        assert "Republic of Azerbaijan" in part
        assert "end of 6 Nov 2020 (Europe/Zurich) = 6 Nov 2020 23:00 UTC" in part
        assert "Not started" in part
    assert str(message["List-Unsubscribe"]).strip().startswith("<http")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Again: nothing more.
    services.deadline_sweep()
    assert notifications.outbox_send().sent == 0
    assert len(smtp_server.handler.to(FOCAL_POINT)) == 1


def test_the_commitment_link_in_an_email_opens_the_commitment(client, smtp_server, demo, aze, analyst):
    subscribe_and_confirm(client, smtp_server, party=aze, category=Category.PRISONERS)
    services.deadline_sweep()
    notifications.outbox_send()
    (message,) = smtp_server.handler.to(FOCAL_POINT)
    (link,) = [u for u in links(message) if "/commitments/" in u]
    assert client.get(path(link)).status_code == 302  # to the login page
    client.force_login(analyst)
    page = client.get(path(link))
    assert page.status_code == 200
    assert "POW lists to the ICRC" in page.text


def test_nothing_but_the_confirmation_is_sent_before_the_address_is_confirmed(smtp_server, demo, aze):
    notifications.subscription_create(email=FOCAL_POINT, party=aze)
    services.deadline_sweep()
    notifications.outbox_send()
    assert [m["Subject"] for m in smtp_server.handler.to(FOCAL_POINT)] == [
        "Confirm your email address for ceasefire commitment alerts"
    ]
    # A second subscription of the same address sends no second confirmation.
    notifications.subscription_create(email=FOCAL_POINT, category=Category.PRISONERS)
    notifications.outbox_send()
    assert len(smtp_server.handler.to(FOCAL_POINT)) == 1


def test_unsubscribing_through_the_link_stops_the_next_alert(client, smtp_server, demo, aze, analyst):
    subscribe_and_confirm(client, smtp_server, party=aze, category=Category.PRISONERS)
    other = subscribe_and_confirm(client, smtp_server, email="desk@partner.example", party=aze)
    services.deadline_sweep()
    notifications.outbox_send()
    (message,) = smtp_server.handler.to(FOCAL_POINT)
    (unsubscribe,) = [u for u in links(message) if "/alerts/unsubscribe/" in u]
    assert str(message["List-Unsubscribe"]).strip() == f"<{unsubscribe}>"
    page = client.get(path(unsubscribe))  # no login
    assert page.status_code == 200
    assert "Unsubscribed" in page.text
    smtp_server.handler.messages.clear()

    status_update_record(
        commitment=demo,
        party=aze,
        status=Status.IN_PROGRESS,
        effective_on=date(2020, 11, 8),
        summary="Azerbaijan says its list is being compiled.",
        sources=[SourceInput(publisher="ICRC", published_on=date(2020, 11, 8))],
        internal_note="SECRET-NOTE: source is a personal contact.",
        user=analyst,
    )
    notifications.outbox_send()
    assert smtp_server.handler.to(FOCAL_POINT) == []
    # The other subscription of the other address goes on, and never shows the note.
    (status_mail,) = smtp_server.handler.to("desk@partner.example")
    assert status_mail["Subject"] == "Status changed: POW lists to the ICRC, Azerbaijan: In progress"
    assert "Azerbaijan says its list is being compiled." in status_mail.get_body(("plain",)).get_content()
    assert "SECRET-NOTE" not in status_mail.as_string()
    assert other.pk != Subscription.objects.get(recipient__email=FOCAL_POINT).pk


def test_one_click_unsubscribe_by_post_from_the_mail_client(client, smtp_server, demo, aze):
    subscription = subscribe_and_confirm(client, smtp_server, party=aze)
    token = email_links.unsubscribe_token(subscription)
    response = client.post(f"/alerts/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None
    # Undo.
    assert client.post(f"/alerts/resubscribe/{token}/").status_code == 200
    subscription.refresh_from_db()
    assert subscription.active


def test_a_tampered_link_is_refused_with_a_clear_page(client, db):
    assert client.get("/alerts/unsubscribe/not-a-token/").status_code == 400
    response = client.get("/alerts/confirm/forged:token/")
    assert response.status_code == 400
    assert "not valid" in response.text


def test_a_confirmation_link_expires(client, smtp_server, demo):
    notifications.subscription_create(email=FOCAL_POINT)
    notifications.outbox_send()
    (confirm_link,) = [u for u in links(smtp_server.handler.to(FOCAL_POINT)[0]) if "confirm" in u]
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        response = client.get(path(confirm_link))
    assert response.status_code == 400
    assert "expired" in response.text
    assert Recipient.objects.get(email=FOCAL_POINT).confirmed_at is None


def test_the_digest_groups_by_agreement_sorts_by_due_moment_and_comes_once_a_day(client, smtp_server, demo, analyst):
    subscribe_and_confirm(
        client, smtp_server, delivery=Delivery.DIGEST, digest_hour=9, timezone_name="Asia/Baku", on_status_changed=False
    )
    services.deadline_sweep()
    # The verification pledge's deadline is corrected to 2 Nov: it now comes first.
    verification = Commitment.objects.get(category=Category.VERIFICATION)
    deadline_set(
        commitment=verification,
        deadline=DeadlineInput(due_on=date(2020, 11, 2)),
        reason="Date given in the co-chairs' full text.",
        source=SourceInput(publisher="OSCE", published_on=date(2020, 10, 30)),
        user=analyst,
    )
    services.deadline_sweep()
    notifications.outbox_send()
    assert smtp_server.handler.to(FOCAL_POINT) == []  # digest subscribers get no immediate mail

    # 09:00 tomorrow in Baku (UTC+4) is 05:00 UTC.
    baku_nine = datetime.combine(timezone.now().date() + timedelta(days=1), datetime.min.time(), UTC) + timedelta(
        hours=5
    )
    with time_machine.travel(baku_nine - timedelta(hours=1), tick=False):
        assert notifications.digests_queue() == 0  # 08:00 in Baku: not yet
    with time_machine.travel(baku_nine, tick=False):
        assert notifications.digests_queue() == 1
        assert notifications.digests_queue() == 0  # once a day
        notifications.outbox_send()
    (digest,) = smtp_server.handler.to(FOCAL_POINT)
    # The verification pledge's alerts for its old due moment were resolved by the
    # correction ("deadline revised"): the digest leaves them out.
    assert digest["Subject"].startswith("Daily digest: 4 alert(s)")
    text = digest.get_body(("plain",)).get_content()
    assert text.count("Overdue: ") == 4
    assert "== Statement of the OSCE Minsk Group co-chairs on the Geneva meeting (30 Oct 2020) ==" in text
    dues = re.findall(r"Due: end of (\d+ \w+ 2020)", text)
    assert dues == ["2 Nov 2020", "2 Nov 2020", "6 Nov 2020", "6 Nov 2020"]
    assert "Daily digest" in digest.get_body(("html",)).get_content()


def test_smtp_down_then_back_loses_nothing(client, smtp_server, demo, aze):
    subscribe_and_confirm(client, smtp_server, party=aze)
    services.deadline_sweep()
    smtp_server.stop()
    result = notifications.outbox_send()
    assert result.retried == 2 and result.sent == 0
    waiting = OutboundEmail.objects.filter(kind="alert")
    assert set(waiting.values_list("status", "attempts")) == {(OutboxStatus.PENDING, 1)}
    assert all(m.next_attempt_at > timezone.now() for m in waiting)
    assert notifications.outbox_send().sent == 0  # not due yet: backoff
    smtp_server.start()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert notifications.outbox_send().sent == 2
    assert len(smtp_server.handler.to(FOCAL_POINT)) == 2
    assert set(waiting.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_after_the_last_retry_a_message_is_failed_and_kept(settings, client, smtp_server, demo, aze):
    settings.TRACKER_OUTBOX_MAX_ATTEMPTS = 2
    subscribe_and_confirm(client, smtp_server, party=aze, category=Category.PRISONERS)
    services.deadline_sweep()
    smtp_server.stop()
    notifications.outbox_send()
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert notifications.outbox_send().failed == 1
    message = OutboundEmail.objects.get(kind="alert")
    assert message.status == OutboxStatus.FAILED
    assert "Connection refused" in message.last_error or "Error" in message.last_error


def test_an_address_smtp_rejects_is_marked_and_the_others_still_get_mail(client, smtp_server, demo, aze, analyst):
    subscribe_and_confirm(client, smtp_server, email="gone@partner.example", party=aze, category=Category.PRISONERS)
    subscribe_and_confirm(client, smtp_server, party=aze, category=Category.PRISONERS)
    smtp_server.handler.reject.add("gone@partner.example")
    services.deadline_sweep()
    result = notifications.outbox_send()
    assert (result.sent, result.failed) == (1, 1)
    assert len(smtp_server.handler.to(FOCAL_POINT)) == 1
    gone = Recipient.objects.get(email="gone@partner.example")
    assert gone.bounced_at is not None
    assert gone.bounce_reason.startswith("550")
    # Stops getting mail: the next alert is not even queued for it.
    status_update_record(
        commitment=demo,
        party=aze,
        status=Status.IN_PROGRESS,
        effective_on=date(2020, 11, 8),
        summary="Compiling.",
        sources=[SourceInput(publisher="ICRC", published_on=date(2020, 11, 8))],
        user=analyst,
    )
    assert not OutboundEmail.objects.filter(recipient=gone, status=OutboxStatus.PENDING).exists()
    notifications.outbox_send()
    assert len(smtp_server.handler.to(FOCAL_POINT)) == 2


def test_one_smtp_connection_serves_a_batch(client, smtp_server, demo, analyst):
    for i in range(30):
        subscribe_and_confirm(client, smtp_server, email=f"person{i}@partner.example", category=Category.PRISONERS)
    smtp_server.handler.connections = 0
    services.deadline_sweep()
    result = notifications.outbox_send()
    assert result.sent == 60  # 30 subscribers x the POW lists of both parties
    assert result.connections == 1
    assert smtp_server.handler.connections == 1


def test_two_senders_at_once_send_each_message_once(
    client, smtp_server, demo, transactional_db, django_db_serialized_rollback
):
    for i in range(20):
        subscribe_and_confirm(client, smtp_server, email=f"person{i}@partner.example")
    services.deadline_sweep()
    queued = OutboundEmail.objects.filter(kind="alert").count()
    barrier = threading.Barrier(2)

    def sender():
        from django.db import connection

        try:
            barrier.wait(timeout=10)
            notifications.outbox_send(batch_size=7)
            while notifications.outbox_due_count():
                notifications.outbox_send(batch_size=7)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    ids = [m["Message-ID"] for m in smtp_server.handler.messages]
    assert len(ids) == queued
    assert len(set(ids)) == len(ids)


def test_a_subscription_needs_a_real_address_and_some_kind_of_alert(db):
    with pytest.raises(ValidationError) as exc:
        notifications.subscription_create(email="not an address")
    assert "email" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        notifications.subscription_create(
            email=FOCAL_POINT,
            on_due_soon=False,
            on_overdue=False,
            on_status_changed=False,
            on_incident_linked=False,
        )
    assert "on_overdue" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        notifications.subscription_create(email=FOCAL_POINT, timezone_name="Mars/Olympus", digest_hour=25)
    assert {"timezone", "digest_hour"} <= set(exc.value.message_dict)
    assert not Recipient.objects.exists()
    assert not Subscription.objects.exists()
