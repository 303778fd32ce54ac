"""Exports for partners' tools, with the commitment list's filters: CSV (one row per
obligation; optional HXL hashtag row), the status-update log as CSV, and an iCalendar
feed of due moments. CSVs are streamed: memory stays flat whatever the row count. Text
cells a spreadsheet would read as a formula are neutralised (csv_text)."""

import csv
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.db import connection
from django.db.models import Case, CharField, F, QuerySet, TextField, Value, When
from django.db.models.functions import Concat, Left
from django.db.models.lookups import In
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from icalendar import Calendar, Event
from psycopg import ClientCursor
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer

from core.api.auth import FeedKeyAuthentication, HashedTokenAuthentication
from core.api.viewsets import BaseAPIView

from ..choices import Status
from ..models import StatusUpdate
from ..rules import end_of_day
from ..selectors import cited_incidents
from .as_of_data import commitment_statuses_as_of
from .filters import (
    AS_OF_PARAMETER,
    CommitmentAsOfFilter,
    CommitmentFilter,
    StatusUpdateFilter,
    StrictBooleanField,
    commitment_filterset,
)

CHUNK = 2000

# (header, HXL hashtag, field of the obligation row)
COMMITMENT_COLUMNS = [
    ("commitment_id", "#meta+id", "commitment_id"),
    ("agreement_id", "#meta+agreement+id", "commitment__agreement_id"),
    ("agreement", "#description+agreement", "commitment__agreement__title"),
    ("agreement_date", "#date+agreement", "commitment__agreement__signed_on"),
    ("reference", "#meta+reference", "commitment__reference"),
    ("title", "#description+title", "commitment__title"),
    ("category", "#meta+category", "commitment__category"),
    ("nature", "#meta+nature", "commitment__nature"),
    ("party", "#group+code", "party__code"),
    ("party_name", "#group+name", "party__name"),
    ("country_code", "#country+code", "country_code"),
    ("status", "#status+obligation", "status"),
    ("commitment_status", "#status+commitment", "commitment__status"),
    ("due_date", "#date+end", "commitment__current_deadline__due_date"),
    ("due_at", "#date+end+utc", "due_at"),
    ("overdue", "#status+overdue", "overdue_text"),
    ("overdue_since", "#date+overdue", "overdue_since"),
    ("updated_at", "#date+reported", "updated_at"),
]

STATUS_UPDATE_COLUMNS = [
    ("id", "#meta+id"),
    ("commitment_id", "#meta+commitment+id"),
    ("party", "#group+code"),
    ("status", "#status"),
    ("effective_date", "#date+start"),
    ("summary", "#description"),
    ("confidence", "#meta+confidence"),
    ("sources", "#meta+source"),
    ("source_urls", "#meta+url"),
    ("recorded_at", "#date+recorded"),
    ("reasons", "#status+reason+code"),
    ("incidents", "#event+id"),
]


# OWASP (CSV injection): a cell starting with one of these is a formula to a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """A text cell as OWASP recommends: a leading formula character gets a ' before it."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def csv_text_sql(expression) -> Case:
    """``csv_text`` in SQL, so PostgreSQL's COPY and SQLite's rows give the same text."""
    return Case(
        When(In(Left(expression, 1), FORMULA_TRIGGERS), then=Concat(Value("'"), expression)),
        default=expression,
        output_field=TextField(),
    )


class _Echo:
    def write(self, value):
        return value


