"""Reads shared by the admin, services and (later) the API and pages."""

import re

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch, Q, QuerySet

from .choices import LinkState, Status, Verification
from .models import Commitment, Incident, IncidentLink, Obligation, StatusUpdate


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


def commitment_status_updates(commitment: Commitment, user=None):
    """A commitment's status updates, newest first, with what their listing shows: the
    party, the analyst, the sources, the reasons and the incidents cited that ``user`` may
    read (None: all of them, for the admin)."""
    return (
        StatusUpdate.objects.filter(obligation__commitment=commitment)
        .select_related("obligation__party", "recorded_by")
        .prefetch_related("sources", "reasons", cited_incidents(user))
    )


def cited_incidents(user=None) -> Prefetch:
    """Prefetch of a status update's cited incidents: for ``user``, only those it may read
    (partners: published ones); None: all."""
    incidents = Incident.objects.order_by("occurred_on", "pk")
    if user is not None:
        incidents = incidents.visible_to(user)
    return Prefetch("incidents", queryset=incidents)


def commitment_citable_incidents(commitment: Commitment) -> list[Incident]:
    """Incidents a status update of ``commitment`` can cite: linked to one of its
    obligations and not retracted, published or not (only analysts record updates), newest
    first; each with ``linked_parties``, the codes of the parties it is linked for.
    Whether one fits the update's own party is services.evidence_errors' to say."""
    links = (
        IncidentLink.objects.filter(obligation__commitment=commitment, state=LinkState.LINKED)
        .exclude(incident__verification=Verification.RETRACTED)
        .select_related("incident", "obligation__party")
        .order_by("-incident__occurred_on", "-incident_id", "obligation__party__code")
    )
    incidents: dict[int, Incident] = {}
    for link in links:
        incident = incidents.setdefault(link.incident_id, link.incident)
        incident.__dict__.setdefault("linked_parties", []).append(link.obligation.party.code)
    return list(incidents.values())


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


# Largest id a lookup accepts (bigint's range, as core.api.base.ID_LOOKUP): a bigger
# one is refused by name, never sent to the database to overflow there.
MAX_ID = 2**63 - 1


def evidence_from_input(*, reason_codes, incident_ids) -> tuple[list, list]:
    """The NonFulfilmentReason rows and Incidents that a form or the API names by code
    and id, in the order given; an unknown code or id is a ValidationError naming it at
    ``reasons`` or ``incidents``. Whether they may go with the update is
    services.evidence_errors' to say."""
    from .models import NonFulfilmentReason

    errors: dict = {}
    # Only what a code can be reaches the query (PostgreSQL refuses a NUL in text).
    codes = [str(c) for c in reason_codes if re.fullmatch(r"[-\w]{1,50}", str(c), re.ASCII)]
    by_code = {r.code: r for r in NonFulfilmentReason.objects.filter(code__in=codes)}
    unknown = [str(code) for code in reason_codes if str(code) not in by_code]
    if unknown:
        errors["reasons"] = [f"Unknown reason: {', '.join(repr(c[:60]) for c in unknown)}."]
    ids = [i for i in incident_ids if isinstance(i, int) and not isinstance(i, bool) and 0 < i <= MAX_ID]
    bad = [str(i)[:30] for i in incident_ids if i not in ids]
    by_id = Incident.objects.in_bulk(ids)
    missing = [str(i) for i in ids if i not in by_id]
    if bad or missing:
        errors["incidents"] = [f"No incident with the id {', '.join(bad + missing)}."]
    if errors:
        raise ValidationError(errors)
    return [by_code[str(c)] for c in reason_codes], [by_id[i] for i in ids]
