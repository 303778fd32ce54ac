"""The alerts' representation in the API."""

from rest_framework import serializers

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
