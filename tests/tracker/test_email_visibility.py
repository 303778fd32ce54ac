"""Email never tells a recipient about an agreement their role may not read: partners,
users with no role and addresses with no login hear about published agreements only;
analysts and admins about drafts too. Checked when a message is queued and again when it
is sent, through a real SMTP server (aiosmtpd)."""

from datetime import date

import pytest
from django.utils import timezone

from commitments.choices import Category
from commitments.services import agreement_update
from tests.factories import AgreementFactory, UserFactory
from tracker import email_links, notifications, services
from tracker.choices import Delivery, OutboxStatus
from tracker.models import OutboundEmail

pytestmark = pytest.mark.django_db

ANALYST, PARTNER, NO_ROLE, EXTERNAL = (
    "analyst@tracker.example",
    "partner@partner.example",
    "no.role@partner.example",
    "focal.point@partner.example",
)
EVERYONE = (ANALYST, PARTNER, NO_ROLE, EXTERNAL)


def subscribe(email: str, user=None, **options):
    """A confirmed subscription to everything (the confirmation link's own service)."""
    subscription = notifications.subscription_create(email=email, user=user, **options)
    notifications.recipient_confirm(token=email_links.confirmation_token(subscription.recipient))
    return subscription


@pytest.fixture
def readers(analyst, partner):
    """One subscriber of each kind, each subscribed to everything."""

    def make(**options):
        for user, email in ((analyst, ANALYST), (partner, PARTNER), (UserFactory(username="no-role"), NO_ROLE)):
            user.email = email
            user.save()
            subscribe(email, user=user, **options)
        subscribe(EXTERNAL, **options)

    return make


@pytest.fixture
def draft(make_commitment, geneva):
    assert not geneva.published
    return make_commitment(title="Draft pledge", text="DRAFT-TEXT: not agreed yet.")


@pytest.fixture
def published(make_commitment):
    truce = AgreementFactory(title="Published truce", signed_on=date(2020, 10, 30), published=True)
    return make_commitment(agreement=truce, title="Published pledge", category=Category.VERIFICATION)


def subjects(smtp, address: str) -> list[str]:
    return sorted(str(m["Subject"]) for m in smtp.handler.to(address))


def test_only_the_analyst_hears_of_a_status_change_on_a_draft(smtp_server, readers, draft, published, record):
    readers()
    record(draft)
    record(published)
    notifications.outbox_send()
    draft_news = [
        "Status changed: Draft pledge, Armenia: In progress",
        "Status changed: Draft pledge, Azerbaijan: In progress",
    ]
    published_news = [
        "Status changed: Published pledge, Armenia: In progress",
        "Status changed: Published pledge, Azerbaijan: In progress",
    ]
    assert subjects(smtp_server, ANALYST) == sorted(draft_news + published_news)
    for address in (PARTNER, NO_ROLE, EXTERNAL):
        assert subjects(smtp_server, address) == published_news
        assert not OutboundEmail.objects.filter(recipient__email=address, alert__obligation__commitment=draft).exists()
    everything = b"".join(m.as_bytes() for a in (PARTNER, NO_ROLE, EXTERNAL) for m in smtp_server.handler.to(a))
    assert b"DRAFT-TEXT" not in everything


def test_only_the_analyst_finds_a_draft_in_the_daily_digest(smtp_server, readers, draft, published):
    readers(delivery=Delivery.DIGEST, digest_hour=0)
    services.deadline_sweep()  # both pledges are overdue: one alert per party each
    assert notifications.digests_queue(now=timezone.now()) == 4
    notifications.outbox_send()
    (analyst_digest,) = smtp_server.handler.to(ANALYST)
    assert analyst_digest["Subject"].startswith("Daily digest: 4 alert(s)")
    assert "Draft pledge" in analyst_digest.get_body(("plain",)).get_content()
    for address in (PARTNER, NO_ROLE, EXTERNAL):
        (digest,) = smtp_server.handler.to(address)
        assert digest["Subject"].startswith("Daily digest: 2 alert(s)")
        assert b"Draft pledge" not in digest.as_bytes()
        assert b"DRAFT-TEXT" not in digest.as_bytes()


