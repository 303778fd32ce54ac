"""Vocabularies of the commitment domain. Code names a value (Status.FULFILLED), never the
string; labels, badge colours and the Peace Accords Matrix score come from here alone."""

from django.db import models


class AgreementKind(models.TextChoices):
    CEASEFIRE_AGREEMENT = "ceasefire_agreement", "Ceasefire agreement"
    JOINT_STATEMENT = "joint_statement", "Joint statement"
    PROTOCOL = "protocol", "Protocol"
    UNILATERAL_DECLARATION = "unilateral_declaration", "Unilateral declaration"


class ParticipantRole(models.TextChoices):
    SIGNATORY = "signatory", "Signatory"
    GUARANTOR = "guarantor", "Guarantor"
    MEDIATOR = "mediator", "Mediator"
    WITNESS = "witness", "Witness"
    OTHER = "other", "Other"


class RelationKind(models.TextChoices):
    IMPLEMENTS = "implements", "Implements"
    SUPERSEDES = "supersedes", "Supersedes"
    AMENDS = "amends", "Amends"


# The same relation read from the earlier agreement's side.
RELATION_INVERSE_LABELS = {
    RelationKind.IMPLEMENTS: "Implemented by",
    RelationKind.SUPERSEDES: "Superseded by",
    RelationKind.AMENDS: "Amended by",
}


class Category(models.TextChoices):
    CIVILIAN_PROTECTION = "civilian_protection", "Civilian protection"
    REMAINS_EXCHANGE = "remains_exchange", "Remains exchange"
    PRISONERS = "prisoners", "Prisoners of war and detainees"
    VERIFICATION = "verification", "Verification mechanism"
    CEASEFIRE = "ceasefire", "Ceasefire"
    HUMANITARIAN_ACCESS = "humanitarian_access", "Humanitarian access"
    WITHDRAWAL = "withdrawal", "Withdrawal"
    SECURITY_GUARANTEE = "security_guarantee", "Security guarantee"
    DISPLACED_RETURN = "displaced_return", "Return of displaced people"
    OTHER = "other", "Other"


class Nature(models.TextChoices):
    ONE_OFF = "one_off", "One-off (has a deadline)"
    ONGOING = "ongoing", "Ongoing"
    CONDITIONAL = "conditional", "Conditional (has a trigger)"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    FULFILLED = "fulfilled", "Fulfilled"
    PARTIALLY_FULFILLED = "partially_fulfilled", "Partially fulfilled"
    NOT_FULFILLED = "not_fulfilled", "Not fulfilled"
    VIOLATED = "violated", "Violated"
    DISPUTED = "disputed", "Disputed"
    SUPERSEDED = "superseded", "Superseded"

    @classmethod
    def closed(cls) -> frozenset[str]:
        """Statuses after which a deadline no longer matters."""
        return frozenset({cls.FULFILLED, cls.SUPERSEDED})


# Badge and chart colours (Okabe-Ito, readable with colour-blindness). Colour is never the
# only carrier: every badge and chart also shows the status's label.
STATUS_COLOURS = {
    Status.NOT_STARTED: "#8c8c8c",
    Status.IN_PROGRESS: "#0072b2",
    Status.FULFILLED: "#009e73",
    Status.PARTIALLY_FULFILLED: "#e69f00",
    Status.NOT_FULFILLED: "#d55e00",
    Status.VIOLATED: "#b2182b",
    Status.DISPUTED: "#cc79a7",
    Status.SUPERSEDED: "#333333",
}

# Peace Accords Matrix (Kroc Institute) implementation scale: 0 not initiated, 1 minimal,
# 2 intermediate, 3 full. Disputed and superseded provisions have no score.
PAM_SCORES: dict[str, int | None] = {
    Status.NOT_STARTED: 0,
    Status.NOT_FULFILLED: 0,
    Status.VIOLATED: 0,
    Status.IN_PROGRESS: 1,
    Status.PARTIALLY_FULFILLED: 2,
    Status.FULFILLED: 3,
    Status.DISPUTED: None,
    Status.SUPERSEDED: None,
}


class Confidence(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Verification(models.TextChoices):
    """How far an incident report has been checked. Only an analyst moves it, with a reason."""

    REPORTED = "reported", "Reported"
    CORROBORATED = "corroborated", "Corroborated"
    VERIFIED = "verified", "Verified"
    DISPUTED = "disputed", "Disputed"
    RETRACTED = "retracted", "Retracted"

    @classmethod
    def unverified(cls) -> frozenset[str]:
        """States a partner's email leaves out unless the subscription asks for them."""
        return frozenset({cls.REPORTED})


# Verification badges (Okabe-Ito, as STATUS_COLOURS); the badge always carries the label too.
VERIFICATION_COLOURS = {
    Verification.REPORTED: "#8c8c8c",
    Verification.CORROBORATED: "#56b4e9",
    Verification.VERIFIED: "#009e73",
    Verification.DISPUTED: "#cc79a7",
    Verification.RETRACTED: "#333333",
}


class IncidentRole(models.TextChoices):
    """A party's place in an incident: alleged responsible, or otherwise involved (the
    other side of a clash, ACLED's actor 2)."""

    ALLEGED = "alleged", "Alleged responsible"
    INVOLVED = "involved", "Involved"


class LinkState(models.TextChoices):
    """An incident's link to an obligation: proposed by a rule, or decided by an analyst.
    Only a linked one counts; a rejected one is kept so the rule does not propose it again."""

    PROPOSED = "proposed", "Proposed"
    LINKED = "linked", "Linked"
    REJECTED = "rejected", "Rejected"
    REMOVED = "removed", "Removed"


# Status updates that say a pledge is not (fully) kept: they can give reasons for
# non-fulfilment and cite incidents.
NON_FULFILMENT_STATUSES = frozenset(
    {Status.NOT_FULFILLED, Status.PARTIALLY_FULFILLED, Status.VIOLATED, Status.DISPUTED}
)
