"""ACLED files uploaded on the import page, kept between the preview and the confirmation,
as commitments/uploads.py keeps the agreement files: in the shared cache, under a random
token bound to the analyst, so the confirmation imports exactly the bytes previewed, and
only the analyst's own. Once imported, the bytes are replaced by a marker naming the
import's record, so the same preview is never imported twice."""

import secrets
from dataclasses import dataclass, replace

from django.core.cache import cache

from .uploads import _TOKEN, UPLOAD_LIFETIME

# About 20,000 events: a month of a busy country. Larger exports go through the command.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class AcledUpload:
    name: str
    data: bytes
    publish: bool
    retract_missing: bool
    preview: dict  # the dry run's counts, refused rows, unmapped actors, extra columns
    imported_id: int | None = None  # the AcledImport, once imported


def _key(token: str, user) -> str | None:
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None  # a hostile value never becomes a cache key
    return f"acled-upload:{user.pk}:{token}"


def stash(upload: AcledUpload, *, user, token: str | None = None) -> str:
    """Keep ``upload`` for ``user`` (under ``token`` again, when its preview is renewed)."""
    token = token or secrets.token_urlsafe(32)
    cache.set(_key(token, user), {"user": user.pk, "upload": upload}, timeout=UPLOAD_LIFETIME)
    return token


def fetch(token: str, *, user) -> AcledUpload | None:
    key = _key(token, user)
    entry = cache.get(key) if key else None
    if not isinstance(entry, dict) or entry.get("user") != user.pk:
        return None
    return entry["upload"]


def mark_imported(token: str, *, user, upload: AcledUpload, record_id: int) -> None:
    stash(replace(upload, data=b"", imported_id=record_id), user=user, token=token)
