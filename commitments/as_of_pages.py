"""The as-of view of the agreement, commitment and party pages (?as_of=YYYY-MM-DD): the
picker's state and what each page shows on that day. The rules are commitments.as_of's;
here they are only put in the shape the templates read. A past view is read-only."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.utils import timezone

from .as_of import (
    AS_OF,
    commitment_as_of,
    days_late,
    latest_updates,
    obligations_as_of,
    on_time_totals_as_of,
    parse_as_of,
    revision_in_force_q,
    status_counts_over_time,
)
from .choices import Status
from .models import Obligation
from .rules import end_of_day


@dataclass(frozen=True)
class AsOf:
    """The picker: the day asked for (None: today's view), or the error to show at it."""

    day: date | None = None
    error: str = ""

    @property
    def status(self) -> int:
        return 400 if self.error else 200

    @property
    def today(self) -> date:
        return timezone.now().date()

    @property
    def value(self) -> str:
        return self.day.isoformat() if self.day else ""


def as_of_of(request) -> AsOf:
    """The request's ``as_of``; a bad value is an error at the picker (and today's view)."""
    try:
        return AsOf(day=parse_as_of(request.GET.get(AS_OF)))
    except ValidationError as exc:
        return AsOf(error=exc.message_dict[AS_OF][0])


def show_as_of(obligations: list[Obligation], day: date, tz) -> list[Obligation]:
    """Obligations annotated by obligations_as_of, their status and overdue fields set to
    the day's values for display (never saved), with ``days_late``."""
    for o in obligations:
        o.status, o.status_effective_on, o.overdue = o.as_of_status, o.as_of_status_effective_on, o.as_of_overdue
        o.overdue_since = end_of_day(o.as_of_due_date, tz) if o.as_of_overdue else None
        o.days_late = days_late(o.as_of_due_date, day) if o.as_of_overdue else 0
    return obligations


# Agreement page -------------------------------------------------------------------------


@dataclass
class CommitmentRow:
    commitment: object
    obligations: list  # each with ``latest`` (its latest assessment then, or None)
    due: date | None = None  # as of the day only; today's view reads the commitment


def agreement_rows(agreement, commitments: QuerySet, as_of: AsOf) -> list[CommitmentRow]:
    """The commitments table: per commitment its obligations (as of the day, when one is
    asked for) with each party's latest assessment then. Three queries."""
    obligations = Obligation.objects.filter(commitment__agreement=agreement).select_related("party")
    if as_of.day:
        obligations = obligations_as_of(obligations, as_of.day)
    obligations = list(obligations.order_by("party__code"))
    if as_of.day:
        show_as_of(obligations, as_of.day, agreement.tzinfo)
    latest = latest_updates(Obligation.objects.filter(commitment__agreement=agreement), as_of.day)
    by_commitment: dict[int, list] = {}
    for o in obligations:
        o.latest = latest.get(o.pk)
        by_commitment.setdefault(o.commitment_id, []).append(o)
    rows = []
    for c in commitments:
        mine = by_commitment.get(c.pk, [])
        rows.append(CommitmentRow(c, mine, commitment_as_of(mine).due_date if as_of.day else None))
    return rows


# Commitment page ------------------------------------------------------------------------


def commitment_page_as_of(as_of: AsOf, commitment, context: dict) -> None:
    """Turn the commitment page's ``context`` into the day's view: obligations, overall
    status, deadlines in force and updates effective by then; no forms."""
    context["as_of"] = as_of
    if not as_of.day:
        return
    obligations = obligations_as_of(commitment.obligations.select_related("party"), as_of.day)
    obligations = show_as_of(list(obligations.order_by("party__code")), as_of.day, commitment.agreement.tzinfo)
    context["obligations"] = obligations
    status = commitment_as_of(obligations).status
    context["status_as_of"] = {"value": status, "label": Status(status).label}
    context["deadlines"] = list(context["deadlines"].filter(revision_in_force_q(as_of.day)))
    # The revision in force that day is the one marked current in the day's view.
    context["current_revision_id"] = context["deadlines"][-1].pk if context["deadlines"] else None
    context["updates"] = context["updates"].filter(effective_on__lte=as_of.day)
    context.update(can_write=False, record_form=None, extend_form=None)


# Party page -------------------------------------------------------------------------------

STATUS_ORDER_AS_OF = Case(
    *(When(as_of_status=value, then=Value(i)) for i, value in enumerate(Status.values)), output_field=IntegerField()
)


def party_page_as_of(obligations: QuerySet[Obligation], day: date, limit: int) -> dict:
    """The party page's counts, rows and on-time record on ``day`` (``obligations``: the
    party's that the reader may see)."""
    counts = dict(status_counts_over_time(obligations, [day])[0])
    annotated = obligations_as_of(obligations, day)
    rows = list(
        annotated.select_related("commitment__agreement", "commitment__current_deadline")
        .annotate(status_order=STATUS_ORDER_AS_OF)
        .order_by(
            "status_order",
            F("as_of_due_date").asc(nulls_last=True),
            "commitment__agreement__signed_on",
            "commitment__reference",
            "pk",
        )[:limit]
    )
    for o in rows:
        show_as_of([o], day, o.commitment.agreement.tzinfo)
    totals = on_time_totals_as_of(annotated)
    return {"counts": counts, "rows": rows, "totals": totals}
