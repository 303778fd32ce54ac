"""API representations. Every field is listed: nothing is exposed by accident, and
partners' serializers leave out internal notes and analysts' names."""

import re
from datetime import UTC, date, datetime

from django.db.models import Expression, Prefetch, Value
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.base import StrictSerializer, model_field
from parties.models import Party
from parties.validators import ANY_CODE, MAX_ALIASES
from utilities.validators import validate_one_line_text

from .. import rules
from ..choices import Category, Confidence, Nature, ParticipantRole, RelationKind, Status
from ..models import (
    Agreement,
    AgreementRelation,
    Commitment,
    Deadline,
    NonFulfilmentReason,
    Obligation,
    StatusUpdate,
    StatusUpdateSource,
)
from ..selectors import MAX_ID
from ..shape import REPRESENTATION_FIELDS, ROW_FIELDS


class PartyCodeField(serializers.SlugRelatedField):
    """A party by its code. A string no code can be is answered like an unknown code,
    without a query (PostgreSQL refuses a NUL in text: a 500)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not re.fullmatch(ANY_CODE, data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


def party_code_field(**kwargs):
    return PartyCodeField(slug_field="code", queryset=Party.objects.all(), **kwargs)


class PartySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:party-detail", lookup_field="code")

    class Meta:
        model = Party
        fields = ["code", "url", "name", "short_name", "kind", "aliases", "description", "updated_at"]


class PartyWriteSerializer(StrictSerializer):
    """What analysts send to create or change a party; parties.services checks the rules
    (ISO 3166-1 alpha-3 for a state, a slug of ours otherwise; aliases)."""

    # The shape only: the service normalises the case and checks the code against the kind.
    code = serializers.RegexField(
        re.compile(rf"\A{ANY_CODE}\Z"),  # whole: RegexField searches
        max_length=40,
        help_text="ISO 3166-1 alpha-3 for a state (ARM); 2-40 lower-case letters, digits or hyphens otherwise "
        "(icrc). Cannot change once the party is used in an agreement or a commitment.",
        error_messages={"invalid": "Use an ISO 3166-1 alpha-3 code (ARM) or a slug (icrc)."},
    )
    name = model_field(Party, "name")
    short_name = model_field(Party, "short_name", default="")
    kind = model_field(Party, "kind")
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200, trim_whitespace=False),
        max_length=MAX_ALIASES,
        required=False,
        default=list,
    )
    description = model_field(Party, "description", default="")
    reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", validators=[validate_one_line_text]
    )


class ParticipantSerializer(serializers.Serializer):
    party = serializers.CharField(source="party.code")
    role = serializers.CharField()


class SourceSerializer(StrictSerializer):
    url = model_field(StatusUpdateSource, "url", default="")
    publisher = model_field(StatusUpdateSource, "publisher")
    title = model_field(StatusUpdateSource, "title", default="")
    published_on = model_field(StatusUpdateSource, "published_on")
    language = model_field(StatusUpdateSource, "language", default="")


class RelationSerializer(serializers.Serializer):
    kind = serializers.CharField()
    agreement = serializers.IntegerField(source="related_agreement_id")

    @staticmethod
    def prefetch(request) -> Prefetch:
        """An agreement's relations for this reader: only those to agreements the reader may
        see, so a partner never learns a draft's id from a published agreement."""
        relations = AgreementRelation.objects.visible_to(request.user)
        return Prefetch("relations", queryset=relations)


class AgreementSerializer(serializers.ModelSerializer):
    """An agreement as every reader sees it; analysts also get ``published_by``."""

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
            "published_at",
            "participants",
            "sources",
            "relations",
            "updated_at",
        ]


class AnalystAgreementSerializer(AgreementSerializer):
    """Analysts also see who published the agreement (partners never see analysts' names)."""

    published_by = serializers.CharField(source="published_by.username", allow_null=True, default=None)

    class Meta(AgreementSerializer.Meta):
        fields = [*AgreementSerializer.Meta.fields, "published_by"]


class ParticipantInputSerializer(StrictSerializer):
    party = party_code_field()
    role = serializers.ChoiceField(choices=ParticipantRole.choices)


class AgreementSourceInputSerializer(SourceSerializer):
    """A document the agreement's text comes from: the same fields as a status update's
    source (both models take them from SourceFields), under a name of its own in the schema."""


