import pytest

from commitments.choices import Category, Status
from tracker import services
from tracker.choices import AlertKind
from tracker.demo import load_demo
from tracker.models import Alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(analyst):
    load_demo()
    services.deadline_sweep()
    return Alert.objects.all()


def listed(response) -> set[int]:
    return {alert.pk for alert in response.context["cl"].result_list}


def test_analysts_see_alerts_and_filter_them(client, analyst, alerts):
    client.force_login(analyst)
    url = "/admin/tracker/alert/"
    assert listed(client.get(url)) == set(alerts.values_list("pk", flat=True))
    overdue = set(alerts.filter(kind=AlertKind.OVERDUE).values_list("pk", flat=True))
    assert listed(client.get(url, {"kind": "overdue"})) == overdue
    assert not listed(client.get(url, {"kind": "due_soon"}))
    aze = alerts.get(party__code="AZE", obligation__commitment__category=Category.PRISONERS)
    by_party = listed(client.get(url, {"party__id__exact": aze.party_id}))
    assert aze.pk in by_party
    assert by_party == set(alerts.filter(party=aze.party).values_list("pk", flat=True))
    agreement = aze.obligation.commitment.agreement_id
    assert aze.pk in listed(client.get(url, {"obligation__commitment__agreement__id__exact": agreement}))
    assert listed(client.get(url, {"acknowledged": "no"})) == set(alerts.values_list("pk", flat=True))
    assert not listed(client.get(url, {"acknowledged": "yes"}))


def test_analysts_acknowledge_alerts_from_the_list(client, analyst, alerts):
    client.force_login(analyst)
    target = alerts.filter(party__code="AZE")
    response = client.post(
        "/admin/tracker/alert/",
        {"action": "acknowledge", "_selected_action": list(target.values_list("pk", flat=True))},
        follow=True,
    )
    assert response.status_code == 200
    assert f"{target.count()} alert(s) acknowledged." in response.text
    assert set(target.values_list("acknowledged_by", flat=True)) == {analyst.pk}
    assert not alerts.exclude(party__code="AZE").filter(acknowledged_at__isnull=False).exists()
    acknowledged = listed(client.get("/admin/tracker/alert/", {"acknowledged": "yes"}))
    assert acknowledged == set(target.values_list("pk", flat=True))


def test_alerts_cannot_be_added_or_deleted_in_the_admin(client, analyst, alerts):
    client.force_login(analyst)
    assert client.get("/admin/tracker/alert/add/").status_code == 403
    alert = alerts.first()
    assert client.post(f"/admin/tracker/alert/{alert.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Alert.objects.filter(pk=alert.pk).exists()


def test_analysts_see_why_an_alert_was_resolved_and_filter_on_it(client, analyst, alerts, record):
    from commitments.models import Commitment

    lists = Commitment.objects.get(category=Category.PRISONERS)
    record(lists, status=Status.FULFILLED, effective_on=lists.agreement.signed_on)
    resolved = set(alerts.filter(obligation__commitment=lists, kind=AlertKind.OVERDUE).values_list("pk", flat=True))
    assert len(resolved) == 2
    client.force_login(analyst)
    url = "/admin/tracker/alert/"
    assert listed(client.get(url, {"resolved_reason": "fulfilled"})) == resolved
    assert listed(client.get(url, {"resolved_at__isempty": "0"})) == resolved
    assert not listed(client.get(url, {"resolved_at__isempty": "1"})) & resolved
    assert "Obligation fulfilled" in client.get(url).text
