"""Filters of the agreements list and the parties list (pages). They take the strict
fields of the API's filters (api/filters.py): a value a filter does not know is an error
at its field, never ignored, and the URL is the search, so it can be shared."""

import django_filters
from django import forms
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower

from parties.choices import PartyKind
from parties.models import Party
from utilities.fields import DATE_INPUT

from .api.filters import ChoiceFilter, PartyCodeFilter, StrictBooleanFilter
from .choices import AgreementKind, Status
from .models import Agreement, AgreementParticipant, Obligation

# sort value -> ORDER BY; the last keys break ties, so that pages never overlap.
AGREEMENT_SORTS = {
    "-date": ("-signed_on", Lower("title"), "pk"),
    "date": ("signed_on", Lower("title"), "pk"),
    "title": (Lower("title"), "-signed_on", "pk"),
    "-title": (Lower("title").desc(), "-signed_on", "-pk"),
    "-commitments": ("-commitment_count", "-signed_on", "pk"),
    "commitments": ("commitment_count", "-signed_on", "pk"),
}
AGREEMENT_SORT_LABELS = [
    ("-date", "Date, newest first"),
    ("date", "Date, oldest first"),
    ("title", "Title, A to Z"),
    ("-title", "Title, Z to A"),
    ("-commitments", "Most commitments first"),
    ("commitments", "Fewest commitments first"),
]
DEFAULT_AGREEMENT_SORT = "-date"


class AgreementListForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("signed_from"), data.get("signed_to")
        if start and end and start > end:
            self.add_error("signed_to", "This date is before the one in “Dated on or after”.")
        return data


class AgreementListFilter(django_filters.FilterSet):
    """``party``: agreements it takes part in (any role) or that bind it; ``status``:
    agreements with an obligation in that status (with a party given, that party's);
    ``published`` is dropped for partners, who read published agreements only anyway."""

    q = django_filters.CharFilter(
        method="filter_text", max_length=200, label="Words", help_text="Words in the title, venue or summary."
    )
    party = PartyCodeFilter(
        method="filter_party", label="Party", help_text="Taking part in the agreement, or bound by it."
    )
    status = ChoiceFilter(
        method="filter_status",
        choices=Status.choices,
        empty_label="Any",
        label="Obligation status",
        help_text="Agreements with an obligation in this status (the party's, with a party chosen).",
    )
    signed_from = django_filters.DateFilter(
        field_name="signed_on", lookup_expr="gte", label="Dated on or after", widget=DATE_INPUT
    )
    signed_to = django_filters.DateFilter(
        field_name="signed_on", lookup_expr="lte", label="Dated on or before", widget=DATE_INPUT
    )
    kind = ChoiceFilter(choices=AgreementKind.choices, empty_label="Any", label="Kind")
    published = StrictBooleanFilter(
        field_name="published",
        label="Published or draft",
        widget=forms.Select(choices=[("", "Any"), ("true", "Published"), ("false", "Draft")]),
    )
    sort = ChoiceFilter(
        method="filter_sort", choices=AGREEMENT_SORT_LABELS, label="Sort by", empty_label=None, null_label=None
    )

    class Meta:
        model = Agreement
        fields = []
        form = AgreementListForm

    def __init__(self, *args, can_see_drafts: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_see_drafts:
            del self.filters["published"]

    def filter_queryset(self, queryset):
        queryset = queryset.annotate(commitment_count=Count("commitments", distinct=True))
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*AGREEMENT_SORTS[DEFAULT_AGREEMENT_SORT])
        return queryset

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(venue__icontains=value) | Q(summary__icontains=value))

    def filter_party(self, queryset, name, value):
        takes_part = AgreementParticipant.objects.filter(agreement=OuterRef("pk"), party__code=value)
        bound = Obligation.objects.filter(commitment__agreement=OuterRef("pk"), party__code=value)
        return queryset.filter(Exists(takes_part) | Exists(bound))

    def filter_status(self, queryset, name, value):
        obligations = Obligation.objects.filter(commitment__agreement=OuterRef("pk"), status=value)
        party = self.form.cleaned_data.get("party")
        if party:
            obligations = obligations.filter(party__code=party)
        return queryset.filter(Exists(obligations))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*AGREEMENT_SORTS[value])


class PartyListFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_text", max_length=200, label="Words", help_text="Words in the name, code or aliases."
    )
    kind = ChoiceFilter(choices=PartyKind.choices, empty_label="Any", label="Kind")

    class Meta:
        model = Party
        fields = []

    def filter_text(self, queryset, name, value):
        # Aliases are a JSON list: its text is searched (Django's icontains on a JSONField).
        return queryset.filter(
            Q(name__icontains=value)
            | Q(short_name__icontains=value)
            | Q(code__icontains=value)
            | Q(aliases__icontains=value)
        )
