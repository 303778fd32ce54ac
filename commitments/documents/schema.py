"""The JSON Schema (draft 2020-12) of the agreement document.

The schema checks the document's shape (names, types, lengths, vocabularies, limits on
size); the services then check the rules (dates in the window, deadlines within their
limits, cycles, four eyes...). Lengths and vocabularies are read from the models and
choices, so the schema cannot drift from what the services accept.
docs/agreement.schema.json is this dict, written out (a test checks it matches).
"""

from commitments import rules
from commitments.choices import AgreementKind, Category, Confidence, Nature, ParticipantRole, RelationKind, Status
from commitments.models import Agreement, Commitment, Deadline, StatusUpdate, StatusUpdateSource
from parties.choices import PartyKind
from parties.models import Party
from parties.validators import MAX_ALIASES

SCHEMA_VERSION = 1
SCHEMA_ID = "https://ceasefire-tracker.example/schemas/agreement-1.json"

# Limits of one document: a real agreement has tens of commitments; these leave room
# for the biggest while refusing what would tie up a worker.
MAX_BYTES = 5 * 1024 * 1024
MAX_COMMITMENTS = 2_000
MAX_PARTIES = 500
MAX_SOURCES = 50
MAX_RELATIONS = 50
MAX_STATUS_UPDATES = 200  # per commitment
MAX_REASONS = 20  # per status update, as the API
MAX_REVISIONS = 100  # per commitment
MAX_DEPTH = 20  # nesting, as the API's JSON parser (tracker/api/parsers.py)

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
REASON_CODE_PATTERN = "^[-a-zA-Z0-9_]{1,50}$"


def _text(model, name: str, **extra) -> dict:
    field = model._meta.get_field(name)
    schema = {"type": "string", "maxLength": field.max_length}
    if field.verbose_name:
        schema["title"] = str(field.verbose_name)
    if not field.blank:
        schema["minLength"] = 1
    return {**schema, **extra}


def _choice(choices, description: str = "") -> dict:
    schema = {"type": "string", "enum": list(choices.values)}
    return {**schema, "description": description} if description else schema


def _date(description: str) -> dict:
    return {"type": "string", "pattern": DATE_PATTERN, "format": "date", "description": description}


PARTY_CODE = {
    "type": "string",
    "pattern": "^[A-Za-z][A-Za-z0-9-]{1,39}$",
    "description": "ISO 3166-1 alpha-3 for a state (ARM); a slug of ours otherwise (icrc).",
}
REFERENCE = _text(Commitment, "reference", description='A commitment\'s reference in the agreement ("para 3").')

SOURCE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["publisher", "published_on"],
    "properties": {
        "publisher": _text(StatusUpdateSource, "publisher"),
        "url": _text(StatusUpdateSource, "url", description="http(s) URL; optional."),
        "title": _text(StatusUpdateSource, "title"),
        "published_on": _date("Publication date, YYYY-MM-DD."),
        "language": _text(StatusUpdateSource, "language", description="BCP 47 tag: en, ru, hy, az, pt-BR."),
    },
}

DEADLINE = {
    "type": "object",
    "description": 'A date ({"date"}), or a number of days ({"days"}) after the agreement\'s date or, with '
    '"after", after the fulfilment of the commitment with that reference (in this agreement).',
    "additionalProperties": False,
    "properties": {
        "date": _date("The due day, YYYY-MM-DD (ends at midnight in the venue's zone)."),
        "days": {"type": "integer", "minimum": 1, "maximum": rules.LONGEST_DEADLINE_DAYS},
        "after": REFERENCE,
    },
    "oneOf": [
        {"required": ["date"], "not": {"anyOf": [{"required": ["days"]}, {"required": ["after"]}]}},
        {"required": ["days"], "not": {"required": ["date"]}},
    ],
}

DEADLINE_REVISION = {
    "type": "object",
    "description": "A later revision of the deadline (an extension or correction), with why and where from.",
    "additionalProperties": False,
    "required": ["deadline", "reason", "source"],
    "properties": {
        "deadline": DEADLINE,
        "reason": _text(Deadline, "reason", minLength=1),
        "source": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "publisher": _text(Deadline, "source_publisher"),
                "url": _text(Deadline, "source_url"),
                "published_on": _date("Publication date, YYYY-MM-DD."),
            },
        },
    },
}

