"""The API's one way of answering a validation error: a 400 whose keys are the API's
field names. The services key their errors by their own names (core/validation.py); a
view declares how those names read in its API as data, a dict given to
``service_errors``."""

from collections.abc import Mapping
from contextlib import contextmanager
from types import MappingProxyType

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def api_name(key: str, names: Mapping[str, str]) -> str:
    """The API's name for a service's error key. ``names`` maps whole keys
    (``signed_on`` -> ``date``) and, for a key starting with a dot, a last part of a key
    (``.related_agreement`` -> ``.agreement`` renames ``relations[0].related_agreement``)."""
    if key in names:
        return names[key]
    for suffix, name in names.items():
        if suffix.startswith(".") and key.endswith(suffix):
            return key.removesuffix(suffix) + name
    return key


def api_errors(exc: DjangoValidationError, names: Mapping[str, str] = MappingProxyType({})) -> dict[str, list[str]]:
    """A service's ValidationError keyed by the API's names; one of no field (raised
    without a dict) under ``non_field_errors``."""
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    return {api_name(key, names): messages for key, messages in detail.items()}


@contextmanager
def service_errors(names: Mapping[str, str] = MappingProxyType({})):
    """A service's ValidationError inside the block becomes a 400 naming the API's fields."""
    try:
        yield
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(api_errors(exc, names)) from exc


def flat_errors(detail, prefix: str = "") -> dict:
    """DRF's nested errors ({"participants": [{}, {"party": [...]}]}) keyed the way the
    services key theirs: {"participants[1].party": [...]}; a list's own error (not a list,
    too long) stays on the list's name."""
    if isinstance(detail, dict):
        # DRF keys a list's errors by the item's index (an int), a dict's by the field.
        items = [
            (f"{prefix}[{k}]" if isinstance(k, int) else f"{prefix}.{k}" if prefix else k, v)
            for k, v in detail.items()
            if k != "non_field_errors"
        ]
        own = detail.get("non_field_errors")
    elif detail and not all(isinstance(item, str) for item in detail):
        items = [(f"{prefix}[{i}]", item) for i, item in enumerate(detail) if item]
        own = None
    else:
        return {prefix: detail}
    flat = {prefix or "non_field_errors": own} if own else {}
    for key, value in items:
        flat.update(flat_errors(value, key))
    return flat


def validated_flat(serializer) -> dict:
    """The serializer's validated data, or a 400 keyed like the services' errors."""
    if not serializer.is_valid():
        raise exceptions.ValidationError(flat_errors(serializer.errors))
    return dict(serializer.validated_data)


def exception_handler(exc, context):
    """A service's ValidationError that no view converted still answers 400 naming the
    fields (by the services' names), never 500."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(api_errors(exc))
    return drf_exception_handler(exc, context)
