import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.choices import Category
from tests.factories import AgreementFactory, UserFactory
from tracker import notifications
from tracker.choices import OutboxStatus
from tracker.models import OutboundEmail, Subscription

pytestmark = pytest.mark.django_db


def test_a_logged_in_user_subscribes_on_their_page_and_gets_a_confirmation(client, geneva):
    geneva.published = True  # a user with no role chooses among published agreements
    geneva.save()
    user = UserFactory(username="reader", email="Reader@Partner.example")
    client.force_login(user)
    assert client.get("/alerts/").status_code == 200
    response = client.post(
        "/alerts/",
        {
            "agreement": geneva.pk,
            "on_overdue": "on",
            "delivery": "digest",
            "digest_hour": 7,
            "timezone": "Asia/Yerevan",
        },
        follow=True,
    )
    assert response.status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.recipient.email == "reader@partner.example"
    assert subscription.recipient.user == user
    assert (subscription.agreement, subscription.delivery, subscription.timezone) == (geneva, "digest", "Asia/Yerevan")
    assert subscription.kinds() == ["overdue"]
    assert OutboundEmail.objects.get().kind == "confirmation"
    assert "waiting for confirmation" in response.text


def test_the_page_shows_errors_next_to_the_field_and_keeps_the_input(client, db):
    client.force_login(UserFactory(username="reader", email="reader@partner.example"))
    response = client.post("/alerts/", {"delivery": "digest", "digest_hour": 30, "timezone": "UTC"})
    assert response.status_code == 400
    form = response.context["form"]
    assert "digest_hour" in form.errors
    assert "on_overdue" in form.errors  # no kind chosen
    assert 'value="30"' in response.text
    assert not Subscription.objects.exists()


def test_the_page_needs_a_login(client, db):
    response = client.get("/alerts/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_user_sees_only_their_own_subscriptions(client, db):
    notifications.subscription_create(email="someone.else@partner.example")
    client.force_login(UserFactory(username="reader", email="reader@partner.example"))
    assert "someone.else" not in client.get("/alerts/").text


def test_failed_messages_are_visible_to_analysts_and_can_be_retried(client, analyst, settings):
    notifications.subscription_create(email="x@partner.example")
    OutboundEmail.objects.update(status=OutboxStatus.FAILED, attempts=8, last_error="421 try later")
    client.force_login(analyst)
    page = client.get("/admin/tracker/outboundemail/", {"status__exact": "failed"})
    assert page.status_code == 200
    assert "421 try later" in page.text
    analyst.is_superuser = True  # the retry action changes rows: an admin's action
    analyst.save()
    client.force_login(analyst)
    client.post(
        "/admin/tracker/outboundemail/",
        {"action": "retry", "_selected_action": list(OutboundEmail.objects.values_list("pk", flat=True))},
    )
    assert set(OutboundEmail.objects.values_list("status", "attempts")) == {(OutboxStatus.PENDING, 0)}


def test_the_page_makes_as_many_queries_for_1_and_10_subscriptions(client, geneva, armenia):
    user = UserFactory(username="reader", email="reader@partner.example")
    client.force_login(user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/alerts/").status_code == 200
        return len(captured)

    notifications.subscription_create(email=user.email, user=user, agreement=geneva)
    one = queries()
    for category in Category.values[:9]:  # nine different subscriptions (the same one twice is refused)
        notifications.subscription_create(
            email=user.email, user=user, agreement=geneva, party=armenia, category=category
        )
    assert Subscription.objects.filter(recipient__user=user).count() == 10
    assert queries() == one


def agreement_choices(response) -> set[str]:
    return {str(a) for a in response.context["form"].fields["agreement"].queryset}


def test_a_partner_chooses_among_published_agreements_only_and_a_posted_draft_is_refused(client, partner, geneva):
    truce = AgreementFactory(title="Published truce", published=True)
    partner.email = "partner@partner.example"
    partner.save()
    client.force_login(partner)
    page = client.get("/alerts/")
    assert agreement_choices(page) == {str(truce)}
    assert "Geneva statement" not in page.text
    response = client.post(
        "/alerts/", {"agreement": geneva.pk, "on_overdue": "on", "digest_hour": 8, "timezone": "UTC"}
    )
    assert response.status_code == 400
    assert "agreement" in response.context["form"].errors
    assert "Select a valid choice" in response.context["form"].errors["agreement"][0]
    assert "Select a valid choice" in response.text  # shown next to the field
    assert not Subscription.objects.exists()


def test_a_user_with_no_role_chooses_among_published_agreements_and_an_analyst_among_all(client, analyst, geneva):
    truce = AgreementFactory(title="Published truce", published=True)
    client.force_login(UserFactory(username="no-role", email="reader@partner.example"))
    assert agreement_choices(client.get("/alerts/")) == {str(truce)}
    client.force_login(analyst)
    assert agreement_choices(client.get("/alerts/")) == {str(truce), str(geneva)}
