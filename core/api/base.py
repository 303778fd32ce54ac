"""What every API view shares: strict input, id lookups, cursor pagination, partners' view
of published data, and ETags (If-None-Match -> 304; If-Match required on PUT/PATCH)."""

import hashlib
import json

from django.core.validators import URLValidator
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from .permissions import PartnersReadAnalystsWrite, is_partner

__all__ = ["PartnersReadAnalystsWrite", "is_partner"]

# A viewset's ``lookup_value_regex`` for database ids: larger ids would overflow the
# database's integers.
ID_LOOKUP = r"[0-9]{1,18}"


class Cursor(CursorPagination):
    """Cursor pagination of every list; subclasses set ``ordering``."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        """DRF reads a page_size it cannot use ("abc", 0, 1000) as the default or the
        maximum, unsaid: here it is a 400 naming the values it takes."""
        value = request.query_params.get(self.page_size_query_param, "")
        if value == "":
            return self.page_size
        if not (value.isascii() and value.isdigit() and 1 <= int(value) <= self.max_page_size):
            message = f"Unknown value '{value}': use a whole number from 1 to {self.max_page_size}."
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return int(value)


def model_field(model, name: str, **kwargs) -> serializers.Field:
    """The serializer field ModelSerializer builds for ``model.name`` (its length, its
    validators, its label: the rule is the model's, and the schema shows it), with
    ``kwargs`` on top. For the write serializers, whose shape is not the model's."""
    field_class, field_kwargs = serializers.ModelSerializer().build_standard_field(name, model._meta.get_field(name))
    field = field_class(**{**field_kwargs, **kwargs})
    if isinstance(field, serializers.URLField):
        # DRF adds a URLValidator of its own, which takes ftp too; the model's rule is the one.
        field.validators = [v for v in field.validators if type(v) is not URLValidator]
    return field


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know instead of ignoring them."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


def etag_of(data) -> str:
    body = json.dumps(data, sort_keys=True, default=str).encode()
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


class ETagMixin:
    """ETags from the object's representation, so any change to what a client sees
    changes the tag. Lost updates are impossible: PUT/PATCH need If-Match (428 without,
    412 when stale), and the check and the write are one step (see filter_queryset).
    The tag is of ``get_read_serializer(instance)`` (core.api.viewsets.BaseViewSet)."""

    def filter_queryset(self, queryset):
        # On PUT/PATCH this is get_object()'s queryset (views override get_queryset).
        queryset = super().filter_queryset(queryset)
        if self.request.method in ("PUT", "PATCH"):
            # Lock the row (not the joined ones) before its ETag is computed, until the
            # request's transaction (ATOMIC_REQUESTS) ends: a concurrent writer with the same
            # ETag waits here, then reads the new version and gets its 412. SQLite has no
            # row locks; there the request's BEGIN IMMEDIATE takes the write lock first.
            queryset = queryset.select_for_update(of=("self",))
        return queryset

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.get_serializer(instance).data
        tag = etag_of(data)
        if tag in _tags(request.headers.get("If-None-Match")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        return Response(data, headers={"ETag": tag})

    def check_if_match(self, request, instance) -> None:
        header = request.headers.get("If-Match")
        if not header:
            raise PreconditionRequired()
        current = etag_of(self.get_read_serializer(instance).data)
        if current not in _tags(header) and "*" not in _tags(header):
            raise PreconditionFailed()


def _tags(header: str | None) -> set[str]:
    return {t.strip().removeprefix("W/") for t in (header or "").split(",") if t.strip()}


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "Send the ETag of the version you changed in If-Match."
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = "The object changed since you read it: fetch it again and reapply your change."
    default_code = "precondition_failed"
