"""The partner-facing API: parties, agreements, commitments and status updates."""

from datetime import UTC, datetime

from django.db.models import DateTimeField, Value
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api.base import Cursor
from core.api.errors import service_errors
from core.api.list_cache import CachedListMixin
from core.api.viewsets import ReadOnlyViewSet, WritableViewSet
from parties import services as party_services
from parties.models import Party
from parties.validators import ANY_CODE

from .. import selectors, services
from ..models import Agreement, Commitment, StatusUpdate
from .as_of_data import commitments_as_of
from .filters import CommitmentAsOfFilter, StatusUpdateFilter, commitment_filterset
from .intake import AgreementDocumentActions
from .serializers import (
    COMMITMENT_ROW,
    AgreementSerializer,
    AgreementWriteSerializer,
    AnalystAgreementSerializer,
    AnalystStatusUpdateSerializer,
    CommitmentCreateSerializer,
    CommitmentSerializer,
    CommitmentUpdateSerializer,
    ObligationCreateSerializer,
    PartySerializer,
    PartyWriteSerializer,
    RelationSerializer,
    StatusUpdateCreateSerializer,
    StatusUpdateSerializer,
    commitments_data,
)

FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)

# Service field names -> the API's names for the same input.
DEADLINE_ERRORS = {
    **services.DEADLINE_FIELD_NAMES,
    "source_publisher": "source.publisher",
    "source_url": "source.url",
    "effective_on": "effective_date",
}


# The services' names of an agreement's own fields and children -> the API's.
AGREEMENT_ERRORS = {"signed_on": "date", ".related_agreement": ".agreement", "__all__": "non_field_errors"}


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


class PartyViewSet(WritableViewSet):
    """Parties by code. Analysts create and change them (parties.services); partners read."""

    queryset = Party.objects.all()
    serializer_class = PartySerializer
    write_serializer_class = PartyWriteSerializer
    lookup_field = "code"
    lookup_value_regex = ANY_CODE
    pagination_class = CursorByUpdated

    @extend_schema(request=PartyWriteSerializer, responses={201: PartySerializer})
    def create(self, request, *args, **kwargs):
        data = self.validated_input(PartyWriteSerializer)
        data.pop("reason")
        with service_errors():
            party = party_services.party_create(**data, user=request.user)
        return self.answer(party, status.HTTP_201_CREATED)

    @extend_schema(request=PartyWriteSerializer, responses=PartySerializer)
    def update(self, request, *args, partial=False, **kwargs):
        party = self.get_object()
        self.check_if_match(request, party)
        data = self.validated_input(PartyWriteSerializer, partial=partial)
        reason = data.pop("reason", "")
        with service_errors():
            party_services.party_update(party=party, user=request.user, reason=reason, **data)
        return self.answer(party)


class AgreementViewSet(AgreementDocumentActions, WritableViewSet):
    queryset = Agreement.objects.select_related("published_by").prefetch_related("participants__party", "sources")
    serializer_class = AgreementSerializer
    analyst_serializer_class = AnalystAgreementSerializer  # with published_by
    write_serializer_class = AgreementWriteSerializer
    pagination_class = CursorByUpdated

    def get_queryset(self):
        return super().get_queryset().prefetch_related(RelationSerializer.prefetch(self.request))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action == "publish":  # the If-Match check and the publication are one step
            queryset = queryset.select_for_update(of=("self",))
        return queryset

    def _write_input(self, partial: bool) -> dict:
        data = self.validated_input(AgreementWriteSerializer, partial=partial)
        if "participants" in data:
            data["participants"] = [(p["party"], p["role"]) for p in data["participants"]]
        if "sources" in data:
            data["sources"] = [services.SourceInput(**s) for s in data["sources"]]
        if "relations" in data:
            data["relations"] = [(r["agreement"], r["kind"]) for r in data["relations"]]
        return data

    @extend_schema(request=AgreementWriteSerializer, responses={201: AgreementSerializer})
    def create(self, request, *args, **kwargs):
        data = self._write_input(partial=False)
        with service_errors(AGREEMENT_ERRORS):
            agreement = services.agreement_create(
                title=data["title"],
                kind=data["kind"],
                signed_on=data["date"],
                venue=data["venue"],
                timezone_name=data["timezone"],
                summary=data["summary"],
                published=data.get("published", False),
                participants=data.get("participants", ()),
                sources=data.get("sources", ()),
                relations=data.get("relations", ()),
                user=request.user,
            )
        return self.answer(agreement, status.HTTP_201_CREATED, fresh=True)

    @extend_schema(request=AgreementWriteSerializer, responses=AgreementSerializer)
    def update(self, request, *args, partial=False, **kwargs):
        agreement = self.get_object()
        self.check_if_match(request, agreement)
        data = self._write_input(partial)
        reason = data.pop("reason", "")
        if "date" in data:
            data["signed_on"] = data.pop("date")
        with service_errors(AGREEMENT_ERRORS):
            services.agreement_update(agreement=agreement, user=request.user, reason=reason, **data)
        return self.answer(agreement, fresh=True)

    @extend_schema(request=None, responses=AgreementSerializer)
    @action(detail=True, methods=["post"], url_path="publish")
    def publish(self, request, pk=None):
        """Publish a draft: partners see it from now on; who and when are recorded. With
        PUBLISH_FOUR_EYES, the analyst who last changed the draft cannot publish it (a 400
        naming ``published``). An If-Match header, when sent, must match (412 otherwise),
        so a reviewer publishes the version they read. Publishing a published agreement
        changes nothing."""
        agreement = self.get_object()
        if request.headers.get("If-Match"):
            self.check_if_match(request, agreement)
        if isinstance(request.data, dict) and request.data:
            raise ValidationError({str(name): ["Unknown field."] for name in sorted(request.data)})
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["Publishing takes no body (or an empty object)."]})
        with service_errors(AGREEMENT_ERRORS):
            services.agreement_publish(agreement=agreement, user=request.user)
        return self.answer(agreement, fresh=True)


