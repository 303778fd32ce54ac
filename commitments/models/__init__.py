from .agreement import Agreement, AgreementParticipant, AgreementRelation, AgreementSource
from .commitment import Commitment, Obligation
from .deadline import Deadline
from .incident import (
    AcledImport,
    ActorMapping,
    Incident,
    IncidentLink,
    IncidentParty,
    IncidentSource,
    LinkRule,
    NonFulfilmentReason,
)
from .share import ReportShare
from .status import StatusUpdate, StatusUpdateSource

__all__ = [
    "AcledImport",
    "ActorMapping",
    "Agreement",
    "AgreementParticipant",
    "AgreementRelation",
    "AgreementSource",
    "Commitment",
    "Deadline",
    "Incident",
    "IncidentLink",
    "IncidentParty",
    "IncidentSource",
    "LinkRule",
    "NonFulfilmentReason",
    "Obligation",
    "ReportShare",
    "StatusUpdate",
    "StatusUpdateSource",
]
