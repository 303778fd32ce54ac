"""/api/v1/exports/incidents.csv: one row per incident the caller may read, with the
incident list's filters, streamed, text cells neutralised (exports.csv_text), and with
?hxl=1 the HXL hashtag row, as the other CSVs. Never the internal note."""

from collections import defaultdict
from collections.abc import Iterator
from itertools import islice

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema

from ..choices import IncidentRole
from ..models import IncidentParty, IncidentSource
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


# Columns read from the incident's own row, in INCIDENT_COLUMNS' order around the others.
OWN_FIELDS = [
    "id",
    "acled_event_id",
    "occurred_on",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "event_type",
    "sub_event_type",
    "description",
]
FIGURE_FIELDS = ["fatalities", "civilians_killed", "civilians_injured", "verification", "confidence"]


def incident_rows(incidents) -> Iterator[list]:
    """CSV rows of ``incidents``, CHUNK at a time: each chunk's parties and sources in one
    query each, read as plain rows (Django's prefetch costs more per row than the rest of
    the export). Figures not reported stay empty, not 0."""
    rows = incidents.values_list(*OWN_FIELDS, *FIGURE_FIELDS, "updated_at").iterator(chunk_size=CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        ids = [row[0] for row in chunk]
        parties: dict = defaultdict(lambda: {role: [] for role in IncidentRole.values})
        roles = IncidentParty.objects.filter(incident_id__in=ids).order_by("party__code")
        for incident_id, role, code in roles.values_list("incident_id", "role", "party__code"):
            parties[incident_id][role].append(code)
        sources: dict = defaultdict(list)
        cited = IncidentSource.objects.filter(incident_id__in=ids).order_by("published_on", "pk")
        for incident_id, publisher, published_on, url in cited.values_list(
            "incident_id", "publisher", "published_on", "url"
        ):
            sources[incident_id].append((publisher, published_on, url))
        for row in chunk:
            own, figures, updated_at = row[: len(OWN_FIELDS)], row[len(OWN_FIELDS) : -1], row[-1]
            codes, cites = parties[row[0]], sources[row[0]]
            values = [
                *own,
                PARTY_SEPARATOR.join(codes[IncidentRole.ALLEGED]),
                PARTY_SEPARATOR.join(codes[IncidentRole.INVOLVED]),
                *figures,
                PARTY_SEPARATOR.join(f"{publisher} ({published_on})" for publisher, published_on, _ in cites),
                " ".join(url for _, _, url in cites if url),
                updated_at,
            ]
            yield [csv_text(v) if isinstance(v, str) else v for v in values]


class IncidentCSVView(ExportView):
    """One row per incident that matches the filters (see IncidentFilter)."""

    renderer_classes = [CSVRenderer]
    filterset_class = IncidentFilter

    @extend_schema(parameters=[HXL_PARAMETER], responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request):
        hxl = [tag for _, tag in INCIDENT_COLUMNS] if _wants_hxl(request) else None
        incidents = incident_filterset(request).qs.order_by("occurred_on", "pk")
        # Streamed a chunk at a time: memory follows CHUNK, not the number of incidents.
        return _csv_response("incidents.csv", [h for h, _ in INCIDENT_COLUMNS], hxl, incident_rows(incidents))
