"""Signed links (confirm an address, unsubscribe, change an email): one way to read them, so
every link refuses a tampered, expired or malformed token with a message at ``token``."""

from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError


def signed_link_data(
    token: str, *, salt: str, invalid: str, expired: str = "", max_age: timedelta | None = None
) -> dict:
    """The data signed into ``token``; a ValidationError keyed "token" with ``invalid`` (or
    ``expired`` past ``max_age``) when it is not one of ours, or not a mapping."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise ValidationError({"token": expired or invalid}) from exc
    except signing.BadSignature as exc:
        raise ValidationError({"token": invalid}) from exc
    if not isinstance(data, dict):
        raise ValidationError({"token": invalid})
    return data
