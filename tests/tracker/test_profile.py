"""The profile page (/account/): name, email address changed by a confirmation link,
my subscriptions, and the calendar link."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from commitments.choices import Category
from core.choices import TokenKind
from core.models import ApiToken
from tests.factories import UserFactory
from tracker import account, email_links, notifications
from tracker.models import Recipient, Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(analyst, client):
    analyst.email = "ana@tracker.example"
    analyst.save()
    client.force_login(analyst)
    return analyst


def test_the_page_needs_a_login(client, db):
    response = client.get("/account/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_nav_links_the_profile(client, me):
    assert '<a href="/account/">Profile</a>' in client.get("/").text


def test_i_change_my_name(client, me):
    response = client.post("/account/", {"action": "name", "first_name": "Ana", "last_name": "Petrosyan"})
    assert response.status_code == 302
    me.refresh_from_db()
    assert (me.first_name, me.last_name) == ("Ana", "Petrosyan")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("x" * 10_000, "at most 150 characters"),
        ("Ana\x07", "control character"),
        ("Ana\r\nBcc: x@evil.example", "control character"),
        ("\u202eanA", "control character"),
    ],
)
def test_a_bad_name_is_a_400_at_its_field_and_nothing_changes(client, me, value, message):
    response = client.post("/account/", {"action": "name", "first_name": value, "last_name": "P"})
    assert response.status_code == 400
    assert message in str(response.context["name_form"].errors["first_name"])
    assert 'aria-invalid="true"' in response.text
    me.refresh_from_db()
    assert (me.first_name, me.last_name) == ("", "")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "This field is required"),
        ("new@example.org\r\nBcc: x@evil.example", "valid email"),
        ("new@exa\nmple.org", "valid email"),
        ("new\x00@example.org", "Null characters"),
        ("x" * 10_000 + "@example.org", "at most 254 characters"),
        ('=HYPERLINK("http://evil")@example.org', "valid email"),
        ("ana@tracker.example", "your address already"),
    ],
)
def test_a_bad_new_email_is_a_400_at_its_field(client, me, value, message):
    response = client.post("/account/", {"action": "email", "email": value})
    assert response.status_code == 400
    assert message in str(response.context["email_form"].errors["email"])
    me.refresh_from_db()
    assert me.email == "ana@tracker.example"


def test_another_accounts_address_is_refused(client, me):
    UserFactory(username="other", email="Taken@Example.org")
    response = client.post("/account/", {"action": "email", "email": "taken@example.org"})
    assert response.status_code == 400
    assert "Another account uses this address." in response.text


def test_an_unknown_action_is_a_400(client, me):
    response = client.post("/account/", {"action": "delete"})
    assert response.status_code == 400
    assert "action: choose" in response.text


def test_asking_for_a_new_address_changes_nothing_until_the_link_is_opened(client, me):
    response = client.post("/account/", {"action": "email", "email": "New@Example.org"}, follow=True)
    assert "We sent a link to new@example.org" in response.text
    me.refresh_from_db()
    assert me.email == "ana@tracker.example"


def test_the_link_sent_by_the_task_changes_the_address_and_my_alerts_follow(client, me, geneva, mailoutbox):
    subscription = notifications.subscription_create(email=me.email, user=me, agreement=geneva)
    assert account.email_change_send(user_id=me.pk, new_email="new@example.org")
    (mail,) = [m for m in mailoutbox if m.to == ["new@example.org"]]
    assert mail.subject == "Confirm your new email address for the Ceasefire Commitment Tracker"
    link = next(line for line in mail.body.splitlines() if "/account/email/" in line)
    assert link.startswith("http://")
    client.logout()  # the link works logged out: it is the proof
    response = client.get("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert response.status_code == 200
    assert "now uses new@example.org" in response.text
    me.refresh_from_db()
    assert me.email == "new@example.org"
    recipient = Recipient.objects.get(pk=subscription.recipient_id)
    assert recipient.email == "new@example.org"
    assert recipient.confirmed_at is not None  # opening the link confirmed it

    again = client.get("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert again.status_code == 400
    assert "used already" in again.text


def test_a_new_address_with_no_recipient_yet_is_confirmed_for_later_watches(client, me, geneva):
    client.get(f"/account/email/{account.email_change_token(me, 'new@example.org')}/")
    assert Recipient.objects.get(email="new@example.org").confirmed_at is not None
    client.post("/alerts/watch/", {"target": "agreement", "id": geneva.pk, "action": "watch"})
    assert Subscription.objects.get().recipient.email == "new@example.org"
    from tracker.models import OutboundEmail

    assert not OutboundEmail.objects.exists()  # no confirmation needed any more


def test_a_focal_points_address_becomes_mine_with_its_subscriptions(client, me, geneva):
    notifications.subscription_create(email=me.email, user=me, agreement=geneva)
    notifications.subscription_create(email="new@example.org", category="prisoners")
    client.get(f"/account/email/{account.email_change_token(me, 'new@example.org')}/")
    recipient = Recipient.objects.get(email="new@example.org")
    assert recipient.user == me
    assert recipient.subscriptions.count() == 2


def test_an_expired_tampered_or_outdated_link_is_a_400_and_changes_nothing(client, me, settings):
    token = account.email_change_token(me, "new@example.org")
    old = timezone.now() - account.EMAIL_CHANGE_MAX_AGE - timedelta(minutes=1)
    with mock.patch("time.time", return_value=old.timestamp()):
        expired = account.email_change_token(me, "new@example.org")
    cases = {
        expired: "expired",
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"): "not valid",
        "not-a-token": "not valid",
        "x" * 5000: "not valid",
    }
    for bad, message in cases.items():
        response = client.get(f"/account/email/{bad}/")
        assert response.status_code == 400, bad
        assert message in response.text
    me.email = "other@example.org"  # changed since the link was sent
    me.save()
    response = client.get(f"/account/email/{token}/")
    assert response.status_code == 400
    assert "changed since" in response.text
    me.refresh_from_db()
    assert me.email == "other@example.org"


def test_my_subscriptions_are_listed_changed_and_ended(client, me, geneva, make_commitment):
    commitment = make_commitment()
    notifications.subscription_create(email=me.email, user=me, commitment=commitment)
    notifications.subscription_create(email="someone@else.example", agreement=geneva)
    page = client.get("/account/")
    assert f"Commitment {commitment}" in page.text
    assert "due soon, overdue, status changed" in page.text
    assert "someone@else.example" not in page.text
    subscription = Subscription.objects.get(commitment=commitment)
    url = f"/account/subscriptions/{subscription.pk}/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"delivery": "digest", "digest_hour": 24, "timezone": "UTC"})
    assert refused.status_code == 400
    assert {"digest_hour", "on_overdue"} <= set(refused.context["form"].errors)
    response = client.post(url, {"on_overdue": "on", "delivery": "digest", "digest_hour": 7, "timezone": "Asia/Baku"})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.kinds(), subscription.delivery, subscription.digest_hour) == (["overdue"], "digest", 7)
    assert subscription.commitment == commitment  # what it is about stays
    other = Subscription.objects.get(agreement=geneva)
    assert client.get(f"/account/subscriptions/{other.pk}/").status_code == 404  # not mine
    token = email_links.unsubscribe_token(subscription)
    assert client.post(f"/alerts/unsubscribe/{token}/").status_code == 200
    assert f"Commitment {commitment}" not in client.get("/account/").text


def test_create_my_calendar_link_shows_the_key_once_and_revoke_ends_it(client, me, settings):
    settings.SITE_URL = "http://127.0.0.1:18301"
    response = client.post("/account/", {"action": "feed"})
    assert response.status_code == 200
    url = response.context["feed_url"]
    assert url.startswith("http://127.0.0.1:18301/api/v1/")
    assert "?token=" in url
    token = ApiToken.objects.get()
    assert (token.kind, token.read_only, token.user) == (TokenKind.FEED, True, me)
    feed = client.get("/" + url.split("://", 1)[1].split("/", 1)[1])
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    page = client.get("/account/")
    assert url.split("token=")[1] not in page.text  # shown once
    assert f"{token.prefix}…" in page.text
    assert client.post("/account/", {"action": "revoke", "token": token.pk}).status_code == 302
    client.logout()
    assert client.get("/" + url.split("://", 1)[1].split("/", 1)[1]).status_code in (401, 403)


def test_revoking_someone_elses_or_a_bad_key_is_a_400(client, me):
    theirs, _ = ApiToken.issue(user=UserFactory(username="other"), kind=TokenKind.FEED)
    for value in (theirs.pk, "abc", "1\r\n", "9" * 10_000, ""):
        response = client.post("/account/", {"action": "revoke", "token": value})
        assert response.status_code == 400
        assert "token: no such calendar link" in response.text
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_user_with_no_role_has_a_profile_but_no_calendar_link(client, db):
    client.force_login(UserFactory(username="no-role"))
    page = client.get("/account/")
    assert page.status_code == 200
    assert "Create my calendar link" not in page.text
    assert client.post("/account/", {"action": "feed"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_the_page_makes_as_many_queries_for_1_and_10_subscriptions(client, me, geneva, armenia, make_commitment):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/account/").status_code == 200
        return len(captured)

    commitment = make_commitment()
    notifications.subscription_create(email=me.email, user=me, agreement=geneva)
    ApiToken.issue(user=me, kind=TokenKind.FEED)
    one = queries()
    for category in Category.values[:9]:  # nine different subscriptions (the same one twice is refused)
        notifications.subscription_create(
            email=me.email, user=me, commitment=commitment, party=armenia, category=category
        )
        ApiToken.issue(user=me, kind=TokenKind.FEED)
    assert queries() == one
