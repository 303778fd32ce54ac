"""The alerts inbox (/alerts/inbox/) and acknowledging from it and from the dashboard."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.choices import Category, Status
from commitments.models import Commitment
from tests.factories import AgreementFactory
from tracker import notifications, services
from tracker.choices import AlertKind
from tracker.demo import load_demo
from tracker.models import Alert

pytestmark = pytest.mark.django_db

INBOX = "/alerts/inbox/"
ACK = "/alerts/inbox/acknowledge/"


@pytest.fixture
def demo(db):
    load_demo()
    services.deadline_sweep()
    return Commitment.objects.get(category=Category.PRISONERS)


def form_token(client, url=INBOX) -> str:
    page = client.get(url)
    return page.context["ack_form"]["form_token"].value()


def acknowledge(client, alerts, *, only=None, next_url=INBOX, token=None):
    data = {"form_token": token or form_token(client), "next": next_url}
    if only is not None:
        data["only"] = only
    else:
        data["alert"] = list(alerts)
    return client.post(ACK, data)


def listed(page) -> list[int]:
    return [a.pk for a in page.context["paged"].page.object_list]


def test_the_inbox_lists_unacknowledged_alerts_and_acknowledges_the_selected_ones(client, analyst, demo):
    client.force_login(analyst)
    page = client.get(INBOX)
    assert page.status_code == 200
    waiting = listed(page)
    assert len(waiting) == Alert.objects.filter(acknowledged_at__isnull=True, resolved_at__isnull=True).count() >= 3
    response = acknowledge(client, waiting[:3])
    assert response.status_code == 302 and response["Location"] == INBOX
    followed = client.get(INBOX)
    assert "3 alerts acknowledged." in followed.text
    assert set(listed(followed)) == set(waiting[3:])
    done = client.get(INBOX, {"state": "acknowledged"})
    assert set(listed(done)) == set(waiting[:3])
    assert "Acknowledged by" in done.text and analyst.get_username() in done.text


def test_a_row_button_acknowledges_its_alert_only_even_with_boxes_ticked(client, analyst, demo):
    client.force_login(analyst)
    waiting = listed(client.get(INBOX))
    token = form_token(client)
    response = client.post(ACK, {"form_token": token, "alert": waiting[:3], "only": waiting[4], "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert list(Alert.objects.filter(acknowledged_at__isnull=False).values_list("pk", flat=True)) == [waiting[4]]


def test_the_same_form_posted_twice_acknowledges_once_and_keeps_the_first(client, analyst, demo):
    client.force_login(analyst)
    waiting = listed(client.get(INBOX))
    token = form_token(client)
    assert acknowledge(client, waiting[:2], token=token).status_code == 302
    first = dict(Alert.objects.filter(pk__in=waiting[:2]).values_list("pk", "acknowledged_at"))
    assert acknowledge(client, waiting[:2], token=token).status_code == 302
    assert dict(Alert.objects.filter(pk__in=waiting[:2]).values_list("pk", "acknowledged_at")) == first
    assert "already submitted" in client.get(INBOX).text


def test_resolved_alerts_leave_the_unacknowledged_list_and_show_why(client, analyst, demo, record):
    client.force_login(analyst)
    aze = demo.obligations.get(party__code="AZE").party
    overdue = Alert.objects.get(obligation__commitment=demo, party=aze, kind=AlertKind.OVERDUE)
    assert overdue.pk in listed(client.get(INBOX))
    record(demo, party=aze, status=Status.FULFILLED, effective_on=date(2020, 11, 9))
    assert overdue.pk not in listed(client.get(INBOX))
    assert overdue.pk not in [a.pk for a in client.get("/").context["alerts"]]
    resolved = client.get(INBOX, {"state": "resolved", "party": "AZE", "kind": "overdue"})
    assert listed(resolved) == [overdue.pk]
    assert "Obligation fulfilled" in resolved.text


def test_filters_by_kind_party_and_agreement(client, analyst, demo):
    client.force_login(analyst)
    page = client.get(INBOX, {"kind": "overdue", "party": "ARM", "agreement": demo.agreement_id, "state": "all"})
    assert page.status_code == 200
    alerts = Alert.objects.filter(pk__in=listed(page))
    assert alerts.exists()
    assert set(alerts.values_list("kind", "party__code", "obligation__commitment__agreement")) == {
        ("overdue", "ARM", demo.agreement_id)
    }


def test_mine_shows_what_my_subscriptions_ask_for(client, analyst, demo):
    client.force_login(analyst)
    assert listed(client.get(INBOX, {"view": "mine"})) == []  # no subscription: nothing is mine
    aze = demo.obligations.get(party__code="AZE").party
    notifications.subscription_create(email=analyst.email or "ana@example.org", user=analyst, party=aze)
    mine = Alert.objects.filter(pk__in=listed(client.get(INBOX, {"view": "mine"})))
    assert mine.exists()
    assert set(mine.values_list("party__code", flat=True)) == {"AZE"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "open"}, "state"),
        ({"kind": "due_soon\x01"}, "kind"),
        ({"party": "ZZZ"}, "party"),
        ({"party": "A\r\nB"}, "party"),
        ({"agreement": "abc"}, "agreement"),
        ({"agreement": "99999999999999999999999"}, "agreement"),
        ({"view": "theirs"}, "view"),
    ],
)
def test_a_bad_filter_is_a_400_naming_its_field(client, analyst, demo, params, field):
    client.force_login(analyst)
    page = client.get(INBOX, params)
    assert page.status_code == 400
    assert list(page.context["filter"].errors) == [field]


def test_a_nul_in_a_filter_is_a_400_naming_it(client, analyst, demo):
    client.force_login(analyst)
    page = client.get(INBOX, {"kind": "overdue\x00"})
    assert page.status_code == 400
    assert "kind" in page.json()


def test_a_bad_page_is_a_400_and_one_past_the_end_a_404(client, analyst, demo):
    client.force_login(analyst)
    assert client.get(INBOX, {"page": "two"}).status_code == 400
    assert client.get(INBOX, {"page": "9"}).status_code == 404


@pytest.mark.parametrize(
    "alert",
    ["abc", "99999999999999999999999", "-1", "0", "\u00b2", "\u0661"],  # ², Arabic-Indic 1: not ASCII digits
)
def test_an_alert_that_is_not_an_id_or_not_there_is_a_400_and_nothing_is_written(client, analyst, demo, alert):
    client.force_login(analyst)
    waiting = listed(client.get(INBOX))
    response = acknowledge(client, [waiting[0], alert])
    assert response.status_code == 400
    assert "alert" in response.context["form"].errors
    assert not Alert.objects.filter(acknowledged_at__isnull=False).exists()


@pytest.mark.parametrize("only", ["\u00b2", "\u0661"])
def test_a_row_button_with_a_number_that_is_not_ascii_is_a_400(client, analyst, demo, only):
    client.force_login(analyst)
    response = client.post(ACK, {"form_token": form_token(client), "only": only, "next": "/"})
    assert response.status_code == 400
    assert not Alert.objects.filter(acknowledged_at__isnull=False).exists()


def test_nothing_selected_is_a_400_saying_so(client, analyst, demo):
    client.force_login(analyst)
    response = acknowledge(client, [])
    assert response.status_code == 400
    assert "Select at least one alert to acknowledge." in response.text


def test_a_draft_agreements_alert_is_not_a_partners_and_a_partner_may_not_acknowledge(client, partner, analyst, demo):
    draft = AgreementFactory(published=False)
    commitment = Commitment.objects.get(category=Category.PRISONERS)
    Commitment.objects.filter(pk=commitment.pk).update(agreement=draft)
    client.force_login(partner)
    page = client.get(INBOX, {"state": "all"})
    assert page.status_code == 200
    shown = Alert.objects.filter(pk__in=listed(page))
    assert not shown.filter(obligation__commitment=commitment).exists()
    assert page.context["ack_form"] is None and "Acknowledge selected" not in page.text
    someone = shown.first()
    assert client.post(ACK, {"form_token": "t", "alert": [someone.pk]}).status_code == 403
    # Partners never see analysts' names: not who acknowledged.
    services.alerts_acknowledge(alerts=Alert.objects.filter(pk=someone.pk), user=analyst)
    acknowledged = client.get(INBOX, {"state": "acknowledged"})
    assert listed(acknowledged) == [someone.pk]
    assert analyst.get_username() not in acknowledged.text


def test_no_role_no_inbox(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody"))
    assert client.get(INBOX).status_code == 403
    assert client.post(ACK, {}).status_code == 403


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"])
def test_the_next_address_must_be_this_sites(client, analyst, demo, next_url):
    client.force_login(analyst)
    waiting = listed(client.get(INBOX))
    response = acknowledge(client, waiting[:1], next_url=next_url)
    assert response["Location"] == INBOX


def test_acknowledge_from_the_dashboard_goes_back_to_it_with_the_count(client, analyst, demo):
    client.force_login(analyst)
    dashboard = client.get("/")
    alerts = [a.pk for a in dashboard.context["alerts"]]
    assert dashboard.context["alerts_count"] == len(alerts)
    token = dashboard.context["ack_form"]["form_token"].value()
    response = client.post(ACK, {"form_token": token, "alert": alerts[:2], "next": "/"})
    assert response["Location"] == "/"
    after = client.get("/")
    assert "2 alerts acknowledged." in after.text
    assert after.context["alerts_count"] == len(alerts) - 2


def test_the_inbox_makes_as_many_queries_for_a_few_and_for_fifty_alerts(client, analyst, demo):
    client.force_login(analyst)
    with CaptureQueriesContext(connection) as few:
        client.get(INBOX, {"state": "all"})
    for obligation in demo.obligations.all():
        for _ in range(30):
            Alert.objects.create(
                kind=AlertKind.STATUS_CHANGED, obligation=obligation, party=obligation.party, raised_at=demo.created_at
            )
    with CaptureQueriesContext(connection) as many:
        client.get(INBOX, {"state": "all"})
    assert len(many) == len(few)


def test_the_api_says_whether_and_why_an_alert_was_resolved_and_filters_on_it(analyst, demo, record):
    from tests.api.conftest import token_client

    api = token_client(analyst, read_only=True)
    aze = demo.obligations.get(party__code="AZE").party
    record(demo, party=aze, status=Status.FULFILLED, effective_on=date(2020, 11, 9))
    body = api.get("/api/v1/alerts/", {"resolved": "true"}).json()
    (alert,) = body["results"]
    assert (alert["party"], alert["kind"], alert["resolved"], alert["resolved_reason"]) == (
        "AZE",
        "overdue",
        True,
        "fulfilled",
    )
    assert alert["resolved_at"]
    unresolved = api.get("/api/v1/alerts/", {"resolved": "false"}).json()["results"]
    assert unresolved and not any(a["resolved"] for a in unresolved)
    bad = api.get("/api/v1/alerts/", {"resolved": "maybe"})
    assert bad.status_code == 400 and "resolved" in bad.json()


def test_acknowledge_all_shown_takes_the_rows_of_the_page_not_the_ticked_boxes_alone(client, analyst, demo):
    client.force_login(analyst)
    waiting = listed(client.get(INBOX))
    token = form_token(client)
    response = client.post(ACK, {"form_token": token, "alert": waiting[:1], "shown": waiting, "all": "1"})
    assert response.status_code == 302
    assert Alert.objects.filter(acknowledged_by=analyst).count() == len(waiting)
    # The dashboard page has no script: it works as plain HTML (and the CSP allows none inline).
    assert "<script" not in client.get("/").text
