"""/api/v1/exports/incidents.csv: one row per incident the caller may read, with the
incident list's filters, streamed, text cells neutralised (exports.csv_text), and with
?hxl=1 the HXL hashtag row, as the other CSVs. Never the internal note."""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema

from ..choices import IncidentRole
from ..models import IncidentParty
from .exports import CHUNK, HXL_PARAMETER, CSVRenderer, ExportView, _csv_response, _wants_hxl, csv_text
from .incident_filters import IncidentFilter, incident_filterset

# (header, HXL hashtag). Tags as HXL's dictionary and HDX's ACLED data use them: the
# event's own id +id, ACLED's +code; parties to a conflict are #group (by code).
INCIDENT_COLUMNS = [
    ("id", "#event+id"),
    ("acled_event_id", "#event+code"),
    ("date", "#date+occurred"),
    ("country", "#country+name"),
    ("admin1", "#adm1+name"),
    ("admin2", "#adm2+name"),
    ("admin3", "#adm3+name"),
    ("location", "#loc+name"),
    ("latitude", "#geo+lat"),
    ("longitude", "#geo+lon"),
    ("event_type", "#event+type"),
    ("sub_event_type", "#event+type+sub"),
    ("description", "#description"),
    ("alleged_parties", "#group+code+alleged"),
    ("involved_parties", "#group+code+involved"),
    ("fatalities", "#affected+killed"),
    ("civilians_killed", "#affected+killed+civilians"),
    ("civilians_injured", "#affected+injured+civilians"),
    ("verification", "#status+verification"),
    ("confidence", "#meta+confidence"),
    ("sources", "#meta+source"),
    ("source_urls", "#meta+url"),
    ("updated_at", "#date+updated"),
]

PARTY_SEPARATOR = "; "


def incident_row(incident) -> list:
    """One CSV row; figures not reported stay empty (not 0)."""
    codes = {role: [] for role in IncidentRole.values}
    for row in incident.party_roles.all():
        codes[row.role].append(row.party.code)
    sources = list(incident.sources.all())
    row = [
        incident.pk,
        incident.acled_event_id,
        incident.occurred_on,
        incident.country,
        incident.admin1,
        incident.admin2,
        incident.admin3,
        incident.location,
        incident.latitude,
        incident.longitude,
        incident.event_type,
        incident.sub_event_type,
        incident.description,
        PARTY_SEPARATOR.join(codes[IncidentRole.ALLEGED]),
        PARTY_SEPARATOR.join(codes[IncidentRole.INVOLVED]),
        incident.fatalities,
        incident.civilians_killed,
        incident.civilians_injured,
        incident.verification,
        incident.confidence,
        PARTY_SEPARATOR.join(f"{s.publisher} ({s.published_on})" for s in sources),
        " ".join(s.url for s in sources if s.url),
        incident.updated_at,
    ]
    return [csv_text(v) if isinstance(v, str) else v for v in row]


class IncidentCSVView(ExportView):
    """One row per incident that matches the filters (see IncidentFilter)."""

    renderer_classes = [CSVRenderer]
    filterset_class = IncidentFilter

    @extend_schema(parameters=[HXL_PARAMETER], responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request):
        hxl = [tag for _, tag in INCIDENT_COLUMNS] if _wants_hxl(request) else None
        parties = IncidentParty.objects.select_related("party").order_by("party__code")
        incidents = (
            incident_filterset(request)
            .qs.prefetch_related(Prefetch("party_roles", queryset=parties), "sources")
            .order_by("occurred_on", "pk")
        )
        # Prefetched per chunk: memory follows CHUNK, not the number of incidents.
        rows = (incident_row(i) for i in incidents.iterator(chunk_size=CHUNK))
        return _csv_response("incidents.csv", [h for h, _ in INCIDENT_COLUMNS], hxl, rows)
