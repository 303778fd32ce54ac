"""Alerts when an analyst links an incident to a party's obligation: one alert per link,
told by email (immediately or in the digest), in the inbox and the API, to whoever may
read it. A reader who is no analyst hears only of a published incident of a published
agreement, past "reported" unless the subscription asks for unverified ones; nobody hears
of a retracted one; analysts hear of drafts, marked as such. Internal notes never leave.
Sent through Django's in-memory mail backend (the worker test sends through real SMTP)."""

from datetime import date, time

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from commitments.choices import Category, IncidentRole, LinkState, Nature, Verification
from commitments.incident_types import EventType, SubEventType
from commitments.incidents import (
    incident_create,
    incident_link,
    incident_link_decide,
    incident_publish,
    incident_verify,
)
from commitments.services import SourceInput
from tests.factories import AgreementFactory
from tests.tracker.test_email_visibility import ANALYST, EVERYONE, EXTERNAL, NO_ROLE, PARTNER, subscribe
from tracker import notifications
from tracker.choices import AlertKind, Delivery, OutboxStatus
from tracker.models import Alert, OutboundEmail, Subscription

pytestmark = pytest.mark.django_db

INTERNAL = "INTERNAL-NOTE: the source is a relative of the commander"
NOT_ANALYSTS = (PARTNER, NO_ROLE, EXTERNAL)
ONGOING = {"nature": Nature.ONGOING, "deadline": None}


@pytest.fixture
def pledge(make_commitment):
    """A published pledge binding Armenia and Azerbaijan: one obligation each."""
    truce = AgreementFactory(title="Moscow ceasefire", signed_on=date(2020, 10, 10), published=True)
    return make_commitment(
        agreement=truce, **ONGOING, title="Refrain from targeting civilians", category=Category.CIVILIAN_PROTECTION
    )


@pytest.fixture
def make_incident(analyst, azerbaijan):
    def make(*, published=True, verification=Verification.CORROBORATED, **fields):
        values = {
            "occurred_on": date(2020, 11, 2),
            "location": "Stepanakert",
            "admin1": "Nagorno-Karabakh",
            "country": "Azerbaijan",
            "event_type": EventType.EXPLOSIONS,
            "sub_event_type": SubEventType.SHELLING,
            "description": "Shelling of a residential district.",
            "fatalities": 3,
            "civilians_killed": 2,
            "civilians_injured": 11,
            "other_figures": {"houses destroyed": 4},
            "internal_note": INTERNAL,
        }
        values.update(fields)
        incident = incident_create(
            fields=values,
            parties=[(azerbaijan, IncidentRole.ALLEGED)],
            sources=[SourceInput(publisher="Human rights ombudsman", published_on=date(2020, 11, 3))],
            published=published,
            user=analyst,
        )
        if verification != Verification.REPORTED:
            incident_verify(incident=incident, verification=verification, reason="Two sources agree.", user=analyst)
        return incident

    return make


@pytest.fixture
def readers(analyst, partner):
    """One confirmed subscriber of each kind (analyst, partner, user with no role, focal
    point with no login), each to everything, with ``options``."""
    from tests.factories import UserFactory

    def make(**options):
        for user, email in ((analyst, ANALYST), (partner, PARTNER), (UserFactory(username="no-role"), NO_ROLE)):
            user.email = email
            user.save()
            subscribe(email, user=user, **options)
        subscribe(EXTERNAL, **options)
        mail.outbox.clear()  # the confirmations

    return make


def obligation_of(commitment, party):
    return commitment.obligations.get(party=party)


def told() -> dict[str, list]:
    """Who received what, after sending the outbox."""
    notifications.outbox_send()
    by_address: dict[str, list] = {}
    for message in mail.outbox:
        by_address.setdefault(message.to[0], []).append(message)
    return by_address


def everything_sent() -> str:
    return "".join(m.subject + m.body + m.alternatives[0][0] for m in mail.outbox)


