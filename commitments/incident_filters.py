"""Filters of the incidents list (/incidents/). Like the other lists' (list_filters.py) they
take the API's strict fields: a value a filter does not know is an error at its field, and
the URL is the list, so it can be shared.

Filters that meet on one row read that row together: ``party`` with ``role`` is one of the
incident's party rows (AZE *alleged*, not AZE involved and someone else alleged);
``commitment`` with ``links`` is one link (a *proposed* link to that commitment, not a
proposal elsewhere and a link to it)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from utilities.fields import DATE_INPUT

from .access import readable_incident_links
from .api.filters import ChoiceFilter, IdFilter, PartyCodeFilter, StrictBooleanFilter
from .choices import IncidentRole, LinkState, Verification
from .incident_types import EventType, SubEventType, sub_event_type_error
from .models import Commitment, IncidentLink, IncidentParty

ANY_ROLE = "any"
ROLE_CHOICES = [(IncidentRole.ALLEGED, "Alleged responsible"), (ANY_ROLE, "Any role")]

# The analysts' queues: incidents by the state of their links.
LINKS_PROPOSED, LINKS_LINKED, LINKS_NONE = "proposed", "linked", "none"
LINKS_CHOICES = [
    (LINKS_PROPOSED, "Has proposed links (to decide)"),
    (LINKS_LINKED, "Has links"),
    (LINKS_NONE, "No link"),
]


class IncidentListForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "This date is before the one in “On or after”.")
        error = sub_event_type_error(data.get("type") or "", data.get("sub_type") or "")
        if error:
            self.add_error("sub_type", error)
        if data.get("links") == LINKS_NONE and data.get("commitment"):
            self.add_error("links", "“No link” and a commitment contradict each other: choose one.")
        return data


class IncidentListFilter(django_filters.FilterSet):
    party = PartyCodeFilter(method="filter_party", label="Party", help_text="Alleged responsible, unless “Any role”.")
    role = ChoiceFilter(
        method="filter_nothing", choices=ROLE_CHOICES, empty_label=None, null_label=None, label="Party's role"
    )
    type = ChoiceFilter(field_name="event_type", choices=EventType.choices, empty_label="Any", label="Type")
    sub_type = ChoiceFilter(
        field_name="sub_event_type", choices=SubEventType.choices, empty_label="Any", label="Sub-type"
    )
    date_from = django_filters.DateFilter(
        field_name="occurred_on", lookup_expr="gte", label="On or after", widget=DATE_INPUT
    )
    date_to = django_filters.DateFilter(
        field_name="occurred_on", lookup_expr="lte", label="On or before", widget=DATE_INPUT
    )
    area = django_filters.CharFilter(
        method="filter_area",
        max_length=200,
        label="Area",
        help_text="Part of the country, admin area or place name (any case).",
    )
    verification = ChoiceFilter(choices=Verification.choices, empty_label="Any", label="Verification")
    commitment = IdFilter(
        method="filter_nothing", label="Commitment (number)", help_text="Incidents linked to this commitment."
    )
    links = ChoiceFilter(method="filter_nothing", choices=LINKS_CHOICES, empty_label="Any", label="Links (analysts)")
    published = StrictBooleanFilter(
        field_name="published",
        label="Published or draft",
        widget=forms.Select(choices=[("", "Any"), ("true", "Published"), ("false", "Draft")]),
    )

    class Meta:
        fields: list = []
        form = IncidentListForm

    def __init__(self, *args, user, analyst: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The form is built lazily from the filters: its field checks against this reader.
        self.filters["commitment"].extra["validators"] = [self._readable_commitment]
        if not analyst:  # partners read published incidents and linked links only anyway
            del self.filters["links"]
            del self.filters["published"]

    def _readable_commitment(self, value) -> None:
        # A commitment the reader may not read is as unknown as one that does not exist.
        if not Commitment.objects.visible_to(self.user).filter(pk=value).exists():
            raise forms.ValidationError(f"No commitment has the number {value}.")

    def filter_nothing(self, queryset, name, value):
        return queryset  # read together with another filter in filter_queryset

    def filter_party(self, queryset, name, value):
        rows = IncidentParty.objects.filter(incident=OuterRef("pk"), party__code=value)
        if (self.form.cleaned_data.get("role") or IncidentRole.ALLEGED) != ANY_ROLE:
            rows = rows.filter(role=IncidentRole.ALLEGED)
        return queryset.filter(Exists(rows))

    def filter_area(self, queryset, name, value):
        return queryset.filter(
            Q(country__icontains=value)
            | Q(admin1__icontains=value)
            | Q(admin2__icontains=value)
            | Q(admin3__icontains=value)
            | Q(location__icontains=value)
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        commitment, links = data.get("commitment"), data.get("links")
        if links == LINKS_NONE:
            any_link = IncidentLink.objects.filter(incident=OuterRef("pk"), state=LinkState.LINKED)
            return queryset.filter(~Exists(any_link))
        if links == LINKS_PROPOSED:
            state = Q(state=LinkState.PROPOSED)
        elif commitment or links == LINKS_LINKED:
            state = readable_incident_links(self.user)
        else:
            return queryset
        rows = IncidentLink.objects.filter(state, incident=OuterRef("pk"))
        if commitment:
            rows = rows.filter(obligation__commitment_id=commitment)
        return queryset.filter(Exists(rows))