class DatabaseIdField(serializers.PrimaryKeyRelatedField):
    """An object by id: a number beyond the database's integers is answered like an id
    that does not exist, and true is not id 1."""

    MAX_ID = 2**63 - 1

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= data <= self.MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class VisibleAgreementField(DatabaseIdField):
    """An agreement by id, among those the caller may read: one the caller may not read is
    answered like one that does not exist."""

    def get_queryset(self):
        request = self.context.get("request")
        return Agreement.objects.visible_to(request.user) if request else Agreement.objects.none()


class RelationInputSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=RelationKind.choices)
    agreement = VisibleAgreementField(queryset=Agreement.objects.none())


# Long enough for any real agreement; a bound on the work one request can ask for.
MAX_CHILDREN = 100


class AgreementWriteSerializer(StrictSerializer):
    title = model_field(Agreement, "title")
    kind = model_field(Agreement, "kind")
    date = model_field(Agreement, "signed_on", label="Date")
    venue = model_field(Agreement, "venue", default="")
    timezone = model_field(Agreement, "timezone", default="UTC")
    summary = model_field(Agreement, "summary", default="")
    # Omitted: unchanged (a draft on create), on PUT too: a client that does not know the
    # field must not unpublish an agreement by leaving it out.
    published = serializers.BooleanField(
        required=False, help_text="true publishes (four-eyes rule); false withdraws it. Omitted: unchanged."
    )
    participants = ParticipantInputSerializer(many=True, required=False, max_length=MAX_CHILDREN)
    sources = AgreementSourceInputSerializer(many=True, required=False, max_length=MAX_CHILDREN)
    relations = RelationInputSerializer(many=True, required=False, max_length=MAX_CHILDREN)
    reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", validators=[validate_one_line_text]
    )


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

    # The method fields document the shape in the schema; deadline_data builds it.
    def get_kind(self, obj) -> str: ...

    def get_after(self, obj) -> str | int | None: ...


class DeadlineInputSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=["date", "relative"])
    date = serializers.DateField(required=False)
    days = serializers.IntegerField(required=False, min_value=1, max_value=rules.LONGEST_DEADLINE_DAYS)
    after = serializers.CharField(required=False, default="agreement", max_length=20)

    def validate(self, attrs):
        if "kind" not in attrs:  # a PATCH is partial down to here: the deadline still needs its kind
            raise serializers.ValidationError({"kind": "This field is required."})
        if attrs["kind"] == "date" and "date" not in attrs:
            raise serializers.ValidationError({"date": "A dated deadline needs a date."})
        if attrs["kind"] == "relative" and "days" not in attrs:
            raise serializers.ValidationError({"days": "A relative deadline needs a number of days."})
        if attrs["kind"] == "date" and "days" in attrs:
            raise serializers.ValidationError({"days": "A dated deadline has no number of days."})
        after = attrs.get("after", "agreement")
        if after != "agreement":
            if not (after.isascii() and after.isdigit()):  # isdigit() alone takes "²", which int() refuses
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
    matches = serializers.BooleanField(
        help_text="In a filtered list: whether this party's obligation meets the filters on parties "
        "(party, status, overdue, due_before, due_after). Otherwise always true."
    )


def _iso(value) -> str | None:
    """ISO 8601 in UTC, as DRF writes datetimes here (TIME_ZONE aside: due moments are
    always given in UTC; the agreement's zone is in the deadline)."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


OBLIGATION_ROW = ["commitment_id", "party__code", "status", "status_effective_on", "due_at", "overdue", "overdue_since"]
DEADLINE_ROW = ["due_on", "within_days", "after_commitment_id", "due_date", "due_at", "revision", "reason"]
# The commitment's own columns (shape.ROW_FIELDS), then its current deadline's.
COMMITMENT_ROW = [*ROW_FIELDS.values(), *(f"current_deadline__{name}" for name in DEADLINE_ROW)]


def obligation_data(row: dict) -> dict:
    return {
        "party": row["party__code"],
        "status": row["status"],
        "status_effective_on": row["status_effective_on"].isoformat() if row["status_effective_on"] else None,
        "due_at": _iso(row["due_at"]),
        "overdue": row["overdue"],
        "overdue_since": _iso(row["overdue_since"]),
        "matches": row["matches"],
    }


def deadline_data(row: dict) -> dict | None:
    if row.get("revision") is None:
        return None
    return {
        "kind": "date" if row["due_on"] else "relative",
        "date": row["due_on"].isoformat() if row["due_on"] else None,
        "days": row["within_days"],
        "after": None if row["due_on"] else (row["after_commitment_id"] or "agreement"),
        "due_date": row["due_date"].isoformat() if row["due_date"] else None,
        "due_at": _iso(row["due_at"]),
        "revision": row["revision"],
        "reason": row["reason"],
    }


def _json(value):
    """A column's value as the API writes it."""
    if isinstance(value, datetime):
        return _iso(value)
    return value.isoformat() if isinstance(value, date) else value


