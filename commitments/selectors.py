"""Reads shared by the admin, services and (later) the API and pages."""

from django.core.exceptions import ValidationError

from .models import Commitment, Obligation, StatusUpdate


def obligations_for(*, commitment: Commitment, party=None) -> list[Obligation]:
    """The obligations a status update applies to: the given party's, or every bound
    party's when ``party`` is None. A party the commitment does not bind is an error."""
    obligations = list(commitment.obligations.select_related("party"))
    if party is None:
        if not obligations:
            raise ValidationError({"party": "This commitment binds no party yet."})
        return obligations
    matching = [o for o in obligations if o.party_id == party.pk]
    if not matching:
        bound = ", ".join(o.party.code for o in obligations) or "none"
        raise ValidationError({"party": f"{party.code} is not bound by this commitment (bound parties: {bound})."})
    return matching


def commitment_dependents(commitment: Commitment):
    """Commitments whose current deadline hangs on ``commitment``'s fulfilment."""
    return Commitment.objects.filter(current_deadline__after_commitment=commitment).select_related(
        "current_deadline", "agreement"
    )


def commitment_status_updates(commitment: Commitment):
    """A commitment's status updates, newest first, with what their listing shows: the
    party, the analyst and the sources."""
    return (
        StatusUpdate.objects.filter(obligation__commitment=commitment)
        .select_related("obligation__party", "recorded_by")
        .prefetch_related("sources")
    )
