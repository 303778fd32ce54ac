"""Status as of a day: what each obligation's status, deadline and overdue flag were on a
past day, answered from the append-only logs. The one place of these rules; the pages,
the API, the CSV exports, the report and the compliance chart all read them here.

On day D (a calendar day, ``as_of``):
- an obligation exists if its agreement was signed on or before D;
- its status is that of its latest status update effective on or before D (effective
  date, then time recorded, then id: the log's own order), "not started" without one;
- its deadline is the latest revision in force on D: the first revision always, a later
  one from its source's publication date, or the day it was recorded when it cites no
  dated source. A chained deadline has a due day only if what it hangs on was fulfilled
  on or before D;
- it is overdue if its due day ended before D began (due day < D) and its status on D is
  open (not fulfilled, not superseded); ``days_late`` = D - due day.
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_date

from .choices import Status
from .models import Deadline, Obligation, StatusUpdate
from .rules import EARLIEST_DATE, rollup_status

AS_OF = "as_of"  # the query parameter, on pages, API and exports alike
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_as_of(value: str | None) -> date | None:
    """The ``as_of`` parameter as a date, None when absent or empty. A value that is not a
    date from 1 Jan 1900 to tomorrow (UTC; "today" somewhere on Earth) raises a
    ValidationError keyed ``as_of``."""
    if value is None or value == "":
        return None
    # Exactly YYYY-MM-DD in ASCII digits: parse_date alone also takes 20201110, 2020-W45
    # (a Monday), 2020-1-1 and other scripts' digits, each a different reading of a URL.
    try:
        day = parse_date(value) if ISO_DAY.fullmatch(value) else None
    except ValueError:  # well formed but not a day, e.g. 2020-02-30
        day = None
    if day is None:
        shown = "".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in value[:40])  # no control
        raise ValidationError({AS_OF: f"'{shown}' is not a date: give it as YYYY-MM-DD, e.g. 2020-11-10."})
    latest = timezone.now().date() + timedelta(days=1)
    if not EARLIEST_DATE <= day <= latest:
        raise ValidationError(
            {AS_OF: f"Give a day from {EARLIEST_DATE:%d %b %Y} to {latest:%d %b %Y}: the status is known up to today."}
        )
    return day


def _latest_on(day: date | None) -> QuerySet[StatusUpdate]:
    """The obligation's (OuterRef) status updates effective on or before ``day`` (all of
    them without one), latest first: the log's own order."""
    updates = StatusUpdate.objects.filter(obligation=OuterRef("pk"))
    if day is not None:
        updates = updates.filter(effective_on__lte=day)
    return updates.order_by("-effective_on", "-recorded_at", "-id")


def _status_on(day: date) -> Subquery:
    return Subquery(_latest_on(day).values("status")[:1], output_field=CharField())


def _status_effective_on(day: date) -> Subquery:
    return Subquery(_latest_on(day).values("effective_on")[:1], output_field=DateField())


def _with_latest_update(obligations: QuerySet[Obligation], day: date | None) -> QuerySet[Obligation]:
    return obligations.annotate(latest_update=Subquery(_latest_on(day).values("id")[:1]))


def latest_update_ids(obligations: QuerySet[Obligation], day: date | None = None) -> QuerySet:
    """The ids of each obligation's latest status update effective on or before ``day``
    (today's latest without one; the obligation's current status), as a subquery for
    ``statusupdate__in``: one update per obligation, so superseded ones never count."""
    return _with_latest_update(obligations, day).values("latest_update")


def latest_updates(obligations: QuerySet[Obligation], day: date | None = None) -> dict[int, StatusUpdate]:
    """Each obligation's latest status update effective on or before ``day`` (today's
    latest without one), by obligation id; obligations with none are absent. Two queries."""
    ids = _with_latest_update(obligations, day).values_list("pk", "latest_update")
    by_update = {update: pk for pk, update in ids if update is not None}
    updates = StatusUpdate.objects.in_bulk(list(by_update))
    return {by_update[update_id]: update for update_id, update in updates.items()}


