"""The alerts' filters in the API (the filter types are the domain API's)."""

import django_filters

from commitments.api.filters import ChoiceFilter, IdFilter, PartyCodeFilter, StrictBooleanFilter, UtcDateTimeFilter

from ..choices import AlertKind
from ..models import Alert


class AlertFilter(django_filters.FilterSet):
    kind = ChoiceFilter(choices=AlertKind.choices)
    party = PartyCodeFilter(field_name="party__code")
    agreement = IdFilter(field_name="obligation__commitment__agreement_id")
    commitment = IdFilter(field_name="obligation__commitment_id")
    incident = IdFilter(field_name="incident_link__incident_id")
    acknowledged = StrictBooleanFilter(field_name="acknowledged_at", lookup_expr="isnull", exclude=True)
    resolved = StrictBooleanFilter(field_name="resolved_at", lookup_expr="isnull", exclude=True)
    raised_since = UtcDateTimeFilter(field_name="raised_at", lookup_expr="gte")

    class Meta:
        model = Alert
        fields = []
