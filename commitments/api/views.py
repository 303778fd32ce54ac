"""The partner-facing API: parties, agreements, commitments and status updates."""

from contextlib import contextmanager
from datetime import UTC, datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import DateTimeField, Value
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from parties.models import Party
from parties.validators import ANY_CODE
from tracker.api.base import ID_LOOKUP, Cursor, ETagMixin, PartnersReadAnalystsWrite, is_partner, published_only
from tracker.api.idempotency import IdempotentPostMixin

from .. import services
from ..models import Agreement, Commitment, StatusUpdate
from .filters import CommitmentFilter, StatusUpdateFilter, commitment_filterset
from .intake import AgreementDocumentActions
from .serializers import (
    COMMITMENT_ROW,
    AgreementSerializer,
    AgreementWriteSerializer,
    AnalystStatusUpdateSerializer,
    CommitmentCreateSerializer,
    CommitmentSerializer,
    CommitmentUpdateSerializer,
    ObligationCreateSerializer,
    PartySerializer,
    RelationSerializer,
    StatusUpdateCreateSerializer,
    StatusUpdateSerializer,
    commitments_data,
)

FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)

# Service field names -> the API's names for the same input.
DEADLINE_ERRORS = {
    "due_on": "deadline.date",
    "within_days": "deadline.days",
    "after_commitment": "deadline.after",
    "source_publisher": "source.publisher",
    "source_url": "source.url",
    "effective_on": "effective_date",
}


@contextmanager
def service_errors():
    """A service's ValidationError becomes a 400 naming the API's fields."""
    try:
        yield
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        raise ValidationError({DEADLINE_ERRORS.get(k, k): v for k, v in detail.items()}) from exc


def deadline_input(data: dict | None) -> services.DeadlineInput | None:
    if not data:
        return None
    if data["kind"] == "date":
        return services.DeadlineInput(due_on=data["date"])
    return services.DeadlineInput(within_days=data["days"], after_commitment=data.get("after_commitment"))


def source_input(data: dict | None) -> services.SourceInput | None:
    return services.SourceInput(**data) if data else None


class CursorByUpdated(Cursor):
    ordering = ("-updated_at", "-pk")


class CommitmentCursor(CursorByUpdated):
    """Cursor pagination; ``ordering`` is due_at, -due_at, updated_at or -updated_at."""

    ORDERINGS = {
        "updated_at": ("updated_at", "pk"),
        "-updated_at": ("-updated_at", "-pk"),
        "due_at": ("due_sort", "pk"),
        "-due_at": ("-due_sort", "-pk"),
    }

    def get_ordering(self, request, queryset, view):
        key = request.query_params.get("ordering", "-updated_at")
        if key not in self.ORDERINGS:
            raise ValidationError({"ordering": [f"Use one of {', '.join(self.ORDERINGS)}."]})
        return self.ORDERINGS[key]


class PartyViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [PartnersReadAnalystsWrite]
    queryset = Party.objects.all()
    serializer_class = PartySerializer
    lookup_field = "code"
    lookup_value_regex = ANY_CODE
    pagination_class = CursorByUpdated


