import django_filters
from rest_framework import serializers, viewsets

from commitments.api.filters import ChoiceFilter, IdFilter, PartyCodeFilter, StrictBooleanFilter, UtcDateTimeFilter
from core.api.base import ID_LOOKUP, Cursor, ETagMixin, PartnersReadAnalystsWrite

from ..access import readable_alerts
from ..choices import AlertKind
from ..models import Alert


class AlertSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:alert-detail")
    commitment = serializers.IntegerField(source="obligation.commitment_id")
    party = serializers.CharField(source="party.code")
    acknowledged = serializers.BooleanField()
    resolved = serializers.BooleanField()
    # The incident of an incident-linked alert; null for the other kinds.
    incident = serializers.IntegerField(source="incident_link.incident_id", allow_null=True, default=None)

    class Meta:
        model = Alert
        fields = [
            "id",
            "url",
            "kind",
            "commitment",
            "party",
            "incident",
            "due_at",
            "lead_time",
            "raised_at",
            "acknowledged",
            "resolved",
            "resolved_at",
            "resolved_reason",
        ]


class AlertFilter(django_filters.FilterSet):
    kind = ChoiceFilter(choices=AlertKind.choices)
    party = PartyCodeFilter(field_name="party__code")
    agreement = IdFilter(field_name="obligation__commitment__agreement_id")
    commitment = IdFilter(field_name="obligation__commitment_id")
    incident = IdFilter(field_name="incident_link__incident_id")
    acknowledged = StrictBooleanFilter(field_name="acknowledged_at", lookup_expr="isnull", exclude=True)
    resolved = StrictBooleanFilter(field_name="resolved_at", lookup_expr="isnull", exclude=True)
    raised_since = UtcDateTimeFilter(field_name="raised_at", lookup_expr="gte")

    class Meta:
        model = Alert
        fields = []


class AlertCursor(Cursor):
    ordering = ("-raised_at", "-pk")


class AlertViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    """Deadline, status and incident-linked alerts raised by the tracker."""

    permission_classes = [PartnersReadAnalystsWrite]
    lookup_value_regex = ID_LOOKUP
    serializer_class = AlertSerializer
    filterset_class = AlertFilter
    pagination_class = AlertCursor

    def get_queryset(self):
        # Partners: published agreements, and published incidents whose link holds.
        return Alert.objects.select_related("obligation", "party", "incident_link").filter(
            readable_alerts(self.request.user)
        )