class CommitmentViewSet(CachedListMixin, WritableViewSet):
    """Commitments with their obligations and current deadline. Analysts create them,
    change their text or deadline (with a reason), bind more parties and record status
    updates; partners read published ones."""

    # Representations are read by pk (CommitmentSerializer) and writes go through the
    # services, which read what they need themselves: only the list's cursor needs more.
    queryset = Commitment.objects.all()
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentAsOfFilter
    pagination_class = CommitmentCursor

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset.annotate(
                due_sort=Coalesce("current_deadline__due_at", Value(FAR_FUTURE, output_field=DateTimeField()))
            )
        return queryset

    def list(self, request, *args, **kwargs):
        """Pages are read as rows, not model instances (see CommitmentSerializer); each
        obligation says whether it matched the filters on parties. With ``as_of``, the
        statuses, due moments and overdue flags are those of that day (as_of_data)."""
        filterset = commitment_filterset(request, self.get_queryset())
        page = self.paginate_queryset(filterset.qs.values(*COMMITMENT_ROW, "due_sort"))
        url_prefix = CommitmentSerializer(context={"request": request}).url_prefix()
        if filterset.day:
            data = commitments_as_of(commitments_data(page, url_prefix), filterset.day, filterset.matches())
        else:
            data = commitments_data(page, url_prefix, filterset.matches())
        return self.get_paginated_response(data)

    def get_serializer_class(self):
        return {
            "create": CommitmentCreateSerializer,
            "update": CommitmentUpdateSerializer,
            "partial_update": CommitmentUpdateSerializer,
        }.get(self.action, CommitmentSerializer)

    @extend_schema(request=CommitmentCreateSerializer, responses=CommitmentSerializer)
    def create(self, request, *args, **kwargs):
        data = self.validated_input(CommitmentCreateSerializer, flat=False)
        with service_errors(DEADLINE_ERRORS):
            commitment = services.commitment_create(
                **{name: data[name] for name in services.COMMITMENT_INPUT_FIELDS},
                deadline=deadline_input(data["deadline"]),
                user=request.user,
            )
        return self.answer(commitment, status.HTTP_201_CREATED)

    @extend_schema(request=CommitmentUpdateSerializer, responses=CommitmentSerializer)
    def update(self, request, *args, partial=False, **kwargs):
        commitment = self.get_object()
        self.check_if_match(request, commitment)
        data = self.validated_input(CommitmentUpdateSerializer, partial=partial, flat=False)
        reason, deadline, source = data.pop("reason", ""), data.pop("deadline", None), data.pop("source", None)
        if not partial and deadline is None:
            raise ValidationError({"deadline": ["PUT replaces everything: include the deadline."]})
        deadline = deadline_input(deadline) if deadline is not None else None
        with service_errors(DEADLINE_ERRORS):
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
        return self.answer(commitment)

    @extend_schema(methods=["POST"], request=StatusUpdateCreateSerializer, responses=AnalystStatusUpdateSerializer)
    @action(detail=True, methods=["post"], url_path="status-updates")
    def status_updates(self, request, pk=None):
        """Record an assessment for one bound party (``party``) or for all of them."""
        commitment = self.get_object()
        data = self.validated_input(StatusUpdateCreateSerializer, flat=False)
        with service_errors(DEADLINE_ERRORS):
            reasons, incidents = selectors.evidence_from_input(
                reason_codes=data["reasons"], incident_ids=data["incidents"]
            )
            updates = services.status_update_record(
                commitment=commitment,
                party=data["party"],
                status=data["status"],
                effective_on=data["effective_date"],
                summary=data["summary"],
                sources=[services.SourceInput(**s) for s in data["sources"]],
                confidence=data["confidence"],
                internal_note=data["internal_note"],
                reasons=reasons,
                incidents=incidents,
                user=request.user,
            )
        context = self.get_serializer_context()
        data = AnalystStatusUpdateSerializer(updates, many=True, context=context).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ObligationCreateSerializer, responses=CommitmentSerializer)
    @action(detail=True, methods=["post"], url_path="obligations")
    def obligations(self, request, pk=None):
        """Bind one more party to the commitment."""
        commitment = self.get_object()
        party = self.validated_input(ObligationCreateSerializer, flat=False)["party"]
        with service_errors(DEADLINE_ERRORS):
            services.obligation_add(commitment=commitment, party=party, user=request.user)
        return self.answer(commitment, status.HTTP_201_CREATED)


class CursorByRecorded(Cursor):
    ordering = ("-recorded_at", "-pk")


class StatusUpdateViewSet(ReadOnlyViewSet):
    """The assessment log. Partners never see internal notes or analysts' names."""

    queryset = StatusUpdate.objects.select_related("obligation__party", "recorded_by").prefetch_related(
        "sources", "reasons"
    )
    serializer_class = StatusUpdateSerializer
    analyst_serializer_class = AnalystStatusUpdateSerializer  # with internal_note and analyst
    filterset_class = StatusUpdateFilter
    pagination_class = CursorByRecorded

    def get_queryset(self):
        return super().get_queryset().prefetch_related(selectors.cited_incidents(self.request.user))
