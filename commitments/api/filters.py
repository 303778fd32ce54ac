"""One filterset per resource, shared by the list endpoints, the exports and the summary.

A value a filter does not know is an error naming the parameter and the values it takes
(a 400 on the API, an error at the field on the search page), never ignored."""

from datetime import UTC

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.urls import reverse
from django_filters.constants import EMPTY_VALUES
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from parties.models import Party

from ..as_of import AS_OF, obligations_as_of, parse_as_of
from ..choices import Category, Nature, Status
from ..models import Commitment, Obligation, StatusUpdate


class IdFilter(django_filters.NumberFilter):
    """A database id: a whole number within the range every database stores."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class ChoiceFilter(django_filters.ChoiceFilter):
    """A choice whose error lists the values it takes."""

    def __init__(self, *args, choices, **kwargs):
        values = ", ".join(str(value) for value, _ in choices)
        kwargs.setdefault("error_messages", {"invalid_choice": f"Unknown value '%(value)s': use one of {values}."})
        super().__init__(*args, choices=choices, **kwargs)


class StrictBooleanField(forms.Field):
    """true or false (or 1 or 0, in any case). Django's NullBooleanField reads any other
    word as "not given", which turned ?overdue=yes into no filter at all."""

    widget = forms.TextInput
    VALUES = {"true": True, "1": True, "false": False, "0": False}
    default_error_messages = {"invalid": "Unknown value '%(value)s': use true or false (or 1 or 0)."}

    def to_python(self, value):
        if isinstance(value, bool):
            return value
        if value in self.empty_values:
            return None
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from None


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class PartyCodeField(forms.CharField):
    """A party's code (" AZE" reads as AZE): one no party has is an error, not an empty
    answer that looks like "nothing to report"."""

    def clean(self, value):
        value = super().clean(value)  # first the field's own checks: no NUL reaches the database
        if value and not Party.objects.filter(code=value).exists():
            raise forms.ValidationError(
                "No party has the code '%(value)s': use a code listed at %(parties)s.",
                code="invalid_choice",
                params={"value": value, "parties": reverse("api:party-list")},
            )
        return value


class PartyCodeFilter(django_filters.CharFilter):
    field_class = PartyCodeField


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment, converted to UTC (PostgreSQL refuses offsets beyond +-15:59,
    which ISO 8601 allows). A moment UTC cannot hold is the field's error, so it is
    reported under the query parameter's name, by the API and the search page alike."""

    default_error_messages = {"invalid": "Use an ISO 8601 date or moment, e.g. 2020-11-06 or 2020-11-06T23:00:00Z."}

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except OverflowError as exc:
            raise forms.ValidationError("This moment is out of range.", code="out_of_range") from exc


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class CommitmentFilter(django_filters.FilterSet):
    """Filters on the commitment (category, nature, agreement, commitment_status,
    updated_since, q) and on its obligations (OBLIGATION_FILTERS): these read one
    obligation together, so that party=AZE&overdue=true is "where Azerbaijan is overdue",
    not "binds Azerbaijan, and someone is overdue"."""

    # Their field_name and lookup_expr are Obligation's: see obligation_q.
    OBLIGATION_FILTERS = ("party", "status", "overdue", "due_before", "due_after")

    party = PartyCodeFilter(
        field_name="party__code",
        label="Party",
        help_text="Party code: commitments binding it. Status, overdue and due dates then read this party's.",
    )
    status = ChoiceFilter(choices=Status.choices, label="Party's status", help_text="A bound party's status.")
    overdue = StrictBooleanFilter(field_name="overdue", label="Overdue", help_text="A bound party overdue, or not.")
    due_before = UtcDateTimeFilter(
        field_name="due_at", lookup_expr="lt", label="Due before", help_text="A bound party's due moment."
    )
    due_after = UtcDateTimeFilter(
        field_name="due_at", lookup_expr="gte", label="Due on or after", help_text="A bound party's due moment."
    )
    commitment_status = ChoiceFilter(
        field_name="status",
        choices=Status.choices,
        label="Commitment's status",
        help_text="The commitment's own status, rolled up from its parties'.",
    )
    category = ChoiceFilter(choices=Category.choices)
    nature = ChoiceFilter(choices=Nature.choices)
    agreement = IdFilter(field_name="agreement_id", label="Agreement")
    updated_since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte", label="Updated since")
    q = django_filters.CharFilter(
        method="filter_text", max_length=200, label="Words", help_text="Words in the title or text."
    )

    class Meta:
        model = Commitment
        fields = []

    def filter_queryset(self, queryset):
        for name, value in self.form.cleaned_data.items():
            if name not in self.OBLIGATION_FILTERS:
                queryset = self.filters[name].filter(queryset, value)
        matching = self.obligation_q()
        if matching:
            queryset = queryset.filter(
                Exists(self.obligation_rows(Obligation.objects.filter(commitment=OuterRef("pk"))).filter(matching))
            )
        return queryset

    def obligation_rows(self, obligations: QuerySet[Obligation]) -> QuerySet[Obligation]:
        """The obligations the obligation filters read (CommitmentAsOfFilter: on a day)."""
        return obligations

    def obligation_q(self) -> Q:
        """The condition on Obligation made by the obligation filters given (all of them,
        on one obligation); empty when none is given. The one place of that rule: the list,
        the search page, the exports and the summary all read it."""
        conditions = []
        for name in self.OBLIGATION_FILTERS:
            value, spec = self.form.cleaned_data.get(name), self.filters[name]
            if value not in EMPTY_VALUES:  # as django-filters skips them
                conditions.append(Q(**{f"{self.obligation_field(spec.field_name)}__{spec.lookup_expr}": value}))
        return Q(*conditions)

    def obligation_field(self, name: str) -> str:
        return name

    def matches(self):
        """Whether an obligation meets the obligation filters, as an SQL expression."""
        matching = self.obligation_q()
        return Case(When(matching, then=Value(True)), default=Value(False)) if matching else Value(True)

    def obligations(self) -> QuerySet[Obligation]:
        """The obligations that match, of the commitments that match: the rows of the CSV
        export, the events of the calendar feed, what the summary counts per party."""
        return self.obligation_rows(Obligation.objects.filter(commitment__in=self.qs.values("pk"))).filter(
            self.obligation_q()
        )

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(text__icontains=value))


