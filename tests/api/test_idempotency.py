"""Idempotency-Key on the API's POSTs: a retried POST writes once and gets the first
response again; the same key with another body is a 422; keys are per user and token."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from commitments.models import Agreement, Commitment, Obligation, StatusUpdate
from core.api.idempotency import IdempotentPostMixin
from core.models import IdempotencyKey
from tests.api.conftest import token_client
from tests.api.test_access import api_patterns
from tests.factories import PartyFactory
from tracker import tasks

pytestmark = pytest.mark.django_db

UPDATE = {
    "status": "in_progress",
    "effective_date": "2020-11-03",
    "summary": "Both sides are compiling lists.",
    "sources": [{"publisher": "ICRC", "published_on": "2020-11-03"}],
}


@pytest.fixture
def lists(demo):
    return Commitment.objects.get(category="prisoners")


def post_update(client, lists, key, body=UPDATE):
    return client.post(f"/api/v1/commitments/{lists.pk}/status-updates/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def updates(lists) -> int:
    return StatusUpdate.objects.filter(obligation__commitment=lists).count()


def test_a_retried_status_update_is_recorded_once_and_answered_as_the_first_time(analyst_api, lists):
    first = post_update(analyst_api, lists, "9b1f6a2e-retry")
    assert first.status_code == 201, first.json()
    assert "Idempotent-Replayed" not in first
    again = post_update(analyst_api, lists, "9b1f6a2e-retry")
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert updates(lists) == 2  # one per bound party, once
    assert post_update(analyst_api, lists, "another-key").status_code == 201  # a new key is a new write
    assert updates(lists) == 4


def test_the_same_key_with_another_body_is_a_422_naming_the_header(analyst_api, lists):
    assert post_update(analyst_api, lists, "k-1").status_code == 201
    other = post_update(analyst_api, lists, "k-1", {**UPDATE, "summary": "Something else."})
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()
    elsewhere = analyst_api.post(
        f"/api/v1/commitments/{lists.pk}/obligations/", {"party": "icrc"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert elsewhere.status_code == 422  # another path
    assert updates(lists) == 2
    assert lists.obligations.count() == 2


def test_keys_are_per_user_and_per_token(analyst, lists):
    first, second = token_client(analyst, read_only=False), token_client(analyst, read_only=False)
    assert post_update(first, lists, "shared").status_code == 201
    assert post_update(second, lists, "shared").status_code == 201
    second.credentials()
    second.force_authenticate(analyst)  # a session: a scope of its own
    response = post_update(second, lists, "shared")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert updates(lists) == 6


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "with space", "clé", "tab\there"])
def test_a_malformed_key_is_a_400_naming_the_header(analyst_api, lists, key):
    response = post_update(analyst_api, lists, key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert updates(lists) == 0


def test_a_refused_post_keeps_its_key_free_for_the_corrected_retry(analyst_api, lists):
    refused = post_update(analyst_api, lists, "fix-and-retry", {**UPDATE, "status": "kept"})
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert post_update(analyst_api, lists, "fix-and-retry").status_code == 201
    assert updates(lists) == 2


def test_every_post_endpoint_honours_the_key(analyst_api, lists):
    body = {
        "agreement": lists.agreement_id,
        "reference": "para 99",
        "title": "Exchange of bodies",
        "text": "Exchange the bodies of the dead.",
        "category": "other",
        "nature": "ongoing",
        "parties": ["ARM"],
    }
    PartyFactory(code="MGC", name="Minsk Group co-chairs")
    posts = [
        ("/api/v1/agreements/", {"title": "Protocol", "kind": "protocol", "date": "2020-11-01", "timezone": "UTC"}),
        ("/api/v1/commitments/", body),
        (f"/api/v1/commitments/{lists.pk}/status-updates/", UPDATE),
        (f"/api/v1/commitments/{lists.pk}/obligations/", {"party": "MGC"}),
    ]
    counts = lambda: (  # noqa: E731
        Agreement.objects.count(),
        Commitment.objects.count(),
        StatusUpdate.objects.count(),
        Obligation.objects.count(),
    )
    for path, data in posts:
        key = f"key-for-{path}"
        assert analyst_api.post(path, data, format="json", HTTP_IDEMPOTENCY_KEY=key).status_code == 201
        before = counts()
        again = analyst_api.post(path, data, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert (again.status_code, again["Idempotent-Replayed"]) == (201, "true"), path
        assert counts() == before, path


def test_every_api_view_that_takes_a_post_has_the_mixin():
    takes_post = []
    for route, pattern in api_patterns():
        view_class = getattr(pattern.callback, "cls", None)
        actions = getattr(pattern.callback, "actions", None)
        if view_class is None:
            continue
        if ("post" in actions) if actions is not None else hasattr(view_class, "post"):
            takes_post.append(route)
            assert issubclass(view_class, IdempotentPostMixin), route
    assert len(takes_post) >= 4


def test_the_schema_documents_the_header_on_every_post(analyst_api):
    schema = analyst_api.get("/api/v1/schema/", {"format": "json"}).json()
    posts = [op for item in schema["paths"].values() for method, op in item.items() if method == "post"]
    assert len(posts) >= 4
    for operation in posts:
        assert any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in operation.get("parameters", [])), (
            operation["operationId"]
        )


def test_keys_expire_after_24_hours_and_the_purge_deletes_them(analyst_api, lists):
    assert post_update(analyst_api, lists, "daily").status_code == 201
    assert post_update(analyst_api, lists, "once").status_code == 201
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        again = post_update(analyst_api, lists, "daily")  # expired: a new write
        assert again.status_code == 201 and "Idempotent-Replayed" not in again
        assert tasks.purge_idempotency_keys() == 1  # "once"; "daily" is new again
    assert updates(lists) == 6
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["daily"]
