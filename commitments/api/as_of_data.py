"""The commitment list's and the CSV's values on a past day (?as_of=YYYY-MM-DD): the
rules are commitments.as_of's; here they replace today's values in the API's shapes."""

from datetime import date

from django.db.models import Expression, Value

from ..as_of import commitment_as_of, obligations_as_of
from ..models import Obligation
from ..rules import end_of_day, rollup_status
from .serializers import _iso


def _due_at(obligation: Obligation):
    due = obligation.as_of_due_date
    return end_of_day(due, obligation.commitment.agreement.tzinfo) if due else None


def commitments_as_of(data: list[dict], day: date, matches: Expression | None = None) -> list[dict]:
    """Representations of a page (serializers.commitments_data) with each obligation's
    status, due moment and overdue flag of ``day``, and the commitment's status, due moment
    and overdue flag rolled up from them. ``deadline`` stays the current revision. One
    query, whatever the page size."""
    rows = (
        obligations_as_of(Obligation.objects.filter(commitment_id__in=[d["id"] for d in data]), day)
        .annotate(matches=Value(True) if matches is None else matches)
        .select_related("party", "commitment__agreement")
        .order_by("party__code")
    )
    by_commitment: dict[int, list[Obligation]] = {}
    for o in rows:
        by_commitment.setdefault(o.commitment_id, []).append(o)
    for item in data:
        obligations = by_commitment.get(item["id"], [])
        overdue_since = [_due_at(o) for o in obligations if o.as_of_overdue]
        item["obligations"] = [
            {
                "party": o.party.code,
                "status": o.as_of_status,
                "status_effective_on": o.as_of_status_effective_on.isoformat() if o.as_of_status_effective_on else None,
                "due_at": _iso(_due_at(o)),
                "overdue": o.as_of_overdue,
                "overdue_since": _iso(_due_at(o)) if o.as_of_overdue else None,
                "matches": o.matches,
            }
            for o in obligations
        ]
        state = commitment_as_of(obligations)
        due = next((_due_at(o) for o in obligations if o.as_of_due_date), None)
        item.update(
            status=str(state.status),
            due_at=_iso(due),
            overdue=bool(overdue_since),
            overdue_since=_iso(min(overdue_since)) if overdue_since else None,
        )
    return data


def commitment_statuses_as_of(commitments, day: date) -> dict[int, str]:
    """{commitment id: its status on ``day``} for ``commitments`` (a queryset) that
    existed then; the rollup reads every bound party's status, matching the filters or not."""
    statuses: dict[int, list[str]] = {}
    rows = obligations_as_of(Obligation.objects.filter(commitment__in=commitments.values("pk")), day)
    for commitment_id, status in rows.values_list("commitment_id", "as_of_status"):
        statuses.setdefault(commitment_id, []).append(status)
    return {pk: str(rollup_status(s)) for pk, s in statuses.items()}