# Raising


def test_each_new_link_raises_one_alert_for_the_obligations_party(pledge, make_incident, analyst, armenia, azerbaijan):
    incident = make_incident()
    before = timezone.now()
    links = incident_link(
        incident=incident, obligations=list(pledge.obligations.all()), user=analyst, note="Shelling: both sides?"
    )
    alerts = Alert.objects.filter(kind=AlertKind.INCIDENT_LINKED).order_by("party__code")
    assert [(a.party, a.obligation.party, a.incident_link.incident) for a in alerts] == [
        (armenia, armenia, incident),
        (azerbaijan, azerbaijan, incident),
    ]
    assert {a.incident_link for a in alerts} == set(links)
    assert all(a.raised_at >= before for a in alerts)
    # Linking again, or the signal's work done twice, raises nothing more.
    assert incident_link(incident=incident, obligations=list(pledge.obligations.all()), user=analyst) == []
    assert notifications.incident_linked_alerts_raise(link_ids=[link.pk for link in links]) == 0
    assert Alert.objects.filter(kind=AlertKind.INCIDENT_LINKED).count() == 2


def test_a_proposed_link_raises_its_alert_when_an_analyst_links_it(pledge, make_incident, analyst, azerbaijan):
    from commitments.models import IncidentLink

    incident = make_incident()
    proposal = IncidentLink.objects.create(
        incident=incident, obligation=obligation_of(pledge, azerbaijan), state=LinkState.PROPOSED
    )
    assert not Alert.objects.filter(kind=AlertKind.INCIDENT_LINKED).exists()
    incident_link_decide(link=proposal, state=LinkState.LINKED, user=analyst)
    assert Alert.objects.get(kind=AlertKind.INCIDENT_LINKED).incident_link == proposal


def test_a_link_that_fails_raises_nothing(pledge, make_incident, analyst, azerbaijan):
    incident = make_incident()
    with pytest.raises(Exception):  # noqa: B017 - the service refuses the control character
        incident_link(incident=incident, obligations=[obligation_of(pledge, azerbaijan)], user=analyst, note="a\x00b")
    assert not Alert.objects.exists()
    assert not OutboundEmail.objects.filter(kind="alert").exists()


# Who is told


@pytest.mark.parametrize(
    ("published", "verification", "include_unverified", "expected"),
    [
        (True, Verification.CORROBORATED, False, set(EVERYONE)),
        (True, Verification.VERIFIED, False, set(EVERYONE)),
        (True, Verification.DISPUTED, False, set(EVERYONE)),
        (True, Verification.REPORTED, False, {ANALYST}),
        (True, Verification.REPORTED, True, set(EVERYONE)),
        (False, Verification.CORROBORATED, True, {ANALYST}),
        (False, Verification.REPORTED, False, {ANALYST}),
        (True, Verification.RETRACTED, True, set()),
        (False, Verification.RETRACTED, False, set()),
    ],
)
def test_who_is_told_of_a_linked_incident(
    readers, pledge, make_incident, analyst, azerbaijan, published, verification, include_unverified, expected
):
    readers(include_unverified=include_unverified)
    incident = make_incident(published=published, verification=verification)
    incident_link(incident=incident, obligations=[obligation_of(pledge, azerbaijan)], user=analyst)
    sent = told()
    assert set(sent) == expected
    assert all(len(messages) == 1 for messages in sent.values())
    assert INTERNAL not in everything_sent()
    if ANALYST in expected:
        (message,) = sent[ANALYST]
        draft = not published
        assert message.subject.startswith("Incident linked [draft]:" if draft else "Incident linked:")
        assert ("DRAFT: not published" in message.body) is draft


