"""Writes done once per key: the API's Idempotency-Key header (tracker/api/idempotency.py)
and the one-time tokens of the page forms (commitments/views.py) share this store.

A key is claimed by inserting its row in the transaction of the write it guards, and the
response is stored on the row before that transaction commits: the key and the write are
kept or rolled back together. A second request with the key (a retry, a double click)
finds the row and gets the stored response instead of writing again. On PostgreSQL a
concurrent second request waits on the unique index until the first commits; on SQLite
every request's BEGIN IMMEDIATE already runs them one after the other."""

import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import IdempotencyKey

KEY_LIFETIME = timedelta(hours=24)


class KeyReused(Exception):
    """The key was used in the last 24 hours for another request (method, path or body)."""


class KeyBusy(Exception):
    """A concurrent request holds the key and its outcome cannot be read yet."""


def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def claim(*, user, token=None, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """Claim ``key`` for a write in the caller's transaction.

    Returns ``(row, True)`` for a key claimed now: the caller writes, then calls
    ``complete(row, ...)``. Returns ``(row, False)`` with the earlier request's row, whose
    stored response is the answer. Raises KeyReused when the earlier request was another
    one (``fingerprint`` from ``request_hash``), KeyBusy when its outcome is not readable."""
    mine = IdempotencyKey.objects.filter(user=user, token=token, key=key)
    earlier = mine.first()
    if earlier is not None and earlier.created_at <= timezone.now() - KEY_LIFETIME:
        earlier.delete()  # expired: the periodic purge had not got to it yet
        earlier = None
    if earlier is None:
        try:
            with transaction.atomic():  # a savepoint: the request's transaction survives a conflict
                row = IdempotencyKey.objects.create(
                    user=user, token=token, key=key, request_hash=fingerprint, created_at=timezone.now()
                )
            return row, True
        except IntegrityError:
            # A concurrent request inserted the key and has committed since (PostgreSQL made
            # this INSERT wait for it): its row is visible to the next statement.
            earlier = mine.first()
    if earlier is None:
        raise KeyBusy
    if earlier.request_hash != fingerprint:
        raise KeyReused
    if earlier.response_status is None:
        raise KeyBusy
    return earlier, False


def complete(row: IdempotencyKey, *, status: int, body) -> None:
    """Store the response of the write ``row`` guards, in the write's transaction."""
    row.response_status, row.response_body = status, body
    row.save(update_fields=["response_status", "response_body"])


def keys_purge(*, now=None) -> int:
    """Delete the keys older than 24 hours; return how many."""
    cutoff = (now or timezone.now()) - KEY_LIFETIME
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