STATUS_UPDATE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["status", "effective_date", "summary", "sources"],
    "properties": {
        "party": {**PARTY_CODE, "description": "The bound party assessed; omit for every bound party."},
        "status": _choice(Status),
        "effective_date": _date("From when the status holds, YYYY-MM-DD."),
        "summary": _text(StatusUpdate, "summary"),
        "confidence": _choice(Confidence),
        "internal_note": _text(StatusUpdate, "internal_note", description="Analysts only; exported for them only."),
        "sources": {"type": "array", "minItems": 1, "maxItems": MAX_SOURCES, "items": SOURCE},
        "reasons": {
            "type": "array",
            "maxItems": MAX_REASONS,
            "uniqueItems": True,
            "items": {"type": "string", "pattern": REASON_CODE_PATTERN},
            "description": "Codes of reasons for non-fulfilment (refusal, lack-of-capacity...), with a status of "
            "not fulfilled, partially fulfilled, violated or disputed. Incidents are cited on the tracker, once "
            "linked.",
        },
    },
}

COMMITMENT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["reference", "title", "text", "category", "nature", "parties"],
    "properties": {
        "reference": REFERENCE,
        "title": _text(Commitment, "title"),
        "text": _text(Commitment, "text"),
        "category": _choice(Category),
        "nature": _choice(Nature),
        "condition": _text(Commitment, "condition", description="The trigger of a conditional commitment."),
        "parties": {"type": "array", "minItems": 1, "maxItems": MAX_PARTIES, "items": PARTY_CODE},
        "recipients": {"type": "array", "maxItems": MAX_PARTIES, "items": PARTY_CODE},
        "deadline": DEADLINE,
        "deadline_note": _text(Deadline, "reason", description="Where the first deadline comes from."),
        "deadline_revisions": {"type": "array", "maxItems": MAX_REVISIONS, "items": DEADLINE_REVISION},
        "status_updates": {"type": "array", "maxItems": MAX_STATUS_UPDATES, "items": STATUS_UPDATE},
    },
}

AGREEMENT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "Agreement",
    "description": "One agreement whole: its parties, participants, sources, relations and commitments "
    "with their deadlines, and optionally their status updates. See docs/intake.md.",
    "type": "object",
    "additionalProperties": False,
    "required": ["schema_version", "agreement", "commitments"],
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "agreement": {
            "type": "object",
            "additionalProperties": False,
            "required": ["title", "kind", "date"],
            "properties": {
                "title": _text(Agreement, "title"),
                "kind": _choice(AgreementKind),
                "date": _date("The day it was signed or issued, YYYY-MM-DD; relative deadlines count from here."),
                "venue": _text(Agreement, "venue"),
                "timezone": {"type": "string", "maxLength": 64, "description": "IANA zone of the venue (UTC)."},
                "summary": _text(Agreement, "summary"),
            },
        },
        "parties": {
            "type": "array",
            "maxItems": MAX_PARTIES,
            "description": "Parties the document names: created when no party has the code, else matched by code "
            "(the stored party is kept as it is).",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "name", "kind"],
                "properties": {
                    "code": PARTY_CODE,
                    "name": _text(Party, "name"),
                    "short_name": _text(Party, "short_name"),
                    "kind": _choice(PartyKind),
                    "aliases": {
                        "type": "array",
                        "maxItems": MAX_ALIASES,
                        "items": {"type": "string", "maxLength": 200},
                    },
                    "description": _text(Party, "description"),
                },
            },
        },
        "participants": {
            "type": "array",
            "maxItems": MAX_PARTIES,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["party", "role"],
                "properties": {"party": PARTY_CODE, "role": _choice(ParticipantRole)},
            },
        },
        "sources": {"type": "array", "maxItems": MAX_SOURCES, "items": SOURCE},
        "relations": {
            "type": "array",
            "maxItems": MAX_RELATIONS,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["kind", "agreement"],
                "properties": {
                    "kind": _choice(RelationKind),
                    "agreement": {
                        "type": "object",
                        "description": "An agreement already in the tracker, by its title and date.",
                        "additionalProperties": False,
                        "required": ["title", "date"],
                        "properties": {"title": _text(Agreement, "title"), "date": _date("YYYY-MM-DD")},
                    },
                },
            },
        },
        "commitments": {"type": "array", "maxItems": MAX_COMMITMENTS, "items": COMMITMENT},
    },
}
