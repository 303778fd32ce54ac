"""One filterset per resource, shared by the list endpoints, the exports and the summary."""

from datetime import UTC

import django_filters
import django_filters.rest_framework
from django import forms
from django.db.models import Q

from ..choices import Category, Nature, Status
from ..models import Commitment, Obligation, StatusUpdate


class IdFilter(django_filters.NumberFilter):
    """A database id: a whole number within the range every database stores."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment, converted to UTC (PostgreSQL refuses offsets beyond +-15:59,
    which ISO 8601 allows). A moment UTC cannot hold is the field's error, so it is
    reported under the query parameter's name, by the API and the search page alike."""

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
    status = django_filters.ChoiceFilter(choices=Status.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    nature = django_filters.ChoiceFilter(choices=Nature.choices)
    party = django_filters.CharFilter(
        method="filter_party", label="Party", help_text="Party code: commitments binding it."
    )
    agreement = IdFilter(field_name="agreement_id", label="Agreement")
    # The REST flavour reads true/false and 1/0 alike, in the list and the exports.
    overdue = django_filters.rest_framework.BooleanFilter(
        method="filter_overdue", label="Overdue", help_text="Any bound party overdue."
    )
    due_before = UtcDateTimeFilter(field_name="current_deadline__due_at", lookup_expr="lt", label="Due before")
    due_after = UtcDateTimeFilter(field_name="current_deadline__due_at", lookup_expr="gte", label="Due on or after")
    updated_since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte", label="Updated since")
    q = django_filters.CharFilter(
        method="filter_text", max_length=200, label="Words", help_text="Words in the title or text."
    )

    class Meta:
        model = Commitment
        fields = []

    def filter_party(self, queryset, name, value):
        return queryset.filter(pk__in=Obligation.objects.filter(party__code=value).values("commitment_id"))

    def filter_overdue(self, queryset, name, value):
        overdue = Obligation.objects.filter(overdue=True).values("commitment_id")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(text__icontains=value))


class StatusUpdateFilter(django_filters.FilterSet):
    commitment = IdFilter(field_name="obligation__commitment_id")
    agreement = IdFilter(field_name="obligation__commitment__agreement_id")
    party = django_filters.CharFilter(field_name="obligation__party__code")
    status = django_filters.ChoiceFilter(choices=Status.choices)
    recorded_since = UtcDateTimeFilter(field_name="recorded_at", lookup_expr="gte")

    class Meta:
        model = StatusUpdate
        fields = []