def csv_value(value):
    """A value as PostgreSQL's COPY writes it, so both databases export the same text:
    timestamps in UTC as '2020-11-06 23:00:00+00' (fractions without trailing zeros)."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
        fraction = f".{value.microsecond:06d}".rstrip("0") if value.microsecond else ""
        return f"{value:%Y-%m-%d %H:%M:%S}{fraction}+00"
    return value


def _copy_rows(rows: QuerySet):
    """Stream ``rows`` (a values_list queryset) as CSV lines from PostgreSQL's COPY: the
    database formats the rows, Python only passes the bytes on."""
    select_sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        raw = cursor.connection
        statement = ClientCursor(raw).mogrify(f"COPY ({select_sql}) TO STDOUT WITH (FORMAT csv)", params)
        with raw.cursor().copy(statement) as copy:
            for data in copy:
                yield bytes(data)


def _csv_response(filename: str, header: list[str], hxl: list[str] | None, rows) -> StreamingHttpResponse:
    """``rows``: a values_list queryset (copied by PostgreSQL where it can) or an iterable."""
    # The writer quotes a cell holding a character of its line terminator: with "\r\n" a
    # "\r" too, as COPY quotes it (else a reader splits the row there). Lines end in "\n"
    # as COPY's do.
    writer = csv.writer(_Echo(), lineterminator="\r\n")

    def line(row) -> str:
        return writer.writerow(row)[:-2] + "\n"

    def lines():
        yield "\ufeff"  # a BOM, so that spreadsheets read UTF-8
        yield line(header)
        if hxl:
            yield line(hxl)
        if isinstance(rows, QuerySet) and connection.vendor == "postgresql":
            yield from _copy_rows(rows)
            return
        source = rows.iterator(chunk_size=CHUNK) if isinstance(rows, QuerySet) else rows
        for row in source:
            yield line([csv_value(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ExportRenderer(BaseRenderer):
    """An export's media type, for content negotiation: the views write (and stream) the
    body themselves."""

    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class CSVRenderer(ExportRenderer):
    media_type = "text/csv"
    format = "csv"


class ICalendarRenderer(ExportRenderer):
    media_type = "text/calendar"
    format = "ics"


class ExportView(BaseAPIView):
    """An export answers its own media type, and */* (what browsers, calendar apps and
    most tools send); Accept: application/json alone is a 406. Its errors (a bad filter, a
    missing token) are JSON whatever was accepted: a 400 stays readable."""

    def handle_exception(self, exc):
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().handle_exception(exc)


HXL_PARAMETER = OpenApiParameter("hxl", OpenApiTypes.BOOL, description="Add the HXL hashtag row under the header.")


class CommitmentCSVView(ExportView):
    """One row per obligation that matches the filters (see CommitmentFilter)."""

    renderer_classes = [CSVRenderer]
    filterset_class = CommitmentAsOfFilter

    @extend_schema(parameters=[HXL_PARAMETER, AS_OF_PARAMETER], responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request):
        filterset = commitment_filterset(request)
        state_code = Case(When(party__kind="state", then=F("party__code")), default=Value(""), output_field=CharField())
        overdue_q = {filterset.obligation_field("overdue"): True}
        overdue = Case(When(**overdue_q, then=Value("true")), default=Value("false"), output_field=CharField())
        obligations = (
            filterset.obligations()
            .annotate(country_code=state_code, overdue_text=overdue)
            .order_by("commitment_id", "party__code")
        )
        fields = [f for _, _, f in COMMITMENT_COLUMNS]
        if filterset.day:
            rows = _rows_as_of(obligations, fields, filterset)
        else:
            rows = obligations.values_list(*_text_neutralised(obligations, fields))
        hxl = [tag for _, tag, _ in COMMITMENT_COLUMNS] if _wants_hxl(request) else None
        return _csv_response("commitments.csv", [h for h, _, _ in COMMITMENT_COLUMNS], hxl, rows)


# With as_of: the columns read that day's values (commitments.as_of); the due moment,
# overdue_since and the commitment's status are then filled in by _rows_as_of.
AS_OF_COLUMNS = {
    "status": "as_of_status",
    "commitment__status": "commitment_id",
    "commitment__current_deadline__due_date": "as_of_due_date",
    "due_at": "as_of_due_date",
    "overdue_since": "as_of_overdue",
}


def _rows_as_of(obligations: QuerySet, fields: list[str], filterset):
    """The CSV rows of ``filterset.day`` (``obligations`` annotated for it): the day's
    due moment (the end of the due day in the venue's zone), overdue_since and the
    commitment's status rolled up from all its parties' that day."""
    status_at, due_at, since_at = (fields.index(f) for f in ("commitment__status", "due_at", "overdue_since"))
    day_fields = [AS_OF_COLUMNS.get(f, f) for f in fields]
    rows = obligations.values_list(*_text_neutralised(obligations, day_fields), "commitment__agreement__timezone")
    statuses = commitment_statuses_as_of(filterset.qs, filterset.day)
    for row in rows.iterator(chunk_size=CHUNK):
        row, zone = list(row[:-1]), ZoneInfo(row[-1])
        due = end_of_day(row[due_at], zone) if row[due_at] else None
        row[status_at] = statuses.get(row[status_at], Status.NOT_STARTED.value)
        row[since_at] = due if row[since_at] else None
        row[due_at] = due
        yield row


class StatusUpdateCSVView(ExportView):
    renderer_classes = [CSVRenderer]
    filterset_class = StatusUpdateFilter

    @extend_schema(parameters=[HXL_PARAMETER], responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request):
        queryset = StatusUpdate.objects.visible_to(request.user)
        updates = (
            DjangoFilterBackend()
            .filter_queryset(request, queryset, self)
            .select_related("obligation__party")
            .prefetch_related("sources", "reasons", cited_incidents(request.user))
            .order_by("recorded_at", "pk")
        )

        def rows():
            # Internal notes are never exported: exports feed partners' dashboards; a
            # partner's export cites published incidents only (cited_incidents).
            for update in updates.iterator(chunk_size=CHUNK):
                sources = list(update.sources.all())
                row = [
                    update.pk,
                    update.obligation.commitment_id,
                    update.obligation.party.code,
                    update.status,
                    update.effective_on,
                    update.summary,
                    update.confidence,
                    "; ".join(f"{s.publisher} ({s.published_on})" for s in sources),
                    " ".join(s.url for s in sources if s.url),
                    update.recorded_at,
                    "; ".join(r.code for r in update.reasons.all()),
                    "; ".join(str(i.pk) for i in update.incidents.all()),
                ]
                yield [csv_text(v) if isinstance(v, str) else v for v in row]

        hxl = [tag for _, tag in STATUS_UPDATE_COLUMNS] if _wants_hxl(request) else None
        return _csv_response("status-updates.csv", [h for h, _ in STATUS_UPDATE_COLUMNS], hxl, rows())


def _wants_hxl(request) -> bool:
    try:
        return bool(StrictBooleanField(required=False).clean(request.query_params.get("hxl")))
    except forms.ValidationError as exc:
        raise ValidationError({"hxl": exc.messages}) from exc


def _text_neutralised(rows: QuerySet, fields: list[str]) -> list:
    """``fields`` of ``rows``, each text column (a model's or an annotation's) through
    csv_text_sql: found from the column's type, so a text column added later is covered."""
    query = rows.query.clone()  # resolving a field adds its joins: to a copy
    return [
        csv_text_sql(F(f)) if isinstance(query.resolve_ref(f).output_field, (CharField, TextField)) else f
        for f in fields
    ]


class DeadlinesICSView(ExportView):
    """An iCalendar feed of due moments, one all-day event per obligation on its due day,
    with a stable UID (and a SEQUENCE that follows the deadline's revisions), so that a
    calendar updates the event when a deadline moves. Calendar apps cannot send headers:
    they give a feed key as ?token= (never an API token: see tracker/api/auth.py)."""

    authentication_classes = [FeedKeyAuthentication, HashedTokenAuthentication]
    renderer_classes = [ICalendarRenderer]
    filterset_class = CommitmentFilter

    @extend_schema(
        parameters=[OpenApiParameter("token", OpenApiTypes.STR, description="A calendar feed key.")],
        responses={(200, "text/calendar"): OpenApiTypes.STR},
    )
    def get(self, request):
        obligations = (
            commitment_filterset(request, filterset_class=CommitmentFilter)  # the feed is of today's deadlines
            .obligations()
            .filter(due_at__isnull=False)
            .select_related("party", "commitment__agreement", "commitment__current_deadline")
            .order_by("due_at", "pk")
        )
        host = settings.SITE_URL.split("://")[-1].split("/")[0]
        calendar = Calendar()
        calendar.add("prodid", "-//Ceasefire Commitment Tracker//deadlines//EN")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", "Ceasefire commitment deadlines")
        for obligation in obligations.iterator(chunk_size=CHUNK):
            commitment, deadline = obligation.commitment, obligation.commitment.current_deadline
            event = Event()
            event.add("uid", f"obligation-{obligation.pk}@{host}")
            event.add("summary", f"Due: {commitment.title} ({obligation.party})")
            event.add("dtstart", deadline.due_date)
            event.add("dtstamp", obligation.updated_at)
            event.add("last-modified", obligation.updated_at)
            event.add("sequence", deadline.revision)
            event.add("status", "CONFIRMED")
            event.add(
                "description",
                f"{commitment.text}\n\nParty: {obligation.party.name}\nStatus: {obligation.get_status_display()}\n"
                f"Due: end of {deadline.due_date:%d %b %Y} ({commitment.agreement.timezone})",
            )
            event.add("url", settings.SITE_URL + reverse("commitments:detail", args=[commitment.pk]))
            calendar.add_component(event)
        return HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