def test_partners_hear_of_a_linked_draft_once_it_is_published_and_corroborated_only_then(
    readers, pledge, make_incident, analyst, azerbaijan
):
    readers()
    incident = make_incident(published=False, verification=Verification.REPORTED)
    incident_link(incident=incident, obligations=[obligation_of(pledge, azerbaijan)], user=analyst)
    assert set(told()) == {ANALYST}
    mail.outbox.clear()

    incident_publish(incident=incident, published=True, user=analyst)
    assert told() == {}  # published, but still only reported
    incident_verify(incident=incident, verification=Verification.CORROBORATED, reason="A second source.", user=analyst)
    assert set(told()) == set(NOT_ANALYSTS)  # the analyst was told already, once
    assert all(len(messages) == 1 for messages in told().values())
    mail.outbox.clear()

    incident_verify(incident=incident, verification=Verification.VERIFIED, reason="Seen on site.", user=analyst)
    assert told() == {}  # nobody is told twice


def test_nobody_but_analysts_hears_of_an_incident_on_an_unpublished_agreement(
    readers, make_commitment, make_incident, analyst, azerbaijan
):
    readers(include_unverified=True)
    draft_pledge = make_commitment(title="Draft pledge", **ONGOING)
    assert not draft_pledge.agreement.published
    incident_link(incident=make_incident(), obligations=[obligation_of(draft_pledge, azerbaijan)], user=analyst)
    assert set(told()) == {ANALYST}


def test_a_subscription_of_the_commitment_or_the_party_hears_of_it_another_partys_does_not(
    pledge, make_incident, make_commitment, analyst, armenia, azerbaijan
):
    other = make_commitment(agreement=pledge.agreement, title="Exchange the remains of the dead", **ONGOING)
    subscribe("commitment@partner.example", commitment=pledge)
    subscribe("aze@partner.example", party=azerbaijan)
    subscribe("arm@partner.example", party=armenia)
    subscribe("other@partner.example", commitment=other)
    subscribe("no.incidents@partner.example", party=azerbaijan, on_incident_linked=False)
    mail.outbox.clear()
    incident_link(incident=make_incident(), obligations=[obligation_of(pledge, azerbaijan)], user=analyst)
    assert set(told()) == {"commitment@partner.example", "aze@partner.example"}


def test_the_email_tells_what_happened_where_and_to_what_it_was_linked(
    readers, pledge, make_incident, analyst, azerbaijan
):
    readers()
    incident = make_incident(occurred_time=time(14, 30), timezone="Asia/Baku")
    incident_link(incident=incident, obligations=[obligation_of(pledge, azerbaijan)], user=analyst)
    (message,) = told()[PARTNER]
    assert message.subject == (
        "Incident linked: Refrain from targeting civilians, Azerbaijan: "
        "Explosions/Remote violence: Shelling/artillery/missile attack, Stepanakert, Nagorno-Karabakh, Azerbaijan, "
        "2 Nov 2020, 14:30 (Asia/Baku)"
    )
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "Refrain from targeting civilians" in text
        assert "Republic of Azerbaijan (AZE)" in text  # the party it was linked to, and alleged
        assert "2 Nov 2020, 14:30 (Asia/Baku)" in text
        assert "Stepanakert, Nagorno-Karabakh, Azerbaijan" in text
        assert "Explosions/Remote violence: Shelling/artillery/missile attack" in text
        assert "Fatalities: 3; Civilians killed: 2; Civilians injured: 11; houses destroyed: 4" in text
        assert "Corroborated" in text
        assert f"{settings.SITE_URL}/incidents/{incident.pk}/" in text
        assert f"{settings.SITE_URL}/commitments/{pledge.pk}/" in text
        assert "/alerts/unsubscribe/" in text
        assert "Shelling of a residential district." in text
    assert "Alleged responsible: Republic of Azerbaijan (AZE)" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<")
    assert INTERNAL not in everything_sent()
    assert "Shelling: both sides?" not in everything_sent()  # the link's note is the analysts'