def commitment_data(row: dict, obligations: list[dict], recipients: list[str], url: str) -> dict:
    """A commitment's representation from plain rows: the one place of its shape, used for
    instances (CommitmentSerializer) and for list pages read with .values(). The fields
    and their order are shape.COMMITMENT_SHAPE's: the columns of ROW_FIELDS as they are,
    the others computed here."""
    deadline = deadline_data({name: row[f"current_deadline__{name}"] for name in DEADLINE_ROW})
    overdue_since = [o["overdue_since"] for o in obligations if o["overdue"]]
    computed = {
        "url": url,
        "recipients": recipients,
        "deadline": deadline,
        "due_at": deadline["due_at"] if deadline else None,
        "overdue": bool(overdue_since),
        "overdue_since": _iso(min(overdue_since)) if overdue_since else None,
        "obligations": [obligation_data(o) for o in obligations],
    }
    return {
        name: _json(row[ROW_FIELDS[name]]) if name in ROW_FIELDS else computed[name] for name in REPRESENTATION_FIELDS
    }


def commitment_row(commitment: Commitment) -> dict:
    """The COMMITMENT_ROW of a commitment instance, read from its attributes (and its
    current deadline's): what .values(*COMMITMENT_ROW) would give, without the query."""
    deadline = commitment.current_deadline
    row = {column: getattr(commitment, column) for column in ROW_FIELDS.values()}
    row.update({f"current_deadline__{name}": getattr(deadline, name, None) for name in DEADLINE_ROW})
    return row


def commitments_data(rows: list[dict], url_prefix: str, matches: Expression | None = None) -> list[dict]:
    """Representations of a page of commitment rows (COMMITMENT_ROW), with two queries for
    their obligations and recipients, whatever the page size. ``matches``: the list
    filters' test of an obligation (CommitmentFilter.matches), read in the same query."""
    ids = [row["id"] for row in rows]
    obligations: dict[int, list] = {}
    rows_of_obligations = (
        Obligation.objects.filter(commitment_id__in=ids)
        .annotate(matches=Value(True) if matches is None else matches)
        .order_by("party__code")
        .values(*OBLIGATION_ROW, "matches")
    )
    for o in rows_of_obligations:
        obligations.setdefault(o["commitment_id"], []).append(o)
    recipients: dict[int, list] = {}
    links = Commitment.recipients.through.objects.filter(commitment_id__in=ids).order_by("party__code")
    for link in links.values("commitment_id", "party__code"):
        recipients.setdefault(link["commitment_id"], []).append(link["party__code"])
    return [
        commitment_data(row, obligations.get(row["id"], []), recipients.get(row["id"], []), f"{url_prefix}{row['id']}/")
        for row in rows
    ]


class CommitmentSerializer(serializers.ModelSerializer):
    """A commitment as partners read it, built from plain rows by ``commitment_data`` (a
    page of 100 through DRF's per-field machinery and model instances cost three times
    reading the same fields with .values(): benchmarks/api.py). The fields below document
    the shape for the schema; a test checks they match."""

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
        fields = REPRESENTATION_FIELDS

    def url_prefix(self) -> str:
        request = self.context.get("request")
        path = reverse("api:commitment-list")
        return request.build_absolute_uri(path) if request else path

    # The method fields document the shape in the schema; to_representation builds it.
    def get_url(self, obj) -> str: ...

    def get_recipients(self, obj) -> list[str]: ...

    @extend_schema_field(DeadlineSerializer(allow_null=True))
    def get_deadline(self, obj): ...

    def get_due_at(self, obj) -> datetime | None: ...

    def get_overdue(self, obj) -> bool: ...

    def get_overdue_since(self, obj) -> datetime | None: ...

    @extend_schema_field(ObligationSerializer(many=True))
    def get_obligations(self, obj): ...

    def to_representation(self, obj):
        # The instance is not read again: its row comes from its attributes (the services
        # keep the caller's copy current); only its obligations and recipients are read.
        return commitments_data([commitment_row(obj)], self.url_prefix())[0]