class AgreementViewSet(
    AgreementDocumentActions,
    IdempotentPostMixin,
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [PartnersReadAnalystsWrite]
    lookup_value_regex = ID_LOOKUP
    serializer_class = AgreementSerializer
    pagination_class = CursorByUpdated

    def get_queryset(self):
        queryset = Agreement.objects.prefetch_related(
            "participants__party", "sources", RelationSerializer.prefetch(self.request)
        )
        return published_only(queryset, self.request, "")

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return AgreementWriteSerializer
        return AgreementSerializer

    def get_read_serializer(self, instance):
        return AgreementSerializer(instance, context=self.get_serializer_context())

    @extend_schema(request=AgreementWriteSerializer, responses=AgreementSerializer)
    def create(self, request, *args, **kwargs):
        write = AgreementWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        data = write.validated_data
        with service_errors():
            agreement = services.agreement_create(
                title=data["title"],
                kind=data["kind"],
                signed_on=data["date"],
                venue=data["venue"],
                timezone_name=data["timezone"],
                summary=data["summary"],
                published=data["published"],
                user=request.user,
            )
        return Response(self.get_read_serializer(agreement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AgreementWriteSerializer, responses=AgreementSerializer)
    def update(self, request, *args, partial=False, **kwargs):
        agreement = self.get_object()
        self.check_if_match(request, agreement)
        write = AgreementWriteSerializer(data=request.data, partial=partial)
        write.is_valid(raise_exception=True)
        data = dict(write.validated_data)
        reason = data.pop("reason", "")
        if "date" in data:
            data["signed_on"] = data.pop("date")
        with service_errors():
            services.agreement_update(agreement=agreement, user=request.user, reason=reason, **data)
        return Response(self.get_read_serializer(agreement).data)


class CommitmentViewSet(
    IdempotentPostMixin,
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Commitments with their obligations and current deadline. Analysts create them,
    change their text or deadline (with a reason), bind more parties and record status
    updates; partners read published ones."""

    permission_classes = [PartnersReadAnalystsWrite]
    lookup_value_regex = ID_LOOKUP
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilter
    pagination_class = CommitmentCursor

    def get_queryset(self):
        # Representations are read by pk (CommitmentSerializer) and writes go through the
        # services, which read what they need themselves: only the list's cursor needs more.
        queryset = published_only(Commitment.objects.all(), self.request, "agreement__")
        if self.action == "list":
            return queryset.annotate(
                due_sort=Coalesce("current_deadline__due_at", Value(FAR_FUTURE, output_field=DateTimeField()))
            )
        return queryset

    def list(self, request, *args, **kwargs):
        """Pages are read as rows, not model instances (see CommitmentSerializer); each
        obligation says whether it matched the filters on parties."""
        filterset = commitment_filterset(request, self.get_queryset())
        page = self.paginate_queryset(filterset.qs.values(*COMMITMENT_ROW, "due_sort"))
        url_prefix = CommitmentSerializer(context={"request": request}).url_prefix()
        return self.get_paginated_response(commitments_data(page, url_prefix, filterset.matches()))

    def get_serializer_class(self):
        return {
            "create": CommitmentCreateSerializer,
            "update": CommitmentUpdateSerializer,
            "partial_update": CommitmentUpdateSerializer,
        }.get(self.action, CommitmentSerializer)

    def get_read_serializer(self, instance):
        return CommitmentSerializer(instance, context=self.get_serializer_context())

    @extend_schema(request=CommitmentCreateSerializer, responses=CommitmentSerializer)
    def create(self, request, *args, **kwargs):
        write = CommitmentCreateSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        data = write.validated_data
        with service_errors():
            commitment = services.commitment_create(
                **{name: data[name] for name in services.COMMITMENT_INPUT_FIELDS},
                deadline=deadline_input(data["deadline"]),
                user=request.user,
            )
        return Response(self.get_read_serializer(commitment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CommitmentUpdateSerializer, responses=CommitmentSerializer)
    def update(self, request, *args, partial=False, **kwargs):
        commitment = self.get_object()
        self.check_if_match(request, commitment)
        write = CommitmentUpdateSerializer(data=request.data, partial=partial)
        write.is_valid(raise_exception=True)
        data = dict(write.validated_data)
        reason, deadline, source = data.pop("reason", ""), data.pop("deadline", None), data.pop("source", None)
        if not partial and deadline is None:
            raise ValidationError({"deadline": ["PUT replaces everything: include the deadline."]})
        deadline = deadline_input(deadline) if deadline is not None else None
        with service_errors():
            if data:  # fields and deadline in one operation: a commitment may turn one-off with its deadline
                services.commitment_update(
                    commitment=commitment,
                    user=request.user,
                    reason=reason,
                    deadline=deadline,
                    source=source_input(source),
                    **data,
                )
            elif deadline is not None:
                services.deadline_set(
                    commitment=commitment,
                    deadline=deadline,
                    reason=reason,
                    source=source_input(source),
                    user=request.user,
                )
        return Response(self.get_read_serializer(commitment).data)

    @extend_schema(methods=["POST"], request=StatusUpdateCreateSerializer, responses=AnalystStatusUpdateSerializer)
    @action(detail=True, methods=["post"], url_path="status-updates")
    def status_updates(self, request, pk=None):
        """Record an assessment for one bound party (``party``) or for all of them."""
        commitment = self.get_object()
        write = StatusUpdateCreateSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        data = write.validated_data
        with service_errors():
            updates = services.status_update_record(
                commitment=commitment,
                party=data["party"],
                status=data["status"],
                effective_on=data["effective_date"],
                summary=data["summary"],
                sources=[services.SourceInput(**s) for s in data["sources"]],
                confidence=data["confidence"],
                internal_note=data["internal_note"],
                user=request.user,
            )
        context = self.get_serializer_context()
        return Response(
            AnalystStatusUpdateSerializer(updates, many=True, context=context).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=ObligationCreateSerializer, responses=CommitmentSerializer)
    @action(detail=True, methods=["post"], url_path="obligations")
    def obligations(self, request, pk=None):
        """Bind one more party to the commitment."""
        commitment = self.get_object()
        write = ObligationCreateSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        with service_errors():
            services.obligation_add(commitment=commitment, party=write.validated_data["party"], user=request.user)
        return Response(self.get_read_serializer(commitment).data, status=status.HTTP_201_CREATED)


class CursorByRecorded(Cursor):
    ordering = ("-recorded_at", "-pk")


class StatusUpdateViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    """The assessment log. Partners never see internal notes or analysts' names."""

    permission_classes = [PartnersReadAnalystsWrite]
    lookup_value_regex = ID_LOOKUP
    filterset_class = StatusUpdateFilter
    pagination_class = CursorByRecorded

    def get_queryset(self):
        queryset = StatusUpdate.objects.select_related("obligation__party", "recorded_by").prefetch_related("sources")
        return published_only(queryset, self.request, "obligation__commitment__agreement__")

    def get_serializer_class(self):
        # The schema documents what every reader gets; analysts also get internal_note and
        # analyst (additional properties).
        if getattr(self, "swagger_fake_view", False) or is_partner(self.request):
            return StatusUpdateSerializer
        return AnalystStatusUpdateSerializer