def test_an_incident_without_alleged_party_or_figures_says_so(readers, pledge, make_incident, analyst, azerbaijan):
    readers()
    incident = make_incident(fatalities=None, civilians_killed=None, civilians_injured=None, other_figures={})
    incident.party_roles.all().delete()
    incident_link(incident=incident, obligations=[obligation_of(pledge, azerbaijan)], user=analyst)
    (message,) = told()[PARTNER]
    assert "Alleged responsible: Unknown" in message.body
    assert "Figures: None reported" in message.body


# Digests


def test_the_digest_tells_of_linked_incidents_a_partner_only_of_those_past_reported(
    readers, pledge, make_incident, analyst, azerbaijan
):
    readers(delivery=Delivery.DIGEST, digest_hour=0)
    obligation = obligation_of(pledge, azerbaijan)
    shelling = make_incident(location="Stepanakert")
    rumour = make_incident(location="Shusha", verification=Verification.REPORTED)
    incident_link(incident=shelling, obligations=[obligation], user=analyst)
    incident_link(incident=rumour, obligations=[obligation], user=analyst)
    assert not OutboundEmail.objects.filter(kind="alert").exists()  # digest subscribers only
    assert notifications.digests_queue(now=timezone.now()) == 4
    sent = told()
    (digest,) = sent[ANALYST]
    assert digest.subject.startswith("Daily digest: 2 alert(s)")
    for address in NOT_ANALYSTS:
        (digest,) = sent[address]
        assert digest.subject.startswith("Daily digest: 1 alert(s)")
        for text in (digest.body, digest.alternatives[0][0]):
            assert "Stepanakert" in text
            assert f"/incidents/{shelling.pk}/" in text
            assert "Shusha" not in text
    assert INTERNAL not in everything_sent()


def test_a_digest_subscription_that_asks_for_unverified_incidents_gets_them(
    readers, pledge, make_incident, analyst, azerbaijan
):
    readers(delivery=Delivery.DIGEST, digest_hour=0, include_unverified=True)
    incident_link(
        incident=make_incident(verification=Verification.REPORTED),
        obligations=[obligation_of(pledge, azerbaijan)],
        user=analyst,
    )
    assert notifications.digests_queue(now=timezone.now()) == 4
    sent = told()
    assert set(sent) == set(EVERYONE)
    assert "Reported (not yet corroborated)" in sent[PARTNER][0].body


# Cancelled at sending


@pytest.mark.parametrize("change", ["retract", "unpublish", "unlink", "back_to_reported"])
def test_a_message_queued_for_an_incident_changed_since_is_cancelled_at_sending(
    readers, pledge, make_incident, analyst, azerbaijan, change
):
    readers()
    incident = make_incident()
    (link,) = incident_link(incident=incident, obligations=[obligation_of(pledge, azerbaijan)], user=analyst)
    assert OutboundEmail.objects.filter(kind="alert", status=OutboxStatus.PENDING).count() == len(EVERYONE)
    if change == "retract":
        incident_verify(incident=incident, verification=Verification.RETRACTED, reason="Staged.", user=analyst)
        still_told = set()
    elif change == "unpublish":
        incident_publish(incident=incident, published=False, user=analyst)
        still_told = {ANALYST}
    elif change == "unlink":
        incident_link_decide(link=link, state=LinkState.REMOVED, user=analyst, note="Wrong district.")
        still_told = set()
    else:
        incident_verify(
            incident=incident, verification=Verification.REPORTED, reason="One source withdrew.", user=analyst
        )
        still_told = {ANALYST}
    assert set(told()) == still_told
    cancelled = OutboundEmail.objects.filter(kind="alert", status=OutboxStatus.CANCELLED)
    assert set(cancelled.values_list("recipient__email", flat=True)) == set(EVERYONE) - still_told
    assert set(cancelled.values_list("last_error", flat=True)) == {
        "not to be told of this incident now: unpublished, retracted, unverified, or its link removed"
    }


