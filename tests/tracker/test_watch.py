"""Watch on the agreement, commitment and party pages: one click subscribes the user's
own address, a second click creates nothing, Stop watching ends it."""

import threading

import pytest
from django.db import connection

from tests.factories import AgreementFactory, UserFactory
from tracker.choices import MessageKind
from tracker.models import OutboundEmail, Recipient, Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def watcher(analyst):
    analyst.email = "Ana@Tracker.example"
    analyst.save()
    return analyst


def watch(client, target: str, pk, action: str = "watch"):
    return client.post("/alerts/watch/", {"target": target, "id": pk, "action": action})


def test_watch_a_commitment_subscribes_me_immediately_to_all_kinds_and_queues_the_confirmation(
    client, watcher, make_commitment
):
    commitment = make_commitment()
    client.force_login(watcher)
    page = client.get(f"/commitments/{commitment.pk}/")
    assert "Watch this commitment" in page.text
    response = watch(client, "commitment", commitment.pk)
    assert response.status_code == 302
    assert response["Location"] == f"/commitments/{commitment.pk}/"
    subscription = Subscription.objects.get()
    assert subscription.recipient.email == "ana@tracker.example"
    assert subscription.recipient.user == watcher
    assert (subscription.commitment, subscription.agreement, subscription.party) == (commitment, None, None)
    assert subscription.kinds() == ["due_soon", "overdue", "status_changed", "incident_linked"]
    assert subscription.delivery == "immediate"
    assert subscription.timezone == "Europe/Zurich"  # the venue's
    assert OutboundEmail.objects.get().kind == MessageKind.CONFIRMATION
    page = client.get(f"/commitments/{commitment.pk}/")
    assert "We sent a confirmation link to ana@tracker.example" in page.text
    assert "Watching" in page.text
    assert "Stop watching" in page.text
    assert "Watch this commitment" not in page.text


def test_watching_again_creates_nothing_and_stop_watching_ends_it(client, watcher, geneva):
    client.force_login(watcher)
    watch(client, "agreement", geneva.pk)
    again = client.post("/alerts/watch/", {"target": "agreement", "id": geneva.pk, "action": "watch"}, follow=True)
    assert "You are already watching this." in again.text
    assert Subscription.objects.count() == 1
    assert OutboundEmail.objects.count() == 1  # one confirmation
    response = watch(client, "agreement", geneva.pk, "stop")
    assert response.status_code == 302
    assert Subscription.objects.get().unsubscribed_at is not None
    assert "Watch this agreement" in client.get(f"/commitments/agreements/{geneva.pk}/").text
    watch(client, "agreement", geneva.pk)  # a new watch after the end
    assert Subscription.objects.filter(unsubscribed_at__isnull=True).count() == 1


def test_watching_a_party_and_its_agreement_are_separate_watches(client, watcher, geneva, armenia):
    client.force_login(watcher)
    assert "Watch this party" in client.get("/parties/ARM/").text
    watch(client, "party", armenia.pk)
    watch(client, "agreement", geneva.pk)
    assert {(s.party_id, s.agreement_id) for s in Subscription.objects.all()} == {
        (armenia.pk, None),
        (None, geneva.pk),
    }
    assert "Stop watching" in client.get("/parties/ARM/").text


def test_a_confirmed_address_is_watching_at_once_with_no_email(client, watcher, geneva):
    Recipient.objects.create(email="ana@tracker.example", user=watcher, confirmed_at="2026-01-01T00:00Z")
    client.force_login(watcher)
    page = client.post("/alerts/watch/", {"target": "agreement", "id": geneva.pk, "action": "watch"}, follow=True)
    assert "alerts about this agreement go to ana@tracker.example" in page.text
    assert not OutboundEmail.objects.exists()


def test_with_no_email_the_button_links_to_the_profile_and_a_post_is_a_400(client, analyst, geneva):
    client.force_login(analyst)
    page = client.get(f"/commitments/agreements/{geneva.pk}/")
    assert "add an email address on your profile" in page.text
    assert 'href="/account/#email"' in page.text
    response = watch(client, "agreement", geneva.pk)
    assert response.status_code == 400
    assert "Your account has no email address" in response.text
    assert 'href="/account/#email"' in response.text
    assert not Subscription.objects.exists()
    assert not Recipient.objects.exists()


def test_an_address_of_another_account_is_refused(client, watcher, geneva):
    Recipient.objects.create(email="ana@tracker.example", user=UserFactory(username="other"))
    client.force_login(watcher)
    response = watch(client, "agreement", geneva.pk)
    assert response.status_code == 400
    assert "another account" in response.text
    assert not Subscription.objects.exists()


def test_a_focal_points_address_becomes_the_users_own(client, watcher, geneva):
    Recipient.objects.create(email="ana@tracker.example")
    client.force_login(watcher)
    assert watch(client, "agreement", geneva.pk).status_code == 302
    assert Recipient.objects.get().user == watcher


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"target": "obligation", "id": "1", "action": "watch"}, "target"),
        ({"target": "", "id": "1", "action": "watch"}, "target"),
        ({"target": "agreement", "id": "1", "action": "delete"}, "action"),
        ({"target": "agreement", "id": "abc", "action": "watch"}, "id"),
        ({"target": "agreement", "id": "1\r\n", "action": "watch"}, "id"),
        ({"target": "agreement", "id": "9" * 10_000, "action": "watch"}, "id"),
        ({"target": "agreement", "id": "\u0661", "action": "watch"}, "id"),  # an Arabic-Indic digit
        ({}, "target"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, watcher, data, field):
    client.force_login(watcher)
    response = client.post("/alerts/watch/", data)
    assert response.status_code == 400
    assert f'id="error-{field}"' in response.text
    assert not Subscription.objects.exists()


def test_a_partner_cannot_watch_a_draft_404_but_watches_a_published_agreement(client, partner, geneva):
    partner.email = "partner@partner.example"
    partner.save()
    client.force_login(partner)
    assert watch(client, "agreement", geneva.pk).status_code == 404
    assert watch(client, "agreement", 999_999).status_code == 404
    truce = AgreementFactory(title="Published truce", published=True)
    assert watch(client, "agreement", truce.pk).status_code == 302
    assert Subscription.objects.get().agreement == truce


def test_watch_needs_a_login_a_role_and_a_post(client, geneva):
    response = watch(client, "agreement", geneva.pk)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.force_login(UserFactory(username="no-role", email="x@example.org"))
    assert watch(client, "agreement", geneva.pk).status_code == 403
    assert client.get("/alerts/watch/").status_code == 405
    assert not Subscription.objects.exists()


def test_watch_needs_the_csrf_token(watcher, geneva):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(watcher)
    assert watch(client, "agreement", geneva.pk).status_code == 403
    assert not Subscription.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("known_address", [False, True])
def test_twenty_clicks_at_once_make_one_subscription(watcher, geneva, known_address):
    from django.test import Client

    if known_address:  # no unique insert of the address to queue the clicks: the lock does
        Recipient.objects.create(email="ana@tracker.example", user=watcher)

    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def click() -> None:
        client = Client()
        client.force_login(watcher)
        barrier.wait()
        try:
            statuses.append(watch(client, "agreement", geneva.pk).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 20
    assert Subscription.objects.count() == 1
    assert Recipient.objects.count() == 1
    assert OutboundEmail.objects.count() == 1  # one confirmation
