"""/alerts/: every refused POST is a 400 with the reason shown (the issue saw a 200)."""

import pytest

from tests.factories import UserFactory
from tracker.models import Recipient, Subscription

pytestmark = pytest.mark.django_db

VALID = {"on_overdue": "on", "delivery": "immediate", "digest_hour": 8, "timezone": "UTC"}


def refused(client, data) -> object:
    response = client.post("/alerts/", data)
    assert response.status_code == 400
    assert not Subscription.objects.exists()
    assert not Recipient.objects.exists()
    return response


def test_an_empty_post_is_a_400_with_the_fields_named(client, db):
    # It was answered with an unbound form: no error shown at all.
    client.force_login(UserFactory(username="reader", email="reader@partner.example"))
    response = refused(client, {})
    assert "timezone" in response.context["form"].errors
    assert "This field is required." in response.text


def test_no_email_is_a_400_that_links_the_profile(client, db):
    client.force_login(UserFactory(username="reader"))
    response = refused(client, VALID)
    assert "Your account has no email address: add one on your profile first." in response.text
    assert 'href="/account/#email"' in response.text


def test_an_unusable_account_address_is_a_400(client, db):
    client.force_login(UserFactory(username="reader", email="not an address"))
    response = refused(client, VALID)
    assert "Enter a valid email address." in response.text


def test_a_partner_cannot_subscribe_to_a_draft_commitment(client, partner, make_commitment):
    partner.email = "partner@partner.example"
    partner.save()
    client.force_login(partner)
    response = refused(client, {**VALID, "commitment": make_commitment().pk})
    assert "commitment" in response.context["form"].errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("digest_hour", "-1"),
        ("digest_hour", "9" * 10_000),
        ("timezone", "UTC\r\n"),
        ("category", "\x00"),
        ("delivery", "weekly"),
        ("agreement", "1 OR 1=1"),
    ],
)
def test_hostile_values_are_a_400_at_their_field(client, field, value, db):
    client.force_login(UserFactory(username="reader", email="reader@partner.example"))
    response = refused(client, {**VALID, field: value})
    assert field in response.context["form"].errors


def test_an_analyst_subscribes_to_one_commitment_from_the_page(client, analyst, make_commitment):
    commitment = make_commitment()
    analyst.email = "ana@tracker.example"
    analyst.save()
    client.force_login(analyst)
    assert client.post("/alerts/", {**VALID, "commitment": commitment.pk}).status_code == 302
    assert Subscription.objects.get().commitment == commitment
