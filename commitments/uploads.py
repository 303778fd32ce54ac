"""Files uploaded on the import page, kept between the preview and the confirmation.

The bytes an analyst previewed are kept on the server, in the shared cache
(``django.core.cache``: Redis in production, so every web worker sees them), under a random
token bound to the analyst: the confirmation names the token, never the file, so it imports
exactly the bytes that were previewed, and nobody else's. An entry expires after
UPLOAD_LIFETIME; once imported, it is replaced by a marker naming the agreement, so the
same preview is never imported twice (the confirm form's one-time token guards the double
click on top of that). Only files that previewed without a problem are kept.

The importer itself is commitments.documents (issue 12): ``run_import`` is the one place
this page calls it."""

import hashlib
import re
import secrets
from dataclasses import dataclass, replace

from django.core.cache import cache

from .documents import read_upload
from .documents.schema import MAX_BYTES

JSON, CSV = "json", "csv"
# The importer's own cap (5 MB; a 500-commitment agreement is about 300 KB of JSON): the page
# takes what the command and the API take, and the form says so before reading the file.
MAX_UPLOAD_BYTES = MAX_BYTES
UPLOAD_LIFETIME = 60 * 60  # seconds: time to read a long preview, not a day
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Upload:
    """A previewed file: what the confirmation imports."""

    name: str
    kind: str  # JSON or CSV
    data: bytes
    agreement_id: int | None  # the agreement a CSV's commitments go to
    publish: bool  # a JSON document's agreement is published on import
    preview: dict  # as the dry run gave it, to show the preview again
    imported_id: int | None = None  # set once imported: the agreement

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def kind_of(name: str) -> str | None:
    """JSON or CSV from the file's name (browsers' content types vary too much)."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return {"json": JSON, "csv": CSV}.get(suffix)


def _key(token: str, user) -> str | None:
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None  # a hostile value never becomes a cache key
    return f"intake-upload:{user.pk}:{token}"


def stash(upload: Upload, *, user) -> str:
    """Keep ``upload`` for ``user``; return its token."""
    token = secrets.token_urlsafe(32)
    cache.set(_key(token, user), {"user": user.pk, "upload": upload}, timeout=UPLOAD_LIFETIME)
    return token


def fetch(token: str, *, user) -> Upload | None:
    """``user``'s upload of that token; None when unknown, expired or someone else's."""
    key = _key(token, user)
    entry = cache.get(key) if key else None
    if not isinstance(entry, dict) or entry.get("user") != user.pk:
        return None
    return entry["upload"]


def mark_imported(token: str, *, user, upload: Upload, agreement_id: int) -> None:
    """Replace the kept bytes by a marker: the token now only leads to the agreement."""
    done = replace(upload, data=b"", preview={}, imported_id=agreement_id)
    cache.set(_key(token, user), {"user": user.pk, "upload": done}, timeout=UPLOAD_LIFETIME)


def run_import(*, name: str, kind: str, data: bytes, agreement, publish: bool, user, dry_run: bool):
    """Preview (``dry_run``) or import a file through the agreement document service, as
    the command and the API do; returns its ImportResult. A JSON document is a whole
    agreement (``agreement`` unused); a CSV holds commitments for ``agreement`` (``publish``
    unused). ``kind`` was read from ``name``, as the service reads it."""
    return read_upload(name, data, agreement=agreement, user=user, dry_run=dry_run, publish=publish and kind == JSON)
