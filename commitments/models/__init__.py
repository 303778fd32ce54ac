from .agreement import Agreement, AgreementParticipant, AgreementRelation, AgreementSource
from .commitment import Commitment, Obligation
from .deadline import Deadline
from .share import ReportShare
from .status import StatusUpdate, StatusUpdateSource

__all__ = [
    "Agreement",
    "AgreementParticipant",
    "AgreementRelation",
    "AgreementSource",
    "Commitment",
    "Deadline",
    "Obligation",
    "ReportShare",
    "StatusUpdate",
    "StatusUpdateSource",
]
