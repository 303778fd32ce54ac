"""The agreement document through the API: import (with a dry run), import a CSV of
commitments into an agreement, export, and the document's JSON Schema.

Mixed into AgreementViewSet (commitments/api/views.py), so the routes are
/api/v1/agreements/import/, /agreements/{id}/commitments/import/, /agreements/{id}/export/
and /agreements/schema/. The bodies are read raw and handed to commitments.documents,
which answers every problem (bad JSON included) as {row, field, message}, like the
preview page and the command."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core import roles

from ..documents import AGREEMENT_SCHEMA, export_agreement, import_agreement, import_commitments_csv
from ..documents.schema import MAX_BYTES


class _RawParser(BaseParser):
    """The body as bytes, at most one byte over the documents' limit (which the
    importer then names as a problem): the importer reads and judges it."""

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read(MAX_BYTES + 1) if stream is not None else b""


class DocumentParser(_RawParser):
    media_type = "application/json"


class CSVParser(_RawParser):
    """text/csv, as spreadsheets save it (UTF-8, with or without BOM)."""

    media_type = "text/csv"


class SchemaRenderer(JSONRenderer):
    media_type = "application/schema+json"


class ProblemSerializer(serializers.Serializer):
    row = serializers.CharField(help_text='"commitments[3]", "parties[0]", "agreement", "document", or "line 4" (CSV).')
    field = serializers.CharField(help_text='"deadline.days", "reference", "json", a CSV column...')
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    dry_run = serializers.BooleanField()
    agreement = serializers.IntegerField(allow_null=True, help_text="The stored agreement's id; null on a dry run.")
    preview = serializers.DictField(
        help_text="agreement, parties [{code, name, new}], commitments [{row, reference, title, category, nature, "
        "parties, deadline (words), after, due_date, due_at_local, due_at_utc}], status_updates (count)."
    )
    errors = ProblemSerializer(many=True)


DRY_RUN = OpenApiParameter(
    name="dry_run",
    type=bool,
    required=False,
    description="true: check and preview, write nothing (200). The import is run and rolled back, so the preview "
    "is what the import would store.",
)
RESULTS = {
    200: OpenApiResponse(ImportResultSerializer, description="Dry run: the preview, nothing written."),
    201: OpenApiResponse(ImportResultSerializer, description="Imported."),
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Problems: the ImportResult above (errors, each with row and field, and the preview); nothing "
        "written. A bad query parameter or header is answered {name: [messages]} as elsewhere in the API.",
    ),
}


def _dry_run(request) -> bool:
    value = request.query_params.get("dry_run", "false").lower()
    if value not in ("true", "false", "1", "0"):
        raise ValidationError({"dry_run": ["Use true or false."]})
    return value in ("true", "1")


def _answer(result) -> Response:
    if not result.ok:
        code = status.HTTP_400_BAD_REQUEST
    else:
        code = status.HTTP_200_OK if result.dry_run else status.HTTP_201_CREATED
    return Response(result.as_dict(), status=code)


class AgreementDocumentActions:
    """Actions of AgreementViewSet (kept apart from its CRUD for an easy merge)."""

    @extend_schema(
        operation_id="agreements_import",
        request={"application/json": OpenApiTypes.OBJECT},
        parameters=[DRY_RUN],
        responses=RESULTS,
        description="Import one agreement document (its JSON Schema: GET /api/v1/agreements/schema/), all or "
        "nothing. Parties are created when missing (matched by code otherwise); relations name existing "
        "agreements by title and date; status updates are recorded as the caller. Analysts only.",
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[DocumentParser])
    def import_document(self, request):
        dry_run = _dry_run(request)
        return _answer(import_agreement(request.data or b"", user=request.user, dry_run=dry_run))

    @extend_schema(
        operation_id="agreements_commitments_import",
        request={"text/csv": OpenApiTypes.STR},
        parameters=[DRY_RUN],
        responses=RESULTS,
        description="Add commitments to this agreement from a CSV (one row per commitment; the columns are in "
        "docs/intake.md), all or nothing; problems name the line and column. Analysts only.",
        examples=[
            OpenApiExample(
                "Two commitments, one chained",
                value="reference,title,text,category,nature,parties,deadline_days,deadline_after\n"
                'para 1,POW lists,"Submit lists of prisoners of war within a week.",prisoners,one_off,ARM AZE,7,\n'
                "para 2,Exchange,Exchange the prisoners.,prisoners,one_off,ARM AZE,14,para 1\n",
                request_only=True,
                media_type="text/csv",
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="commitments/import", parser_classes=[CSVParser])
    def import_commitments(self, request, pk=None):
        agreement = self.get_object()
        dry_run = _dry_run(request)
        result = import_commitments_csv(request.data or b"", agreement=agreement, user=request.user, dry_run=dry_run)
        return _answer(result)

    @extend_schema(
        operation_id="agreements_export",
        responses={200: OpenApiTypes.OBJECT},
        description="The agreement as the JSON document the import reads. Partners: published agreements only, "
        "without internal notes or relations to unpublished agreements.",
    )
    @action(detail=True, methods=["get"], url_path="export")
    def export(self, request, pk=None):
        agreement = self.get_object()
        internal = roles.role_of(request.user) in (roles.ANALYST, roles.ADMIN)
        return Response(export_agreement(agreement, include_internal=internal))

    @extend_schema(
        operation_id="agreements_document_schema",
        responses={200: OpenApiTypes.OBJECT},
        description="The JSON Schema (draft 2020-12) of the agreement document; also docs/agreement.schema.json.",
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="schema",
        permission_classes=[AllowAny],  # public, like the OpenAPI schema: it describes a format, no data
        renderer_classes=[JSONRenderer, SchemaRenderer],
        pagination_class=None,
    )
    def document_schema(self, request):
        return Response(AGREEMENT_SCHEMA)
