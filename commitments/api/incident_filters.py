"""The incident filters, shared by /api/v1/incidents/ and the incidents CSV. As every
filter here, a value it does not take is a 400 naming the parameter (filters.py)."""

import django_filters
from django.db.models import Exists, OuterRef
from django_filters.utils import translate_validation

from ..choices import IncidentRole, Verification
from ..incident_types import EventType, SubEventType
from ..models import Incident, IncidentLink, IncidentParty
from .filters import ChoiceFilter, IdFilter, PartyCodeFilter, StrictBooleanFilter, UtcDateTimeFilter


def _place_filter(field: str, label: str) -> django_filters.CharFilter:
    # Exact, in any case: a partner filters on the name the list or an export showed.
    return django_filters.CharFilter(field_name=field, lookup_expr="iexact", max_length=200, label=label)


class IncidentFilter(django_filters.FilterSet):
    """``party`` and ``role`` read one party of the incident together (party=AZE&role=alleged
    is "Azerbaijan alleged responsible", not "Azerbaijan involved, someone alleged");
    ``commitment`` reads the links the caller may see (linked ones)."""

    party = PartyCodeFilter(method="filter_party_role", label="Party", help_text="Party code: incidents naming it.")
    role = ChoiceFilter(
        method="filter_party_role",
        choices=IncidentRole.choices,
        label="Party's role",
        help_text="With party: that party's role. Alone: incidents with a party in this role.",
    )
    event_type = ChoiceFilter(choices=EventType.choices, label="Type")
    sub_event_type = ChoiceFilter(choices=SubEventType.choices, label="Sub-type")
    date_from = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte", label="On or after")
    date_to = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte", label="On or before")
    country = _place_filter("country", "Country")
    admin1 = _place_filter("admin1", "Admin area 1")
    admin2 = _place_filter("admin2", "Admin area 2")
    admin3 = _place_filter("admin3", "Admin area 3")
    location = _place_filter("location", "Place")
    verification = ChoiceFilter(choices=Verification.choices)
    commitment = IdFilter(method="filter_commitment", label="Commitment", help_text="Incidents linked to it.")
    published = StrictBooleanFilter(help_text="Analysts: published or drafts (partners read published ones only).")
    updated_since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte", label="Updated since")

    class Meta:
        model = Incident
        fields = []

    def filter_party_role(self, queryset, name, value):
        # Both parameters meet in one Exists, built once (when the party filter runs, or
        # the role filter alone).
        data = self.form.cleaned_data
        party, role = data.get("party"), data.get("role")
        if name == "role" and party:
            return queryset
        rows = IncidentParty.objects.filter(incident=OuterRef("pk"))
        if party:
            rows = rows.filter(party__code=party)
        if role:
            rows = rows.filter(role=role)
        return queryset.filter(Exists(rows))

    def filter_commitment(self, queryset, name, value):
        links = IncidentLink.objects.visible_to(getattr(self.request, "user", None)).filter(
            incident=OuterRef("pk"), obligation__commitment_id=value
        )
        return queryset.filter(Exists(links))


def incident_filterset(request, queryset=None) -> IncidentFilter:
    """The request's incident filters over the incidents the caller may read, validated."""
    if queryset is None:
        queryset = Incident.objects.all()
    queryset = queryset.visible_to(request.user)
    filterset = IncidentFilter(request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset
