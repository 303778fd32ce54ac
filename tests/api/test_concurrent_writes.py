"""Concurrent writes through a real threaded server: of twenty PATCHes sent at once with
the same ETag exactly one wins and the others get 412, and twenty POSTs sent at once with
the same Idempotency-Key write once. Runs on PostgreSQL and on SQLite."""

import json
import threading
import urllib.error
import urllib.request
from datetime import date

import pytest

from commitments.choices import Status
from commitments.models import Agreement, Commitment, StatusUpdate
from core.models import ApiToken

THREADS = 20


def send(method: str, url: str, key: str, body: dict | None = None, **headers) -> tuple[int, dict, dict]:
    """One HTTP request to the live server: (status, headers, JSON body)."""
    request = urllib.request.Request(  # noqa: S310 (the live server's http:// URL)
        url,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Token {key}", "Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")


def all_at_once(send_one) -> list:
    """Call ``send_one(i)`` from THREADS threads released together by a barrier."""
    barrier = threading.Barrier(THREADS)
    results: list = [None] * THREADS

    def worker(index: int) -> None:
        barrier.wait(timeout=30)
        try:
            results[index] = send_one(index)
        except Exception as exc:  # a refused connection, a timeout: reported by the test
            results[index] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture
def analyst_key(analyst):
    return ApiToken.issue(user=analyst, read_only=False)[1]


@pytest.fixture
def commitment(make_commitment):
    commitment = make_commitment()
    Agreement.objects.filter(pk=commitment.agreement_id).update(published=True)
    return commitment


@pytest.mark.parametrize("kind", ["commitments", "agreements"])
def test_twenty_concurrent_patches_with_one_etag_one_wins(
    live_server, django_db_serialized_rollback, analyst_key, commitment, kind
):
    target = commitment if kind == "commitments" else commitment.agreement
    url = f"{live_server.url}/api/v1/{kind}/{target.pk}/"
    status, headers, _ = send("GET", url, analyst_key)
    assert status == 200
    history = target.history.count()

    results = all_at_once(
        lambda i: send(
            "PATCH",
            url,
            analyst_key,
            {"title": f"Title {i}", "reason": "Concurrent edit."},
            **{"If-Match": headers["ETag"]},
        )
    )

    statuses = sorted(r[0] if isinstance(r, tuple) else repr(r) for r in results)
    assert statuses == [200] + [412] * (THREADS - 1)
    winner = next(r for r in results if r[0] == 200)[2]
    target.refresh_from_db()
    assert target.title == winner["title"]
    assert target.history.count() == history + 1


def test_twenty_concurrent_posts_with_one_idempotency_key_write_once(
    live_server, django_db_serialized_rollback, analyst_key, commitment
):
    url = f"{live_server.url}/api/v1/commitments/{commitment.pk}/status-updates/"
    body = {
        "party": "ARM",
        "status": "in_progress",
        "effective_date": str(date(2020, 11, 2)),
        "summary": "Lists being compiled.",
        "sources": [{"publisher": "ICRC", "published_on": "2020-11-02"}],
    }

    results = all_at_once(lambda i: send("POST", url, analyst_key, body, **{"Idempotency-Key": "retry-1"}))

    assert all(isinstance(r, tuple) and r[0] == 201 for r in results), results
    assert StatusUpdate.objects.filter(obligation__commitment=commitment).count() == 1
    assert len({json.dumps(r[2], sort_keys=True) for r in results}) == 1  # every answer is the first one
    assert sum(r[1].get("Idempotent-Replayed") == "true" for r in results) == THREADS - 1
    assert Commitment.objects.get(pk=commitment.pk).status == Status.IN_PROGRESS


def test_twenty_concurrent_participant_replacements_with_one_etag_one_wins(
    live_server, django_db_serialized_rollback, analyst_key, commitment, icrc
):
    """A list replaced whole is still one write: of twenty PATCHes of the participants with
    one ETag, one wins, the others get 412, and the list is the winner's, not a mix."""
    agreement = commitment.agreement
    url = f"{live_server.url}/api/v1/agreements/{agreement.pk}/"
    status, headers, _ = send("GET", url, analyst_key)
    assert status == 200
    roles = ["signatory", "guarantor", "mediator", "witness", "other"]

    def participants(i: int) -> list[dict]:
        return [{"party": "ARM", "role": "signatory"}, {"party": "icrc", "role": roles[i % 5]}]

    results = all_at_once(
        lambda i: send(
            "PATCH",
            url,
            analyst_key,
            {"participants": participants(i), "reason": f"Edit {i}."},
            **{"If-Match": headers["ETag"]},
        )
    )

    statuses = sorted(r[0] if isinstance(r, tuple) else repr(r) for r in results)
    assert statuses == [200] + [412] * (THREADS - 1)
    winner = next(i for i, r in enumerate(results) if r[0] == 200)
    stored = sorted(agreement.participants.values_list("party__code", "role"))
    assert stored == sorted((p["party"], p["role"]) for p in participants(winner))
    assert sorted((p["party"], p["role"]) for p in results[winner][2]["participants"]) == stored


def test_twenty_concurrent_posts_of_one_new_party_create_it_once_and_answer_400_otherwise(
    live_server, django_db_serialized_rollback, analyst_key
):
    from parties.models import Party

    url = f"{live_server.url}/api/v1/parties/"
    body = {"code": "unhcr", "name": "UN High Commissioner for Refugees", "kind": "international_organisation"}

    results = all_at_once(lambda i: send("POST", url, analyst_key, body))

    statuses = sorted(r[0] for r in results if isinstance(r, tuple))
    assert statuses == [201] + [400] * (THREADS - 1), results
    assert all("code" in r[2] for r in results if isinstance(r, tuple) and r[0] == 400)
    assert Party.objects.filter(code="unhcr").count() == 1