def revision_in_force_q(day: date, prefix: str = "") -> Q:
    """Deadline revisions (their fields under ``prefix``) in force on ``day``: the first
    always, a later one from its source's publication date, else from the day recorded."""
    return (
        Q(**{f"{prefix}revision": 1})
        | Q(**{f"{prefix}source_published_on__lte": day})
        | Q(**{f"{prefix}source_published_on__isnull": True, f"{prefix}recorded_at__date__lte": day})
    )


def _due_date_on(day: date) -> Subquery:
    """The due day of the commitment's deadline revision in force on ``day`` (None for a
    chained one whose anchor was not fulfilled by then)."""
    revisions = (
        Deadline.objects.filter(Q(commitment=OuterRef("commitment")) & revision_in_force_q(day))
        .annotate(
            due_on_day=Case(
                When(
                    Q(after_commitment__isnull=False)
                    & (Q(after_commitment__fulfilled_on__isnull=True) | Q(after_commitment__fulfilled_on__gt=day)),
                    then=Value(None, output_field=DateField()),
                ),
                default=F("due_date"),
                output_field=DateField(),
            )
        )
        .order_by("-revision")
    )
    return Subquery(revisions.values("due_on_day")[:1], output_field=DateField())


def obligations_as_of(obligations: QuerySet[Obligation], day: date) -> QuerySet[Obligation]:
    """``obligations`` that existed on ``day``, each annotated with ``as_of_status``,
    ``as_of_status_effective_on``, ``as_of_due_date`` (None: no due day then) and
    ``as_of_overdue``; ``days_late()`` below gives the duration. Correlated subqueries on
    the logs' indexes: one query however many rows."""
    closed = list(Status.closed())
    return (
        obligations.filter(commitment__agreement__signed_on__lte=day)
        .annotate(
            as_of_status=Coalesce(_status_on(day), Value(Status.NOT_STARTED.value), output_field=CharField()),
            as_of_status_effective_on=_status_effective_on(day),
            as_of_due_date=_due_date_on(day),
        )
        .annotate(
            as_of_overdue=Case(
                When(Q(as_of_due_date__lt=day) & ~Q(as_of_status__in=closed), then=Value(True)),
                default=Value(False),
            )
        )
    )


def days_late(due_date: date | None, day: date) -> int:
    """Whole days from the end of the due day to the start of ``day`` (0 if not late)."""
    return max(0, (day - due_date).days) if due_date else 0


# The on-time record on the day (the summary's rate and the party page's record), the
# rule of selectors.ON_TIME_ASSESSED read on the day's values: assessed when it has a due
# day in force then and is fulfilled or overdue then; on time when fulfilled effective on
# or before that due day.
ON_TIME_ASSESSED_AS_OF = (Q(as_of_status=Status.FULFILLED) | Q(as_of_overdue=True)) & Q(as_of_due_date__isnull=False)


def _on_time_aggregates_as_of() -> dict:
    return {
        "assessed": Count("pk", filter=ON_TIME_ASSESSED_AS_OF),
        "on_time": Count(
            "pk",
            filter=ON_TIME_ASSESSED_AS_OF
            & Q(as_of_status=Status.FULFILLED, as_of_status_effective_on__lte=F("as_of_due_date")),
        ),
        "overdue": Count("pk", filter=Q(as_of_overdue=True)),
    }


def on_time_counts_as_of(obligations: QuerySet[Obligation], *group_by: str) -> QuerySet:
    """selectors.on_time_counts on the day: ``obligations`` annotated by obligations_as_of."""
    return obligations.values(*group_by).annotate(**_on_time_aggregates_as_of()).order_by()


def on_time_totals_as_of(obligations: QuerySet[Obligation]) -> dict[str, int]:
    """selectors.on_time_totals on the day: ``obligations`` annotated by obligations_as_of."""
    return obligations.aggregate(**_on_time_aggregates_as_of())