class CommitmentCreateSerializer(StrictSerializer):
    agreement = serializers.PrimaryKeyRelatedField(queryset=Agreement.objects.all())
    reference = model_field(Commitment, "reference")
    title = model_field(Commitment, "title")
    text = model_field(Commitment, "text")
    category = serializers.ChoiceField(choices=Category.choices)
    nature = serializers.ChoiceField(choices=Nature.choices)
    condition = model_field(Commitment, "condition", default="")
    parties = party_code_field(many=True)
    recipients = party_code_field(many=True, required=False, default=list)
    deadline = DeadlineInputSerializer(required=False, allow_null=True, default=None)


class CommitmentUpdateSerializer(StrictSerializer):
    """A change of text or classification, and/or a revised deadline; always with why."""

    reference = model_field(Commitment, "reference", required=False)
    title = model_field(Commitment, "title", required=False)
    text = model_field(Commitment, "text", required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    nature = serializers.ChoiceField(choices=Nature.choices, required=False)
    condition = model_field(Commitment, "condition")
    deadline = DeadlineInputSerializer(required=False)
    # Why the commitment changes (its history) and, with a deadline, the revision's reason.
    reason = model_field(Deadline, "reason", required=True, allow_blank=False)
    source = SourceSerializer(required=False)

    def validate(self, attrs):
        # Required, on a PATCH too (DRF drops "required" on partial updates): the history
        # of every change says why.
        if "reason" not in attrs:
            raise serializers.ValidationError({"reason": "This field is required: say why the commitment changes."})
        return attrs


class ReasonSerializer(serializers.ModelSerializer):
    class Meta:
        model = NonFulfilmentReason
        fields = ["code", "label"]


class StatusUpdateSerializer(serializers.ModelSerializer):
    """What partners see of an assessment: of the incidents it cites, the published ones."""

    url = serializers.HyperlinkedIdentityField(view_name="api:statusupdate-detail")
    commitment = serializers.IntegerField(source="obligation.commitment_id")
    party = serializers.CharField(source="obligation.party.code")
    effective_date = serializers.DateField(source="effective_on")
    sources = SourceSerializer(many=True, read_only=True)
    reasons = ReasonSerializer(many=True, read_only=True, help_text="Reasons for non-fulfilment given.")
    incidents = serializers.SerializerMethodField(help_text="Ids of the incidents cited as evidence.")

    # Filtered here, not by the queryset's prefetch alone: whoever builds this serializer,
    # a partner never gets an unpublished incident's id.
    def get_incidents(self, obj) -> list[int]:
        return sorted(i.pk for i in obj.incidents.all() if i.published)

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
            "reasons",
            "incidents",
            "recorded_at",
        ]


class AnalystStatusUpdateSerializer(StatusUpdateSerializer):
    """Analysts also see the internal note, who recorded the update and every incident
    cited, published or not."""

    analyst = serializers.CharField(source="recorded_by.username")

    def get_incidents(self, obj) -> list[int]:
        return sorted(i.pk for i in obj.incidents.all())

    class Meta(StatusUpdateSerializer.Meta):
        fields = [*StatusUpdateSerializer.Meta.fields, "internal_note", "analyst"]


class StatusUpdateCreateSerializer(StrictSerializer):
    party = party_code_field(required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(choices=Status.choices)
    effective_date = model_field(StatusUpdate, "effective_on", label="Effective date")
    summary = model_field(StatusUpdate, "summary")
    sources = SourceSerializer(many=True, allow_empty=False)
    confidence = serializers.ChoiceField(choices=Confidence.choices, default=Confidence.MEDIUM)
    internal_note = model_field(StatusUpdate, "internal_note", default="")
    reasons = serializers.ListField(
        child=serializers.CharField(max_length=50),
        default=list,
        max_length=20,
        help_text="Codes of reasons for non-fulfilment (not fulfilled, partially fulfilled, violated, disputed).",
    )
    incidents = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        default=list,
        max_length=100,
        help_text="Ids of incidents linked to this commitment for the party, cited as evidence.",
    )


class ObligationCreateSerializer(StrictSerializer):
    party = party_code_field()