def test_a_digest_drops_at_sending_an_incident_retracted_since_it_was_queued(
    readers, pledge, make_incident, analyst, azerbaijan
):
    readers(delivery=Delivery.DIGEST, digest_hour=0)
    obligation = obligation_of(pledge, azerbaijan)
    kept, retracted = make_incident(location="Stepanakert"), make_incident(location="Shusha")
    incident_link(incident=kept, obligations=[obligation], user=analyst)
    incident_link(incident=retracted, obligations=[obligation], user=analyst)
    assert notifications.digests_queue(now=timezone.now()) == 4
    incident_verify(incident=retracted, verification=Verification.RETRACTED, reason="Staged.", user=analyst)
    for address, messages in told().items():
        (digest,) = messages
        assert digest.subject.startswith("Daily digest: 1 alert(s)"), address
        assert "Shusha" not in digest.body


# Inbox and API


def test_the_inbox_lists_incident_alerts_analysts_see_drafts_partners_do_not(
    client, pledge, make_incident, analyst, partner, azerbaijan
):
    obligation = obligation_of(pledge, azerbaijan)
    published = make_incident(location="Stepanakert")
    draft = make_incident(location="Shusha", published=False)
    incident_link(incident=published, obligations=[obligation], user=analyst)
    incident_link(incident=draft, obligations=[obligation], user=analyst)
    client.force_login(analyst)
    page = client.get("/alerts/inbox/", {"kind": "incident_linked"}).content.decode()
    assert f'href="/incidents/{published.pk}/"' in page
    assert f'href="/incidents/{draft.pk}/"' in page
    assert "Draft</span>" in page
    dashboard = client.get("/").content.decode()  # its "Unacknowledged alerts" section
    assert f'href="/incidents/{published.pk}/"' in dashboard
    assert 'value="incident_linked"' in page  # the kind filter offers it
    client.force_login(partner)
    page = client.get("/alerts/inbox/", {"kind": "incident_linked"}).content.decode()
    assert f'href="/incidents/{published.pk}/"' in page
    assert f"/incidents/{draft.pk}/" not in page
    assert "Shusha" not in page
    assert f"/incidents/{draft.pk}/" not in client.get("/").content.decode()


def test_the_api_gives_the_incident_of_an_alert_partners_only_readable_ones(
    pledge, make_incident, analyst, partner, azerbaijan
):
    from tests.api.conftest import token_client

    obligation = obligation_of(pledge, azerbaijan)
    published = make_incident()
    draft = make_incident(published=False)
    retracted = make_incident(verification=Verification.RETRACTED)
    for incident in (published, draft, retracted):
        incident_link(incident=incident, obligations=[obligation], user=analyst)
    draft_alert = Alert.objects.get(incident_link__incident=draft)

    def incidents(api) -> set:
        response = api.get("/api/v1/alerts/", {"kind": "incident_linked"})
        assert response.status_code == 200, response.content
        assert {row["kind"] for row in response.json()["results"]} == {"incident_linked"}
        return {row["incident"] for row in response.json()["results"]}

    assert incidents(token_client(analyst, read_only=False)) == {published.pk, draft.pk}
    partner_api = token_client(partner, read_only=True)
    assert incidents(partner_api) == {published.pk}
    assert partner_api.get(f"/api/v1/alerts/{draft_alert.pk}/").status_code == 404
    assert partner_api.get("/api/v1/alerts/", {"incident": str(2**63)}).status_code == 400


# Concurrency (PostgreSQL)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("proposed", [False, True])
def test_twenty_analysts_linking_at_once_raise_one_alert_and_one_message_each(
    pledge, make_incident, analyst, azerbaijan, proposed
):
    from commitments.models import IncidentLink
    from tests.tracker.test_concurrency import run_concurrently

    subscribe(PARTNER, party=azerbaijan)
    incident, obligation = make_incident(), obligation_of(pledge, azerbaijan)
    if proposed:  # a rule's proposal that twenty analysts accept at once
        IncidentLink.objects.create(incident=incident, obligation=obligation, state=LinkState.PROPOSED)
    made = run_concurrently(
        lambda _: incident_link(incident=incident, obligations=[obligation], user=analyst), count=20
    )
    assert sum(len(links) for links in made) == 1
    link = IncidentLink.objects.get()
    assert link.state == LinkState.LINKED
    assert Alert.objects.get().incident_link == link
    assert OutboundEmail.objects.filter(kind="alert").count() == 1


