"""Shared by the document tests: a small valid document, and counting every table an
import writes (a failed or dry-run import must leave every count as it was)."""

import copy

from commitments.models import (
    Agreement,
    AgreementParticipant,
    AgreementRelation,
    AgreementSource,
    Commitment,
    Deadline,
    Obligation,
    StatusUpdate,
    StatusUpdateSource,
)
from parties.models import Party

TABLES = (
    Party,
    Agreement,
    AgreementParticipant,
    AgreementSource,
    AgreementRelation,
    Commitment,
    Obligation,
    Deadline,
    StatusUpdate,
    StatusUpdateSource,
    Agreement.history.model,
    Commitment.history.model,
    Party.history.model,
)


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in TABLES}


DOCUMENT = {
    "schema_version": 1,
    "agreement": {
        "title": "Tbilisi ceasefire protocol",
        "kind": "protocol",
        "date": "2021-03-01",
        "venue": "Tbilisi",
        "timezone": "Asia/Tbilisi",
        "summary": "A test protocol.",
    },
    "parties": [
        {"code": "ARM", "name": "Republic of Armenia", "kind": "state"},
        {"code": "AZE", "name": "Republic of Azerbaijan", "kind": "state"},
        {"code": "icrc", "name": "International Committee of the Red Cross", "kind": "international_organisation"},
    ],
    "participants": [
        {"party": "ARM", "role": "signatory"},
        {"party": "AZE", "role": "signatory"},
        {"party": "icrc", "role": "witness"},
    ],
    "sources": [
        {"publisher": "ICRC", "url": "https://example.org/protocol", "published_on": "2021-03-02", "language": "en"}
    ],
    "commitments": [
        {
            "reference": "1",
            "title": "Lists of detainees",
            "text": "Hand over lists of detainees to the ICRC within 7 days.",
            "category": "prisoners",
            "nature": "one_off",
            "parties": ["ARM", "AZE"],
            "recipients": ["icrc"],
            "deadline": {"days": 7},
        },
        {
            "reference": "2",
            "title": "Exchange of detainees",
            "text": "Exchange the detainees within 14 days of the lists.",
            "category": "prisoners",
            "nature": "one_off",
            "parties": ["ARM", "AZE"],
            "deadline": {"days": 14, "after": "1"},
        },
        {
            "reference": "3",
            "title": "Report",
            "text": "Report by 30 April.",
            "category": "verification",
            "nature": "one_off",
            "parties": ["ARM"],
            "deadline": {"date": "2021-04-30"},
        },
    ],
}


def document(**changes) -> dict:
    doc = copy.deepcopy(DOCUMENT)
    doc.update(changes)
    return doc
