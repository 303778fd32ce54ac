"""The Idempotency-Key header on the API's POSTs: a client that retries a POST with the
same key and body gets the first response again (with ``Idempotent-Replayed: true``)
instead of a second write. The store is tracker/idempotency.py."""

import re

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework import status as http
from rest_framework.response import Response

from .. import idempotency
from ..models import ApiToken

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEY_FORMAT = re.compile(r"[!-~]{1,255}")  # visible ASCII: a UUID, a hash, a client's own id

PARAMETER = OpenApiParameter(
    name=HEADER,
    type={"type": "string", "pattern": "^[!-~]{1,255}$"},
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "1 to 255 visible ASCII characters, new for each write (a UUID). A retry with the same key and body "
        "within 24 hours writes nothing and returns the first response, with `Idempotent-Replayed: true`; the "
        "same key with another body is a 422. Keys are per user and token."
    ),
)


class IdempotencyKeySchema(AutoSchema):
    """Documents the header on every POST operation of a view with the mixin below."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        return [*parameters, PARAMETER] if self.method == "POST" else parameters


class KeyReusedError(exceptions.APIException):
    status_code = http.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = {
        HEADER: ["This key was used in the last 24 hours for another request (method, path or body): use a new key."]
    }
    default_code = "idempotency_key_reused"


class KeyBusyError(exceptions.APIException):
    status_code = http.HTTP_409_CONFLICT
    default_detail = {HEADER: ["A request with this key is still being processed: retry it in a moment."]}
    default_code = "idempotency_key_busy"


class _Replay(Exception):
    """Carries the stored response out of initial(), past the view's handler."""

    def __init__(self, response: Response):
        self.response = response


class IdempotentPostMixin:
    """Honours Idempotency-Key on every POST of the view: the key is claimed in the request's
    transaction (ATOMIC_REQUESTS) before the handler writes, and the handler's response is
    stored on it before that transaction commits. Only successful responses are stored: a
    refused request rolls the key back with everything else, so it can be retried."""

    schema = IdempotencyKeySchema()

    def initial(self, request, *args, **kwargs):
        key = request.headers.get(HEADER) if request.method == "POST" else None
        # The raw body, read now while it is unread (a form parser would consume it).
        body = request._request.body if key is not None else b""
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttles
        self.idempotency_key = None
        if key is None:
            return
        if not KEY_FORMAT.fullmatch(key):
            raise exceptions.ValidationError({HEADER: ["Give 1 to 255 visible ASCII characters (no spaces)."]})
        fingerprint = idempotency.request_hash(request.method, request.get_full_path(), body)
        token = request.auth if isinstance(request.auth, ApiToken) else None  # None: a session
        try:
            row, fresh = idempotency.claim(user=request.user, token=token, key=key, fingerprint=fingerprint)
        except idempotency.KeyReused as exc:
            raise KeyReusedError() from exc
        except idempotency.KeyBusy as exc:
            raise KeyBusyError() from exc
        if not fresh:
            raise _Replay(Response(row.response_body, status=row.response_status, headers={REPLAYED: "true"}))
        self.idempotency_key = row

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "idempotency_key", None) is not None and http.is_success(response.status_code):
            idempotency.complete(self.idempotency_key, status=response.status_code, body=response.data)
        return response
