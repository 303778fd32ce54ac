"""Sign-in lockout (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one
account, or from one address, the right password is refused too, with a page that says
why and for how long; an admin sees and clears lockouts; API tokens are not affected."""

from datetime import timedelta

import pytest
from django.conf import settings

from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's
LOGIN_PAGES = ["/accounts/login/", "/admin/login/"]


def sign_in(client, path: str, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("path", LOGIN_PAGES)
def test_wrong_passwords_lock_the_account_even_against_the_right_one(client, path):
    UserFactory(username="ana", is_staff=True)
    # Each guess from another address: the account itself locks.
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, path, "ana", f"guess-{attempt}", address=f"198.51.100.{attempt}").status_code == 200
    locked = sign_in(client, path, "ana", "last-guess", address="198.51.100.99")
    assert locked.status_code == 429
    response = sign_in(client, path, "ana", PASSWORD, address="192.0.2.1")
    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert "Too many failed sign-ins" in page
    assert f"{int(settings.AXES_COOLOFF_TIME.total_seconds()) // 60} minutes after the last attempt" in page


def test_a_spray_from_one_address_locks_that_address(client):
    UserFactory(username="ana")
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "/accounts/login/", f"someone-{n}", "password1")
    assert sign_in(client, "/accounts/login/", "ana", PASSWORD).status_code == 429
    assert not signed_in(client)
    # Another address is not locked out: ana signs in from there.
    assert sign_in(client, "/accounts/login/", "ana", PASSWORD, address="192.0.2.50").status_code == 302
    assert signed_in(client)


def test_fewer_failures_than_the_limit_still_let_the_user_in(client):
    UserFactory(username="ana")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "/accounts/login/", "ana", f"typo-{attempt}")
    assert sign_in(client, "/accounts/login/", "ana", PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_lockout_ends_after_the_cool_off(client):
    from axes.models import AccessAttempt

    UserFactory(username="ana")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "/accounts/login/", "ana", f"guess-{attempt}")
    assert sign_in(client, "/accounts/login/", "ana", PASSWORD).status_code == 429
    # As if the cool-off had passed since the last failure.
    last = AccessAttempt.objects.order_by("-attempt_time").first().attempt_time
    AccessAttempt.objects.update(attempt_time=last - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert sign_in(client, "/accounts/login/", "ana", PASSWORD).status_code == 302


def test_an_admin_sees_the_lockout_and_clears_it(client):
    from axes.models import AccessAttempt

    UserFactory(username="ana")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "/accounts/login/", "ana", f"guess-{attempt}")
    admin_client = client.__class__()
    admin_client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    listing = admin_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "ana" in listing.content.decode()
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    admin_client.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": attempts, "post": "yes"}
    )
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, "/accounts/login/", "ana", PASSWORD).status_code == 302


def test_api_tokens_are_not_affected_by_a_locked_account(client, partner):
    api = token_client(partner, read_only=True)
    for attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        sign_in(client, "/accounts/login/", partner.username, f"guess-{attempt}")
    assert sign_in(client, "/accounts/login/", partner.username, PASSWORD).status_code == 429
    assert api.get("/api/v1/parties/").status_code == 200