@dataclass(frozen=True)
class CommitmentAsOf:
    status: str
    due_date: date | None
    overdue_parties: list[str]


def commitment_as_of(obligations: Iterable[Obligation]) -> CommitmentAsOf:
    """A commitment's state on the day from its obligations annotated by obligations_as_of
    (the rollup rule of rules.rollup_status)."""
    obligations = list(obligations)
    return CommitmentAsOf(
        status=rollup_status(o.as_of_status for o in obligations),
        due_date=next((o.as_of_due_date for o in obligations if o.as_of_due_date), None),
        overdue_parties=[o.party.code for o in obligations if o.as_of_overdue],
    )


def status_counts_over_time(obligations: QuerySet[Obligation], days: list[date]) -> list[Counter]:
    """For each of ``days`` (ascending), obligations of ``obligations`` that existed then,
    counted by their status on that day. The database sums the changes of the counts per
    day (status_count_changes); here they are added up day after day: one query however
    many days and rows, and only a few rows per day of change leave the database."""
    if not days:
        return []
    changes = status_count_changes(obligations, days[-1])
    counts: Counter = Counter()
    result: list[Counter] = []
    index = 0
    for day in days:
        while index < len(changes) and changes[index][0] <= day:
            _, status, change = changes[index]
            counts[status] += change
            index += 1
        result.append(+counts)  # drops zero counts
    return result


def status_count_changes(obligations: QuerySet[Obligation], last: date) -> list[tuple[date, str, int]]:
    """(day, status, change) by day, the changes of the counts of obligations by status up
    to ``last``: an obligation counts as "not started" from its agreement's signature; each
    status update, in the log's order, moves it from the status before (LAG) to its own,
    on its effective day, or on the signature day when it is dated before that (the status
    on a day is the latest update effective on or before it)."""
    existing = (
        obligations.filter(commitment__agreement__signed_on__lte=last)
        .annotate(existing_from=F("commitment__agreement__signed_on"))
        .values("pk", "existing_from")
        .order_by()
    )
    try:
        existing_sql, existing_params = existing.query.sql_with_params()
    except EmptyResultSet:  # obligations.none()
        return []
    update = StatusUpdate._meta
    columns = {name: update.get_field(name).column for name in ("obligation", "status", "effective_on", "recorded_at")}
    # Table and column names from the models' metadata; values as parameters.
    sql = (
        f"WITH ob (id, existing_from) AS ({existing_sql}), "  # noqa: S608
        f"moves AS (SELECT CASE WHEN u.{columns['effective_on']} > ob.existing_from "
        f"THEN u.{columns['effective_on']} ELSE ob.existing_from END AS day, u.{columns['status']} AS status, "
        f"LAG(u.{columns['status']}, 1, %s) OVER (PARTITION BY u.{columns['obligation']} "
        f"ORDER BY u.{columns['effective_on']}, u.{columns['recorded_at']}, u.id) AS before "
        f"FROM {update.db_table} u JOIN ob ON ob.id = u.{columns['obligation']} "
        f"WHERE u.{columns['effective_on']} <= %s) "
        "SELECT day, status, SUM(change) FROM ("
        "SELECT ob.existing_from AS day, %s AS status, COUNT(*) AS change FROM ob GROUP BY ob.existing_from "
        "UNION ALL SELECT day, status, COUNT(*) FROM moves GROUP BY day, status "
        "UNION ALL SELECT day, before, -COUNT(*) FROM moves GROUP BY day, before"
        ") AS changes GROUP BY day, status ORDER BY day"
    )
    started = Status.NOT_STARTED.value
    with connection.cursor() as cursor:
        cursor.execute(sql, (*existing_params, started, last, started))
        rows = cursor.fetchall()
    # SQLite answers dates as text.
    return [
        (day if isinstance(day, date) else date.fromisoformat(day), status, int(change)) for day, status, change in rows
    ]
