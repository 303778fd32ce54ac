"""/api/v1/incidents/ and /api/v1/non-fulfilment-reasons/. Partners read published
incidents and their linked commitments; analysts read everything (drafts, internal notes,
proposed and rejected links) and write, every write through commitments/incidents.py."""

import django_filters
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from core.api.base import Cursor
from core.api.errors import service_errors, validated_flat
from core.api.viewsets import ReadOnlyViewSet, WritableViewSet
from core.roles import reads_drafts

from .. import incidents
from ..models import Incident, IncidentLink, IncidentParty, NonFulfilmentReason
from .filters import StrictBooleanFilter
from .incident_filters import IncidentFilter
from .incident_serializers import (
    INCIDENT_ERRORS,
    AnalystIncidentSerializer,
    IncidentSerializer,
    IncidentWriteSerializer,
    LinkDecisionInputSerializer,
    LinkInputSerializer,
    NonFulfilmentReasonSerializer,
    PublishInputSerializer,
    VerificationInputSerializer,
)
from .views import CursorByUpdated

# Actions that write after reading the incident: its row is locked first, so that an
# If-Match check and the write are one step (as PATCH, in ETagMixin).
LOCKING_ACTIONS = ("verification", "publish", "links", "link_decision")


class IncidentViewSet(WritableViewSet):
    """Incidents: partners read published ones; analysts record (POST), change (PATCH with
    If-Match and a reason), verify, publish and link them. Never deleted."""

    queryset = Incident.objects.select_related("created_by").prefetch_related(
        Prefetch("party_roles", queryset=IncidentParty.objects.select_related("party").order_by("role", "party__code")),
        "sources",
    )
    serializer_class = IncidentSerializer
    analyst_serializer_class = AnalystIncidentSerializer  # drafts, internal notes, every link
    write_serializer_class = IncidentWriteSerializer
    filterset_class = IncidentFilter
    pagination_class = CursorByUpdated
    # PATCH only: a PUT would have to restate every figure, party and source.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        links = IncidentLink.objects.select_related(
            "obligation__commitment", "obligation__party", "rule", "decided_by"
        ).order_by("obligation__commitment_id", "obligation__party__code", "pk")
        if not reads_drafts(self.request.user):  # analysts see proposed, rejected and removed links too
            links = links.visible_to(self.request.user)
        return super().get_queryset().prefetch_related(Prefetch("links", queryset=links))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action in LOCKING_ACTIONS:
            queryset = queryset.select_for_update(of=("self",))
        return queryset

    def _if_match_when_sent(self, request, incident) -> None:
        # As publishing an agreement: optional, but when sent it must match (412).
        if request.headers.get("If-Match"):
            self.check_if_match(request, incident)

    @staticmethod
    def _write_input(request, partial: bool) -> dict:
        write = IncidentWriteSerializer(data=request.data, partial=partial)
        validated_flat(write)
        return write.service_input()

    @extend_schema(request=IncidentWriteSerializer, responses={201: IncidentSerializer})
    def create(self, request, *args, **kwargs):
        data = self._write_input(request, partial=False)
        if data["reason"] is not None:
            raise ValidationError({"reason": ["A reason goes with a change (PATCH), not a new incident."]})
        with service_errors(INCIDENT_ERRORS):
            incident = incidents.incident_create(
                fields=data["fields"],
                parties=data["parties"] or (),
                sources=data["sources"] or (),
                published=bool(data["published"]),
                user=request.user,
            )
        return self.answer(incident, status.HTTP_201_CREATED, fresh=True)

    @extend_schema(request=IncidentWriteSerializer, responses=IncidentSerializer)
    def partial_update(self, request, *args, **kwargs):
        incident = self.get_object()
        self.check_if_match(request, incident)
        data = self._write_input(request, partial=True)
        if not data["reason"]:
            raise ValidationError({"reason": ["This field is required: say why the incident changes."]})
        if data["published"] is not None:
            raise ValidationError({"published": ["Publish or withdraw with POST .../publish/."]})
        with service_errors(INCIDENT_ERRORS):
            incidents.incident_update(
                incident=incident,
                changes=data["fields"],
                parties=data["parties"],
                sources=data["sources"],
                user=request.user,
                reason=data["reason"],
            )
        return self.answer(incident, fresh=True)

    @extend_schema(request=VerificationInputSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"], url_path="verification")
    def verification(self, request, pk=None):
        """Move the verification state (reported, corroborated, verified, disputed,
        retracted), with a reason kept in the incident's history."""
        incident = self.get_object()
        self._if_match_when_sent(request, incident)
        data = self.validated_input(VerificationInputSerializer)
        with service_errors(INCIDENT_ERRORS):
            incidents.incident_verify(
                incident=incident, verification=data["verification"], reason=data["reason"], user=request.user
            )
        return self.answer(incident, fresh=True)

    @extend_schema(request=PublishInputSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"], url_path="publish")
    def publish(self, request, pk=None):
        """Publish (partners see it, and hear of it) or withdraw an incident."""
        incident = self.get_object()
        self._if_match_when_sent(request, incident)
        data = self.validated_input(PublishInputSerializer)
        incidents.incident_publish(incident=incident, published=data["published"], user=request.user)
        return self.answer(incident, fresh=True)

    @extend_schema(request=LinkInputSerializer, responses={201: IncidentSerializer})
    @action(detail=True, methods=["post"], url_path="links")
    def links(self, request, pk=None):
        """Link the incident to parties' obligations it bears on: ``obligations`` (ids) or
        ``commitment`` with ``parties`` (every party it binds when omitted). A proposal
        becomes a link; links already made stay as they are. Subscribers are alerted."""
        incident = self.get_object()
        data = self.validated_input(LinkInputSerializer)
        with service_errors(INCIDENT_ERRORS):
            incidents.incident_link(
                incident=incident, obligations=data["obligations"], note=data.get("note", ""), user=request.user
            )
        return self.answer(incident, status.HTTP_201_CREATED, fresh=True)

    @extend_schema(request=LinkDecisionInputSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"], url_path=r"links/(?P<link_id>[0-9]{1,18})/decision")
    def link_decision(self, request, pk=None, link_id=None):
        """Reject a proposed link, or remove a link; kept with who, when and the note."""
        incident = self.get_object()
        link = get_object_or_404(IncidentLink, pk=link_id, incident=incident)
        data = self.validated_input(LinkDecisionInputSerializer)
        with service_errors(INCIDENT_ERRORS):
            incidents.incident_link_decide(link=link, state=data["state"], note=data.get("note", ""), user=request.user)
        return self.answer(incident, fresh=True)


class ReasonCursor(Cursor):
    ordering = ("position", "pk")


class NonFulfilmentReasonFilter(django_filters.FilterSet):
    active = StrictBooleanFilter()

    class Meta:
        model = NonFulfilmentReason
        fields = []


class NonFulfilmentReasonViewSet(ReadOnlyViewSet):
    """The reasons for non-fulfilment analysts maintain, by code: partners decode the
    codes status updates give."""

    queryset = NonFulfilmentReason.objects.all()
    serializer_class = NonFulfilmentReasonSerializer
    filterset_class = NonFulfilmentReasonFilter
    pagination_class = ReasonCursor
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,50}"
