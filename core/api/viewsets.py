"""The bases of every API view, as NetBox's netbox/api/viewsets/: who may use it
(PartnersReadAnalystsWrite), how an object is looked up (database ids, ID_LOOKUP), what
the caller may read (the queryset's ``visible_to(user)``, core.visibility) and the write
flow (validate the input serializer, call the service, answer with the read serializer),
each defined once here. A viewset states its queryset, serializers, filter and cursor;
it overrides one of these only where it differs (a lookup by code, a stricter right).

DenyAll stays DRF's default (config/settings): a view not built on these bases must
still name its permission."""

from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from ..roles import reads_drafts
from .base import ID_LOOKUP, ETagMixin
from .errors import validated_flat
from .idempotency import IdempotentPostMixin
from .permissions import PartnersReadAnalystsWrite

WRITE_ACTIONS = ("create", "update", "partial_update")


class BaseAPIView(APIView):
    """A view that is no viewset (the summary, the exports): the same permission."""

    permission_classes = [PartnersReadAnalystsWrite]


class BaseViewSet(viewsets.GenericViewSet):
    """Permission, id lookup, visibility and the write flow; see the module's docstring.

    ``queryset``: the rows with what their representation reads (select_related...); the
    caller reads ``queryset.visible_to(user)``. A viewset that adds per-request parts
    (a prefetch filtered for the reader) extends get_queryset and calls super().
    ``serializer_class``: what every reader gets (and the schema documents);
    ``analyst_serializer_class``: what analysts and admins get instead, when more;
    ``write_serializer_class``: the input of create and (partial) update."""

    permission_classes = [PartnersReadAnalystsWrite]
    lookup_value_regex = ID_LOOKUP
    analyst_serializer_class = None
    write_serializer_class = None

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action in WRITE_ACTIONS and self.write_serializer_class is not None:
            return self.write_serializer_class
        return self.read_serializer_class()

    def read_serializer_class(self):
        # The schema (swagger_fake_view) documents what every reader gets; analysts' extra
        # fields are additional properties.
        if self.analyst_serializer_class is None or getattr(self, "swagger_fake_view", False):
            return self.serializer_class
        return self.analyst_serializer_class if reads_drafts(self.request.user) else self.serializer_class

    def get_read_serializer(self, instance, **kwargs):
        return self.read_serializer_class()(instance, context=self.get_serializer_context(), **kwargs)

    def validated_input(self, serializer_class, *, partial: bool = False, flat: bool = True) -> dict:
        """The request's body through ``serializer_class``, or a 400 naming each field
        (``flat``: nested fields named as the services name them, "participants[1].party")."""
        serializer = serializer_class(data=self.request.data, partial=partial, context=self.get_serializer_context())
        if flat:
            return validated_flat(serializer)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def answer(self, instance, code: int = status.HTTP_200_OK, *, fresh: bool = False, many: bool = False) -> Response:
        """The response to a write: the read serializer's representation. ``fresh``: the
        instance read again through get_queryset, with its children as a GET shows them."""
        if fresh:
            instance = self.get_queryset().get(pk=instance.pk)
        return Response(self.get_read_serializer(instance, many=many).data, status=code)


class ReadOnlyViewSet(ETagMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, BaseViewSet):
    """Listed and read, with ETags."""


class WritableViewSet(
    IdempotentPostMixin,
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    BaseViewSet,
):
    """Read by everyone allowed, created (POST, idempotent) and changed (PUT/PATCH with
    If-Match) by analysts: never deleted."""
