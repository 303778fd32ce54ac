"""The incident forms under 20 simultaneous posts on PostgreSQL, where a check and its write
meet: a verification changes once, a link is made once, a form token records once."""

import pytest
from django.test import Client

from commitments.choices import LinkState, Verification
from commitments.form_once import new_form_token
from commitments.models import Incident, IncidentLink
from tests.commitments.test_incident_pages import make_incident
from tests.tracker.test_concurrency import run_concurrently

pytestmark = pytest.mark.postgres

THREADS = 20


@pytest.fixture
def incident(transactional_db, django_db_serialized_rollback, analyst, make_commitment, geneva):
    geneva.published = True
    geneva.save()
    commitment = make_commitment(reference="para 1", nature="ongoing", deadline=None, category="civilian_protection")
    return make_incident(analyst), commitment.obligations.order_by("party__code").first()


def clients(user) -> list[Client]:
    made = []
    for _ in range(THREADS):
        client = Client()
        client.force_login(user)
        made.append(client)
    return made


def test_twenty_verifications_at_once_change_it_once(incident, analyst):
    incident, _ = incident
    posters = clients(analyst)
    url = f"/incidents/{incident.pk}/verify/"
    statuses = run_concurrently(
        lambda i: (
            posters[i]
            .post(url, {"form_token": new_form_token(), "verification": "verified", "reason": f"Analyst {i}"})
            .status_code
        ),
        THREADS,
    )
    assert sorted(statuses) == [302] + [400] * (THREADS - 1)  # the others: "already verified"
    assert Incident.objects.get().verification == Verification.VERIFIED
    assert incident.history.filter(history_change_reason__startswith="Reported → Verified").count() == 1


def test_twenty_links_at_once_make_one_link(incident, analyst):
    incident, obligation = incident
    posters = clients(analyst)
    url = f"/incidents/{incident.pk}/link/"
    statuses = run_concurrently(
        lambda i: (
            posters[i]
            .post(
                url,
                {
                    "form_token": new_form_token(),
                    "commitment": obligation.commitment_id,
                    "obligations": [obligation.pk],
                },
            )
            .status_code
        ),
        THREADS,
    )
    assert set(statuses) == {302}
    assert IncidentLink.objects.filter(state=LinkState.LINKED).count() == 1
    assert IncidentLink.history.filter(history_type="+").count() == 1


def test_one_form_posted_twenty_times_at_once_records_once(incident, analyst):
    incident, _ = incident
    posters = clients(analyst)
    data = {"form_token": new_form_token(), "verification": "disputed", "reason": "Denied by both sides"}
    run_concurrently(lambda i: posters[i].post(f"/incidents/{incident.pk}/verify/", data).status_code, THREADS)
    assert incident.history.filter(history_change_reason__endswith="Denied by both sides").count() == 1
