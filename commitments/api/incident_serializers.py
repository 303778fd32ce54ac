"""Incidents in the API: what partners read, what analysts also read, what analysts send.
Every field is listed. Partners never get the internal note, links' notes, rules or
analysts' names, nor any link but a linked one (the queryset's Prefetch decides that)."""

from rest_framework import serializers

from core.api.base import StrictSerializer, model_field
from parties.models import Party
from utilities.validators import validate_one_line_text

from ..choices import Confidence, IncidentRole, LinkState, Verification
from ..incident_types import EventType, SubEventType
from ..incidents import REASON_MAX
from ..models import Commitment, Incident, IncidentLink, NonFulfilmentReason, Obligation
from .serializers import MAX_CHILDREN, DatabaseIdField, SourceSerializer, party_code_field

# Figures as the API groups them -> the model's fields.
FIGURES = {"fatalities": "fatalities", "civilians_killed": "civilians_killed", "civilians_injured": "civilians_injured"}

# The services' (model's) names -> the API's, for 400s naming the field the client sent.
INCIDENT_ERRORS = {
    "occurred_on": "date",
    "occurred_time": "time",
    "fatalities": "figures.fatalities",
    "civilians_killed": "figures.civilians_killed",
    "civilians_injured": "figures.civilians_injured",
    "other_figures": "figures.other",
    "__all__": "non_field_errors",
}


# Reading


class IncidentPartySerializer(serializers.Serializer):
    code = serializers.CharField(source="party.code")
    name = serializers.CharField(source="party.name")
    role = serializers.ChoiceField(choices=IncidentRole.choices)


class FiguresSerializer(serializers.Serializer):
    """Null: not reported (which is not zero)."""

    fatalities = serializers.IntegerField(allow_null=True, help_text="All deaths reported, as ACLED counts them.")
    civilians_killed = serializers.IntegerField(allow_null=True)
    civilians_injured = serializers.IntegerField(allow_null=True)
    other = serializers.DictField(
        source="other_figures", child=serializers.IntegerField(), help_text='Other figures, e.g. {"displaced": 120}.'
    )


class LinkedCommitmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="obligation.commitment_id")
    reference = serializers.CharField(source="obligation.commitment.reference")
    title = serializers.CharField(source="obligation.commitment.title")


class IncidentLinkSerializer(serializers.Serializer):
    """A link as partners read it: always a linked one."""

    id = serializers.IntegerField()
    commitment = LinkedCommitmentSerializer(source="*")
    party = serializers.CharField(source="obligation.party.code")
    obligation = serializers.IntegerField(source="obligation_id")
    state = serializers.ChoiceField(choices=LinkState.choices)


class AnalystIncidentLinkSerializer(IncidentLinkSerializer):
    """Analysts also see proposals and decided links, with the rule, note, who and when."""

    note = serializers.CharField()
    rule = serializers.CharField(source="rule.name", allow_null=True, default=None)
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)
    decided_at = serializers.DateTimeField(allow_null=True)


class IncidentSerializer(serializers.ModelSerializer):
    """An incident as every reader sees it; analysts' version adds internal_note,
    published, created_by and every link."""

    url = serializers.HyperlinkedIdentityField(view_name="api:incident-detail")
    date = serializers.DateField(source="occurred_on")
    time = serializers.TimeField(source="occurred_time", allow_null=True)
    # Numbers, not DRF's decimal strings: what maps and spreadsheets take.
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    parties = IncidentPartySerializer(source="party_roles", many=True, read_only=True)
    figures = FiguresSerializer(source="*", read_only=True)
    sources = SourceSerializer(many=True, read_only=True)
    links = IncidentLinkSerializer(many=True, read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "url",
            "date",
            "time",
            "timezone",
            "location",
            "country",
            "admin1",
            "admin2",
            "admin3",
            "latitude",
            "longitude",
            "geo_precision",
            "event_type",
            "sub_event_type",
            "description",
            "actor1",
            "assoc_actor_1",
            "actor2",
            "assoc_actor_2",
            "interaction",
            "parties",
            "figures",
            "sources",
            "confidence",
            "verification",
            "acled_event_id",
            "links",
            "created_at",
            "updated_at",
        ]


class AnalystIncidentSerializer(IncidentSerializer):
    links = AnalystIncidentLinkSerializer(many=True, read_only=True)
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "published", "internal_note", "created_by"]


class NonFulfilmentReasonSerializer(serializers.ModelSerializer):
    class Meta:
        model = NonFulfilmentReason
        fields = ["code", "label", "description", "active", "position"]


# Writing


class IncidentPartyInputSerializer(StrictSerializer):
    party = party_code_field()
    role = serializers.ChoiceField(choices=IncidentRole.choices, default=IncidentRole.ALLEGED)


class IncidentSourceInputSerializer(SourceSerializer):
    """A source of an incident: the same fields as a status update's (SourceFields)."""


class FiguresInputSerializer(StrictSerializer):
    fatalities = model_field(Incident, "fatalities", required=False)
    civilians_killed = model_field(Incident, "civilians_killed", required=False)
    civilians_injured = model_field(Incident, "civilians_injured", required=False)
    # Checked by the model (validate_other_figures): labels to whole numbers, at most 20.
    other = serializers.DictField(required=False, child=serializers.JSONField())


