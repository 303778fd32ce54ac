"""API representations. Every field is listed: nothing is exposed by accident, and
partners' serializers leave out internal notes and analysts' names."""

from datetime import UTC, datetime

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
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


def _iso(value) -> str | None:
    """ISO 8601 in UTC, as DRF writes datetimes here (TIME_ZONE aside: due moments are
    always given in UTC; the agreement's zone is in the deadline)."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def obligation_data(obligation) -> dict:
    return {
        # party_code when the queryset annotated it (no Party object needed), else the party.
        "party": getattr(obligation, "party_code", None) or obligation.party.code,
        "status": obligation.status,
        "status_effective_on": obligation.status_effective_on.isoformat() if obligation.status_effective_on else None,
        "due_at": _iso(obligation.due_at),
        "overdue": obligation.overdue,
        "overdue_since": _iso(obligation.overdue_since),
    }


def deadline_data(deadline) -> dict | None:
    if deadline is None:
        return None
    return {
        "kind": "date" if deadline.due_on else "relative",
        "date": deadline.due_on.isoformat() if deadline.due_on else None,
        "days": deadline.within_days,
        "after": None if deadline.due_on else (deadline.after_commitment_id or "agreement"),
        "due_date": deadline.due_date.isoformat() if deadline.due_date else None,
        "due_at": _iso(deadline.due_at),
        "revision": deadline.revision,
        "reason": deadline.reason,
    }


class CommitmentSerializer(serializers.ModelSerializer):
    """A commitment as partners read it. The nested parts are built as plain data (their
    shapes are documented by DeadlineSerializer and ObligationSerializer): a page of 100
    stays within twice the cost of reading the same fields with .values()."""

    url = serializers.SerializerMethodField()
    agreement = serializers.IntegerField(source="agreement_id", read_only=True)
    recipients = serializers.SerializerMethodField()
    deadline = serializers.SerializerMethodField()
    due_at = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    overdue_since = serializers.SerializerMethodField()
    obligations = serializers.SerializerMethodField()

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

    def get_url(self, obj) -> str:
        if "url_prefix" not in self.context:
            request = self.context.get("request")
            path = reverse("api:commitment-list")
            self.context["url_prefix"] = request.build_absolute_uri(path) if request else path
        return f"{self.context['url_prefix']}{obj.pk}/"

    def get_recipients(self, obj) -> list[str]:
        return [party.code for party in obj.recipients.all()]

    @extend_schema_field(DeadlineSerializer(allow_null=True))
    def get_deadline(self, obj):
        return deadline_data(obj.current_deadline)

    def get_due_at(self, obj) -> datetime | None:
        return _iso(obj.current_deadline.due_at) if obj.current_deadline else None

    @staticmethod
    def _obligations(obj) -> list:
        # Three fields read the (prefetched) obligations: build the list once per object.
        if not hasattr(obj, "_obligation_list"):
            obj._obligation_list = list(obj.obligations.all())
        return obj._obligation_list

    def get_overdue(self, obj) -> bool:
        return any(o.overdue for o in self._obligations(obj))

    def get_overdue_since(self, obj) -> datetime | None:
        since = [o.overdue_since for o in self._obligations(obj) if o.overdue]
        return _iso(min(since)) if since else None

    @extend_schema_field(ObligationSerializer(many=True))
    def get_obligations(self, obj):
        return [obligation_data(o) for o in self._obligations(obj)]


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