# End to end: a real Celery worker on Redis, a real SMTP server


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_partner_receives_one_email_of_the_published_incident_through_the_worker(
    celery_worker, smtp_server, client, pledge, make_incident, analyst, partner, azerbaijan
):
    from tests.tracker.test_email import links, path
    from tests.tracker.test_email_worker import run, subjects
    from tests.tracker.test_worker import wait_for

    partner.email = PARTNER
    partner.save()
    notifications.subscription_create(email=PARTNER, user=partner, party=azerbaijan)
    assert wait_for(lambda: len(smtp_server.handler.to(PARTNER)) == 1)  # the confirmation
    (confirm,) = [u for u in links(smtp_server.handler.to(PARTNER)[0]) if "/alerts/confirm/" in u]
    assert client.get(path(confirm)).status_code == 200

    obligation = obligation_of(pledge, azerbaijan)
    draft = make_incident(location="Shusha", published=False)
    incident_link(incident=draft, obligations=[obligation], user=analyst)
    shelling = make_incident(location="Stepanakert")
    incident_link(incident=shelling, obligations=[obligation], user=analyst)  # queues the sender on commit
    expected = (
        "Incident linked: Refrain from targeting civilians, Azerbaijan: "
        "Explosions/Remote violence: Shelling/artillery/missile attack, Stepanakert, Nagorno-Karabakh, "
        "Azerbaijan, 2 Nov 2020"
    )
    assert wait_for(lambda: expected in subjects(smtp_server, PARTNER))
    run(celery_worker, "tracker.send_outbox")
    assert subjects(smtp_server, PARTNER).count(expected) == 1
    assert len(smtp_server.handler.to(PARTNER)) == 2  # the confirmation and the one alert
    (alert_mail,) = [m for m in smtp_server.handler.to(PARTNER) if m["Subject"] == expected]
    raw = alert_mail.as_bytes().decode("utf-8", errors="replace")
    text = alert_mail.get_body(("plain",)).get_content()
    assert f"/incidents/{shelling.pk}/" in text
    assert "Shelling of a residential district." in text
    assert "Shusha" not in raw
    assert INTERNAL not in raw
    assert INTERNAL not in alert_mail.get_body(("html",)).get_content()


# Choosing them


def test_an_analyst_subscribes_a_focal_point_to_incidents_with_unverified_reports(client, analyst, azerbaijan):
    from tests.tracker.test_focal_points import URL, form

    client.force_login(analyst)
    page = client.get(URL).content.decode()
    assert 'name="on_incident_linked"' in page
    assert 'name="include_unverified"' in page
    response = client.post(URL, form(party=azerbaijan.pk, on_incident_linked="on", include_unverified="on"))
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert (subscription.kinds(), subscription.include_unverified) == (["due_soon", "overdue", "incident_linked"], True)
    assert "incident linked (unverified incidents too)" in client.get(URL).content.decode()


def test_the_admin_creates_a_subscription_with_the_incident_choices(client, azerbaijan):
    from tests.factories import UserFactory
    from tracker.models import Recipient

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    recipient = Recipient.objects.create(email="focal@partner.example")
    client.force_login(admin)
    response = client.post(
        "/admin/tracker/subscription/add/",
        {
            "recipient": recipient.pk,
            "party": azerbaijan.pk,
            "on_status_changed": "on",
            "include_unverified": "on",
            "delivery": "immediate",
            "digest_hour": 8,
            "timezone": "UTC",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    subscription = Subscription.objects.get()
    assert (subscription.on_incident_linked, subscription.include_unverified) == (False, True)
