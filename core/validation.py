"""The services' error collector: every service validates everything first, gathering
the errors keyed by field (``sources[0].url``, ``commitments[2].deadline.days``), and
raises them together before it writes anything. The API (core/api/errors.py) and the
forms (core/form_errors.py) each translate these keys once, in one place."""

from collections.abc import Sequence

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

Errors = dict[str, list[str]]


def error_dict(exc: ValidationError) -> Errors:
    """``exc``'s messages keyed by field; a message of no field under ``__all__``."""
    return exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}


def add_errors(errors: Errors, exc: ValidationError | Errors, prefix: str = "") -> None:
    """Add ``exc``'s messages (a ValidationError or a dict of them) to ``errors``, each
    key prefixed with ``prefix``; messages for a key already there are appended."""
    found = exc if isinstance(exc, dict) else error_dict(exc)
    for field, messages in found.items():
        errors.setdefault(f"{prefix}{field}", []).extend([messages] if isinstance(messages, str) else messages)


def clean_into(errors: Errors, instance, *, exclude: Sequence[str] = (), prefix: str = "", **options) -> None:
    """Run ``instance.full_clean`` (``options``: its other arguments) and add its errors."""
    try:
        instance.full_clean(exclude=list(exclude), **options)
    except ValidationError as exc:
        add_errors(errors, exc, prefix)


def raise_if(errors: Errors) -> None:
    """Raise the errors gathered, if any, as one ValidationError."""
    if errors:
        raise ValidationError(errors)