def test_a_digest_with_nothing_but_drafts_is_not_sent_to_a_partner(smtp_server, readers, draft):
    readers(delivery=Delivery.DIGEST, digest_hour=0)
    services.deadline_sweep()
    assert notifications.digests_queue(now=timezone.now()) == 1  # the analyst's
    notifications.outbox_send()
    assert len(smtp_server.handler.to(ANALYST)) == 1
    assert [m for a in (PARTNER, NO_ROLE, EXTERNAL) for m in smtp_server.handler.to(a)] == []


def test_unpublishing_between_queueing_and_sending_cancels_the_message(smtp_server, readers, published, record):
    readers()
    record(published)
    assert OutboundEmail.objects.filter(kind="alert", status=OutboxStatus.PENDING).count() == 2 * len(EVERYONE)
    agreement_update(agreement=published.agreement, published=False, reason="Withdrawn for corrections.")
    result = notifications.outbox_send()
    assert result.sent == 2  # the analyst's two
    assert len(smtp_server.handler.to(ANALYST)) == 2
    for address in (PARTNER, NO_ROLE, EXTERNAL):
        assert smtp_server.handler.to(address) == []
        rows = OutboundEmail.objects.filter(kind="alert", recipient__email=address)
        assert {(r.status, r.last_error) for r in rows} == {
            (OutboxStatus.CANCELLED, "the recipient may not read this agreement (a draft)")
        }


def test_an_analyst_who_lost_the_role_before_sending_gets_nothing_about_a_draft(
    smtp_server, readers, analyst, draft, record
):
    readers()
    record(draft)
    assert OutboundEmail.objects.filter(kind="alert", recipient__email=ANALYST).count() == 2
    analyst.groups.clear()
    notifications.outbox_send()
    assert smtp_server.handler.to(ANALYST) == []
    assert set(
        OutboundEmail.objects.filter(kind="alert", recipient__email=ANALYST).values_list("status", "last_error")
    ) == {(OutboxStatus.CANCELLED, "the recipient may not read this agreement (a draft)")}


def test_a_digest_drops_at_sending_what_was_unpublished_since_it_was_queued(smtp_server, readers, draft, published):
    readers(delivery=Delivery.DIGEST, digest_hour=0)
    agreement_update(agreement=draft.agreement, published=True)  # published when the digest is queued ...
    services.deadline_sweep()
    assert notifications.digests_queue(now=timezone.now()) == 4
    agreement_update(agreement=draft.agreement, published=False, reason="Withdrawn.")  # ... not when it is sent
    notifications.outbox_send()
    for address in (PARTNER, NO_ROLE, EXTERNAL):
        (digest,) = smtp_server.handler.to(address)
        assert digest["Subject"].startswith("Daily digest: 2 alert(s)")
        assert b"Draft pledge" not in digest.as_bytes()
    assert smtp_server.handler.to(ANALYST)[0]["Subject"].startswith("Daily digest: 4 alert(s)")


def test_a_digest_left_with_nothing_readable_is_cancelled_with_the_reason(smtp_server, readers, published):
    readers(delivery=Delivery.DIGEST, digest_hour=0)
    services.deadline_sweep()
    assert notifications.digests_queue(now=timezone.now()) == 4
    agreement_update(agreement=published.agreement, published=False, reason="Withdrawn.")
    notifications.outbox_send()
    assert [m for a in (PARTNER, NO_ROLE, EXTERNAL) for m in smtp_server.handler.to(a)] == []
    assert set(
        OutboundEmail.objects.filter(kind="digest")
        .exclude(recipient__email=ANALYST)
        .values_list("status", "last_error")
    ) == {(OutboxStatus.CANCELLED, "nothing in this digest that the recipient may read")}