class AsOfField(forms.CharField):
    """A day (commitments.as_of.parse_as_of): from 1900 to today, as YYYY-MM-DD."""

    def __init__(self, *args, **kwargs):
        # Not stripped: " " or a CR/LF around the day is a 400, as on the pages, not "today".
        super().__init__(*args, strip=False, **kwargs)

    def clean(self, value):
        value = super().clean(value)  # no NUL reaches the parser
        try:
            return parse_as_of(value)
        except DjangoValidationError as exc:
            # django-filter formats each message with ``%`` (message % params): a "%" the
            # caller typed, shown back in the message, must reach it escaped.
            messages = [message.replace("%", "%%") for message in exc.message_dict[AS_OF]]
            raise forms.ValidationError(messages, code="invalid") from None


class AsOfFilter(django_filters.CharFilter):
    field_class = AsOfField


AS_OF_HELP = (
    "A day, YYYY-MM-DD (1900 to today): the state at the end of that day, by effective date. Each "
    "obligation's status, status_effective_on, due_at, overdue and overdue_since are then that day's; "
    "the commitment's status, due_at, overdue and overdue_since are rolled up from them; deadline stays "
    "the current revision. Filters party, status and overdue read the day's values; due_before, "
    "due_after and commitment_status are refused with it (400). Commitments of agreements signed later "
    "are left out. In the summary: counts, overdue counts and on-time rate of that day; in the CSV: the "
    "status, commitment_status, due_date, due_at, overdue and overdue_since columns."
)
AS_OF_PARAMETER = OpenApiParameter(AS_OF, OpenApiTypes.DATE, description=AS_OF_HELP)


class CommitmentAsOfFilter(CommitmentFilter):
    """The API's commitment filters, with ``as_of``: the obligation filters (party,
    status, overdue) then read each obligation's values on that day (commitments.as_of),
    still on one obligation together; commitments of agreements signed later are left
    out. The filters on moments and the commitment's own status do not replay the past:
    with ``as_of`` they are refused (a 400 naming them), not answered with today's values."""

    AS_OF_FIELDS = {"status": "as_of_status", "overdue": "as_of_overdue"}
    NOT_WITH_AS_OF = ("due_before", "due_after", "commitment_status")

    as_of = AsOfFilter(
        method="filter_as_of",
        label="As of",
        help_text=AS_OF_HELP,
    )

    @property
    def day(self):
        return self.form.cleaned_data.get(AS_OF) if hasattr(self.form, "cleaned_data") else None

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if valid and self.day:
            refused = [n for n in self.NOT_WITH_AS_OF if self.form.cleaned_data.get(n) not in EMPTY_VALUES]
            for name in refused:
                self.form.add_error(name, f"{name} cannot be combined with as_of: it reads today's values.")
            return not refused
        return valid

    def filter_as_of(self, queryset, name, value):
        return queryset.filter(agreement__signed_on__lte=value) if value else queryset

    def obligation_rows(self, obligations):
        return obligations_as_of(obligations, self.day) if self.day else obligations

    def obligation_field(self, name: str) -> str:
        return self.AS_OF_FIELDS.get(name, name) if self.day else name


def commitment_filterset(
    request, queryset: QuerySet[Commitment] | None = None, filterset_class: type = CommitmentAsOfFilter
) -> CommitmentFilter:
    """An API request's commitment filters over what the caller may read (``queryset``,
    by default every commitment), validated: a wrong value is a 400 naming the parameter.
    With ``as_of`` unless ``filterset_class`` is the plain CommitmentFilter."""
    if queryset is None:
        queryset = Commitment.objects.visible_to(request.user)
    filterset = filterset_class(request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset


class StatusUpdateFilter(django_filters.FilterSet):
    commitment = IdFilter(field_name="obligation__commitment_id")
    agreement = IdFilter(field_name="obligation__commitment__agreement_id")
    party = PartyCodeFilter(field_name="obligation__party__code")
    status = ChoiceFilter(choices=Status.choices)
    recorded_since = UtcDateTimeFilter(field_name="recorded_at", lookup_expr="gte")
    as_of = AsOfFilter(
        field_name="effective_on",
        lookup_expr="lte",
        label="As of",
        help_text="A day, YYYY-MM-DD: only the updates effective on or before it (the log as of that day).",
    )

    class Meta:
        model = StatusUpdate
        fields = []
