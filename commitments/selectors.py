"""Reads shared by the admin, services and (later) the API and pages."""

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet

from .choices import Status
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


# The on-time record: the summary's rate and the party page's record read it here alone.
# An obligation is assessed when it has a deadline with a due day (none set, or one that
# still waits on another commitment, is neither on time nor late) and is fulfilled or
# past its due moment; it is on time when fulfilled no later than the due day.
ON_TIME_ASSESSED = (Q(status=Status.FULFILLED) | Q(overdue=True)) & Q(
    commitment__current_deadline__due_date__isnull=False
)
FULFILLED_ON_TIME = Q(status=Status.FULFILLED, status_effective_on__lte=F("commitment__current_deadline__due_date"))


def _on_time_aggregates() -> dict:
    return {
        "assessed": Count("pk"),
        "on_time": Count("pk", filter=FULFILLED_ON_TIME),
        "overdue": Count("pk", filter=Q(overdue=True) & ~Q(status=Status.FULFILLED)),
    }


def on_time_counts(obligations: QuerySet[Obligation], *group_by: str) -> QuerySet:
    """Per value of ``group_by`` (e.g. "party__code"), the assessed obligations among
    ``obligations`` as ``assessed``, of which ``on_time`` fulfilled by their due day and
    ``overdue`` still open past it; one GROUP BY."""
    return obligations.filter(ON_TIME_ASSESSED).values(*group_by).annotate(**_on_time_aggregates()).order_by()


def on_time_totals(obligations: QuerySet[Obligation]) -> dict[str, int]:
    """``on_time_counts`` over all of ``obligations``: one row, zeros when none is assessed."""
    return obligations.filter(ON_TIME_ASSESSED).aggregate(**_on_time_aggregates())


def on_time_rate(on_time: int, assessed: int) -> float | None:
    """The share on time, rounded to 4 places; None when nothing was assessed."""
    return round(on_time / assessed, 4) if assessed else None


def status_counts(obligations: QuerySet[Obligation], key: str) -> dict:
    """{value of ``key``: {status: count}} over ``obligations``, in one GROUP BY: the
    counts the agreements and parties lists show beside each row of a page."""
    counts: dict = {}
    for row in obligations.values(key, "status").annotate(n=Count("pk")).order_by():
        counts.setdefault(row[key], {})[row["status"]] = row["n"]
    return counts


def in_status_order(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(status, label, count) for the statuses counted, in the order of Status."""
    return [(value, label, counts[value]) for value, label in Status.choices if counts.get(value)]
