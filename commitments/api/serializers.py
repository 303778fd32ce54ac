"""API representations. Every field is listed: nothing is exposed by accident, and
partners' serializers leave out internal notes and analysts' names."""

from rest_framework import serializers

from parties.models import Party
from tracker.api.base import StrictSerializer

from ..choices import Category, Confidence, Nature, Status
from ..models import Agreement, Commitment, Deadline, StatusUpdate


def party_code_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=Party.objects.all(), **kwargs)


class PartySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:party-detail", lookup_field="code")

    class Meta:
        model = Party
        fields = ["code", "url", "name", "short_name", "kind", "updated_at"]


class ParticipantSerializer(serializers.Serializer):
    party = serializers.CharField(source="party.code")
    role = serializers.CharField()


class SourceSerializer(StrictSerializer):
    url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    publisher = serializers.CharField(max_length=200)
    title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    published_on = serializers.DateField()


class RelationSerializer(serializers.Serializer):
    kind = serializers.CharField()
    agreement = serializers.IntegerField(source="related_agreement_id")


class AgreementSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:agreement-detail")
    date = serializers.DateField(source="signed_on")
    participants = ParticipantSerializer(many=True, read_only=True)
    sources = SourceSerializer(many=True, read_only=True)
    relations = RelationSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "url",
            "title",
            "kind",
            "date",
            "venue",
            "timezone",
            "summary",
            "published",
            "participants",
            "sources",
            "relations",
            "updated_at",
        ]


class AgreementWriteSerializer(StrictSerializer):
    title = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=Agreement._meta.get_field("kind").choices)
    date = serializers.DateField()
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    timezone = serializers.CharField(max_length=64, required=False, default="UTC")
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    published = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DeadlineSerializer(serializers.ModelSerializer):
    """``kind`` is ``date`` (with ``date``) or ``relative`` (with ``days`` and ``after``:
    ``agreement`` or a commitment id)."""

    kind = serializers.SerializerMethodField()
    date = serializers.DateField(source="due_on", allow_null=True)
    days = serializers.IntegerField(source="within_days", allow_null=True)
    after = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = ["kind", "date", "days", "after", "due_date", "due_at", "revision", "reason"]

    def get_kind(self, obj) -> str:
        return "date" if obj.due_on else "relative"

    def get_after(self, obj) -> str | int | None:
        if obj.due_on:
            return None
        return obj.after_commitment_id or "agreement"


class DeadlineInputSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=["date", "relative"])
    date = serializers.DateField(required=False)
    days = serializers.IntegerField(required=False, min_value=1, max_value=3650)
    after = serializers.CharField(required=False, default="agreement", max_length=20)

    def validate(self, attrs):
        if attrs["kind"] == "date" and "date" not in attrs:
            raise serializers.ValidationError({"date": "A dated deadline needs a date."})
        if attrs["kind"] == "relative" and "days" not in attrs:
            raise serializers.ValidationError({"days": "A relative deadline needs a number of days."})
        if attrs["kind"] == "date" and "days" in attrs:
            raise serializers.ValidationError({"days": "A dated deadline has no number of days."})
        after = attrs.get("after", "agreement")
        if after != "agreement":
            if not after.isdigit():
                raise serializers.ValidationError({"after": "Give 'agreement' or a commitment id."})
            commitment = Commitment.objects.filter(pk=int(after)).first()
            if commitment is None:
                raise serializers.ValidationError({"after": f"No commitment {after}."})
            attrs["after_commitment"] = commitment
        return attrs


class ObligationSerializer(serializers.Serializer):
    party = serializers.CharField(source="party.code")
    status = serializers.CharField()
    status_effective_on = serializers.DateField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    overdue_since = serializers.DateTimeField(allow_null=True)


class CommitmentSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:commitment-detail")
    agreement = serializers.PrimaryKeyRelatedField(read_only=True)
    recipients = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    deadline = DeadlineSerializer(source="current_deadline", read_only=True, allow_null=True)
    due_at = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    overdue_since = serializers.SerializerMethodField()
    obligations = ObligationSerializer(many=True, read_only=True)

    class Meta:
        model = Commitment
        fields = [
            "id",
            "url",
            "agreement",
            "reference",
            "title",
            "text",
            "category",
            "nature",
            "condition",
            "recipients",
            "deadline",
            "due_at",
            "status",
            "overdue",
            "overdue_since",
            "obligations",
            "updated_at",
        ]

    def get_due_at(self, obj) -> str | None:
        due = obj.current_deadline.due_at if obj.current_deadline else None
        return serializers.DateTimeField().to_representation(due) if due else None

    def get_overdue(self, obj) -> bool:
        return any(o.overdue for o in obj.obligations.all())

    def get_overdue_since(self, obj) -> str | None:
        since = [o.overdue_since for o in obj.obligations.all() if o.overdue]
        return serializers.DateTimeField().to_representation(min(since)) if since else None


class CommitmentCreateSerializer(StrictSerializer):
    agreement = serializers.PrimaryKeyRelatedField(queryset=Agreement.objects.all())
    reference = serializers.CharField(max_length=50)
    title = serializers.CharField(max_length=200)
    text = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices)
    nature = serializers.ChoiceField(choices=Nature.choices)
    condition = serializers.CharField(required=False, allow_blank=True, default="")
    parties = party_code_field(many=True)
    recipients = party_code_field(many=True, required=False, default=list)
    deadline = DeadlineInputSerializer(required=False, allow_null=True, default=None)


class CommitmentUpdateSerializer(StrictSerializer):
    """A change of text or classification, and/or a revised deadline; always with why."""

    reference = serializers.CharField(max_length=50, required=False)
    title = serializers.CharField(max_length=200, required=False)
    text = serializers.CharField(required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    nature = serializers.ChoiceField(choices=Nature.choices, required=False)
    condition = serializers.CharField(required=False, allow_blank=True)
    deadline = DeadlineInputSerializer(required=False)
    reason = serializers.CharField(max_length=2000)
    source = SourceSerializer(required=False)


class StatusUpdateSerializer(serializers.ModelSerializer):
    """What partners see of an assessment."""

    url = serializers.HyperlinkedIdentityField(view_name="api:statusupdate-detail")
    commitment = serializers.IntegerField(source="obligation.commitment_id")
    party = serializers.CharField(source="obligation.party.code")
    effective_date = serializers.DateField(source="effective_on")
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = StatusUpdate
        fields = [
            "id",
            "url",
            "commitment",
            "party",
            "status",
            "effective_date",
            "summary",
            "sources",
            "confidence",
            "recorded_at",
        ]


class AnalystStatusUpdateSerializer(StatusUpdateSerializer):
    """Analysts also see the internal note and who recorded the update."""

    analyst = serializers.CharField(source="recorded_by.username")

    class Meta(StatusUpdateSerializer.Meta):
        fields = [*StatusUpdateSerializer.Meta.fields, "internal_note", "analyst"]


class StatusUpdateCreateSerializer(StrictSerializer):
    party = party_code_field(required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(choices=Status.choices)
    effective_date = serializers.DateField()
    summary = serializers.CharField(max_length=5000)
    sources = SourceSerializer(many=True, allow_empty=False)
    confidence = serializers.ChoiceField(choices=Confidence.choices, default=Confidence.MEDIUM)
    internal_note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ObligationCreateSerializer(StrictSerializer):
    party = party_code_field()
