"""/alerts/focal-points/: analysts subscribe a partner's focal point from a page."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import AgreementFactory, PartyFactory, UserFactory
from tracker import email_links, notifications
from tracker.choices import MessageKind
from tracker.models import Alert, OutboundEmail, Recipient, Subscription

pytestmark = pytest.mark.django_db

URL = "/alerts/focal-points/"


def form(**overrides) -> dict:
    return {
        "email": "Focal.Point@Partner.example",
        "on_due_soon": "on",
        "on_overdue": "on",
        "delivery": "immediate",
        "digest_hour": 8,
        "timezone": "Asia/Yerevan",
        **overrides,
    }


def test_an_analyst_subscribes_a_focal_point_and_the_confirmation_is_queued(client, analyst, armenia):
    client.force_login(analyst)
    assert client.get(URL).status_code == 200
    response = client.post(URL, form(party=armenia.pk, category="prisoners"), follow=True)
    assert response.status_code == 200
    assert "Subscribed focal.point@partner.example. The confirmation email is on its way." in response.text
    subscription = Subscription.objects.get()
    assert subscription.recipient.user is None
    assert subscription.created_by == analyst
    assert (subscription.party, subscription.category, subscription.timezone) == (armenia, "prisoners", "Asia/Yerevan")
    assert subscription.kinds() == ["due_soon", "overdue"]
    assert OutboundEmail.objects.get().kind == MessageKind.CONFIRMATION
    assert "pending" in response.text
    assert "ana" in response.text  # added by


def test_the_list_shows_confirmed_pending_and_bounced(client, analyst):
    pending = notifications.subscription_create(email="pending@partner.example")
    confirmed = notifications.subscription_create(email="confirmed@partner.example")
    notifications.recipient_confirm(token=email_links.confirmation_token(confirmed.recipient))
    bounced = notifications.subscription_create(email="bounced@partner.example")
    Recipient.objects.filter(pk=bounced.recipient_id).update(bounced_at="2026-01-01T00:00Z", bounce_reason="550 gone")
    notifications.subscription_create(email="ana@tracker.example", user=analyst)  # a user's: not listed
    client.force_login(analyst)
    rows = {row["subscription"].recipient.email: row["state"] for row in client.get(URL).context["rows"]}
    assert rows == {
        "pending@partner.example": "pending",
        "confirmed@partner.example": "confirmed",
        "bounced@partner.example": "bounced",
    }
    assert pending.recipient.confirmed_at is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": ""}, "email"),
        ({"email": "a@b.example\r\nBcc: x@evil.example"}, "email"),
        ({"email": "x" * 10_000 + "@b.example"}, "email"),
        ({"email": "=cmd|' /C calc'!A0"}, "email"),
        ({"on_due_soon": "", "on_overdue": ""}, "on_overdue"),
        ({"digest_hour": 99}, "digest_hour"),
        ({"digest_hour": "\x00"}, "digest_hour"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"category": "x" * 10_000}, "category"),
        ({"party": "99999999"}, "party"),
        ({"commitment": "abc"}, "commitment"),
    ],
)
def test_bad_input_is_a_400_at_its_field_and_nothing_is_written(client, analyst, overrides, field):
    client.force_login(analyst)
    response = client.post(URL, form(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Subscription.objects.exists()
    assert not Recipient.objects.exists()


def test_an_empty_post_is_a_400_with_the_fields_named(client, analyst):
    client.force_login(analyst)
    response = client.post(URL, {})
    assert response.status_code == 400
    assert {"email", "timezone"} <= set(response.context["form"].errors)


def test_a_draft_cannot_be_chosen_for_a_focal_point(client, analyst, geneva):
    truce = AgreementFactory(title="Published truce", published=True)
    client.force_login(analyst)
    page = client.get(URL)
    assert set(page.context["form"].fields["agreement"].queryset) == {truce}
    response = client.post(URL, form(agreement=geneva.pk))
    assert response.status_code == 400
    assert "agreement" in response.context["form"].errors


def test_partners_and_users_with_no_role_get_403_and_anonymous_the_login(client, partner):
    assert client.get(URL).status_code == 302
    client.force_login(partner)
    assert client.get(URL).status_code == 403
    assert client.post(URL, form()).status_code == 403
    client.force_login(UserFactory(username="no-role"))
    assert client.get(URL).status_code == 403
    assert not Subscription.objects.exists()


def test_a_focal_point_only_ever_hears_about_published_agreements(analyst, make_commitment, geneva):
    """Subscribed to everything, confirmed: an alert about a draft is not queued for it,
    one about a published agreement is."""
    from tracker import services as engine

    make_commitment()  # on geneva, a draft
    published = AgreementFactory(title="Published truce", published=True)
    make_commitment(agreement=published, reference="para 99")
    subscription = notifications.subscription_create(email="focal@partner.example", created_by=analyst)
    notifications.recipient_confirm(token=email_links.confirmation_token(subscription.recipient))
    engine.deadline_sweep()  # both were due in November 2020: overdue alerts on both
    assert Alert.objects.filter(obligation__commitment__agreement=geneva).exists()
    queued = OutboundEmail.objects.filter(recipient=subscription.recipient, kind=MessageKind.ALERT)
    assert queued.exists()
    assert set(queued.values_list("alert__obligation__commitment__agreement", flat=True)) == {published.pk}


def test_the_list_makes_as_many_queries_for_1_and_10_focal_points(client, analyst, armenia, make_commitment):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(analyst)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    commitment = make_commitment()
    notifications.subscription_create(email="f0@partner.example", created_by=analyst, party=armenia)
    one = queries()
    for n in range(1, 10):
        notifications.subscription_create(email=f"f{n}@partner.example", created_by=analyst, commitment=commitment)
    assert queries() == one


def test_the_same_subscription_twice_is_a_400_and_stays_one(client, analyst, armenia):
    client.force_login(analyst)
    assert client.post(URL, form(party=armenia.pk)).status_code == 302
    response = client.post(URL, form(email="FOCAL.point@partner.example", party=armenia.pk))
    assert response.status_code == 400
    assert "already has this subscription" in response.text
    assert Subscription.objects.count() == 1


def test_a_users_address_is_not_a_focal_point(client, analyst, partner, armenia):
    partner.email = "someone@partner.example"
    partner.save()
    client.force_login(analyst)
    response = client.post(URL, form(email="Someone@Partner.example", party=armenia.pk))
    assert response.status_code == 400
    assert "belongs to a user of the tracker" in response.text
    assert not Subscription.objects.exists()


@pytest.mark.postgres
def test_ten_analysts_subscribing_one_address_at_once_make_one_subscription(
    transactional_db, django_db_serialized_rollback
):
    armenia = PartyFactory(code="ARM", name="Republic of Armenia")
    from django.db import connection

    from tests.tracker.test_concurrency import run_concurrently

    def subscribe(_):
        try:
            notifications.subscription_create(email="rush@partner.example", party=armenia)
        except ValidationError:
            return "refused"
        finally:
            connection.close()
        return "created"

    results = run_concurrently(subscribe, 10)
    assert sorted(results) == ["created"] + ["refused"] * 9
    assert Subscription.objects.count() == 1 and Recipient.objects.count() == 1