class IncidentWriteSerializer(StrictSerializer):
    """What analysts send to record an incident (POST) or change it (PATCH, with a reason).
    parties and sources, when given, replace the incident's own; figures given replace
    those figures only."""

    date = model_field(Incident, "occurred_on", label="Date")
    time = model_field(Incident, "occurred_time", required=False, label="Time")
    timezone = model_field(Incident, "timezone", required=False)
    location = model_field(Incident, "location")
    country = model_field(Incident, "country", required=False)
    admin1 = model_field(Incident, "admin1", required=False)
    admin2 = model_field(Incident, "admin2", required=False)
    admin3 = model_field(Incident, "admin3", required=False)
    latitude = model_field(Incident, "latitude", required=False, coerce_to_string=False)
    longitude = model_field(Incident, "longitude", required=False, coerce_to_string=False)
    geo_precision = model_field(Incident, "geo_precision", required=False)
    event_type = serializers.ChoiceField(choices=EventType.choices)
    sub_event_type = serializers.ChoiceField(choices=SubEventType.choices, required=False, allow_blank=True)
    description = model_field(Incident, "description", required=False)
    actor1 = model_field(Incident, "actor1", required=False)
    assoc_actor_1 = model_field(Incident, "assoc_actor_1", required=False)
    actor2 = model_field(Incident, "actor2", required=False)
    assoc_actor_2 = model_field(Incident, "assoc_actor_2", required=False)
    figures = FiguresInputSerializer(required=False)
    confidence = serializers.ChoiceField(choices=Confidence.choices, required=False)
    internal_note = model_field(Incident, "internal_note", required=False)
    parties = IncidentPartyInputSerializer(many=True, required=False, max_length=MAX_CHILDREN)
    sources = IncidentSourceInputSerializer(many=True, required=False, max_length=MAX_CHILDREN)
    published = serializers.BooleanField(
        required=False, help_text="On creation only: true publishes at once. Later, use .../publish."
    )
    reason = serializers.CharField(
        max_length=REASON_MAX,
        required=False,
        validators=[validate_one_line_text],
        help_text="Why the incident changes (required on PATCH): kept in its history.",
    )

    # The API's names -> the model's.
    RENAMED = {"date": "occurred_on", "time": "occurred_time"}

    def service_input(self) -> dict:
        """The validated data as incident_create/incident_update take it: ``fields``,
        ``parties`` and ``sources`` (None when not sent), ``published``, ``reason``."""
        data = dict(self.validated_data)
        figures = data.pop("figures", {})
        if "other" in figures:
            figures["other_figures"] = figures.pop("other")
        parties = data.pop("parties", None)
        sources = data.pop("sources", None)
        from ..services import SourceInput

        return {
            "published": data.pop("published", None),
            "reason": data.pop("reason", None),
            "parties": None if parties is None else [(p["party"], p["role"]) for p in parties],
            "sources": None if sources is None else [SourceInput(**s) for s in sources],
            "fields": {self.RENAMED.get(k, k): v for k, v in data.items()} | figures,
        }


class VerificationInputSerializer(StrictSerializer):
    verification = serializers.ChoiceField(choices=Verification.choices)
    reason = serializers.CharField(max_length=REASON_MAX, help_text="Why: kept in the incident's history.")


class PublishInputSerializer(StrictSerializer):
    published = serializers.BooleanField(help_text="true: partners see it; false: withdrawn from partners.")


class LinkInputSerializer(StrictSerializer):
    """Either ``obligations`` (ids), or ``commitment`` with ``parties`` (codes; omitted:
    every party it binds)."""

    obligations = serializers.ListField(
        child=DatabaseIdField(queryset=Obligation.objects.all()),
        required=False,
        allow_empty=False,
        max_length=MAX_CHILDREN,
    )
    commitment = DatabaseIdField(queryset=Commitment.objects.all(), required=False)
    parties = serializers.ListField(
        child=party_code_field(), required=False, max_length=MAX_CHILDREN, allow_empty=False
    )
    note = model_field(IncidentLink, "note", required=False)

    def validate(self, attrs):
        if ("obligations" in attrs) == ("commitment" in attrs):
            raise serializers.ValidationError({"obligations": ["Give either obligations or a commitment."]})
        if "parties" in attrs and "commitment" not in attrs:
            raise serializers.ValidationError({"parties": ["Parties go with a commitment."]})
        if "commitment" in attrs:
            commitment, obligations = attrs.pop("commitment"), []
            bound = {o.party_id: o for o in commitment.obligations.select_related("party")}
            parties: list[Party] = attrs.pop("parties", None) or [o.party for o in bound.values()]
            for index, party in enumerate(parties):
                if party.pk not in bound:
                    raise serializers.ValidationError(
                        {f"parties[{index}]": [f"Commitment {commitment.pk} does not bind {party.code}."]}
                    )
                obligations.append(bound[party.pk])
            attrs["obligations"] = obligations
        return attrs


class LinkDecisionInputSerializer(StrictSerializer):
    state = serializers.ChoiceField(
        choices=[(LinkState.REJECTED, "Rejected (a proposal)"), (LinkState.REMOVED, "Removed (a link)")]
    )
    note = model_field(IncidentLink, "note", required=False)
