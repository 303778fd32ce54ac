"""The deadline engine: flags overdue obligations and raises alerts. Set-based: a fixed
number of SQL statements whatever the number of obligations, and safe to run twice or
on two workers at once (conditional UPDATEs, and INSERT ... ON CONFLICT DO NOTHING
against the alerts' unique constraint)."""

import operator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    DurationField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from commitments.choices import Status
from commitments.models import Obligation

from . import notifications
from .choices import AlertKind, ResolvedReason
from .models import Alert
from .selectors import obligations_due_between, obligations_to_clear, obligations_to_flag
from .sql import insert_from_select


@dataclass(frozen=True)
class SweepResult:
    flagged: int
    cleared: int
    raised: int


def _alert_values(*, kind: str, lead: timedelta, now: datetime) -> dict:
    """An alert's fields, as expressions on an obligation's row."""
    return {
        "kind": Value(kind, output_field=CharField()),
        "obligation": F("id"),
        "party": F("party_id"),
        "due_at": F("due_at"),
        "lead_time": Value(lead, output_field=DurationField()),
        "raised_at": Value(now, output_field=DateTimeField()),
    }


def _raise_alerts(obligations: QuerySet[Obligation], *, kind: str, lead: timedelta, now: datetime) -> int:
    """One alert per obligation in ``obligations``, those that exist already skipped."""
    return insert_from_select(Alert, obligations, _alert_values(kind=kind, lead=lead, now=now))


def _update_sql(queryset: QuerySet, **values) -> tuple[str, tuple]:
    """The UPDATE that ``queryset.update(**values)`` would run, as SQL and parameters."""
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(values)
    compiler = query.get_compiler(queryset.db)
    compiler.pre_sql_setup()
    return compiler.as_sql()


def _flag_overdue(now: datetime, within: QuerySet[Obligation] | None = None) -> tuple[int, int]:
    """Flag the obligations (of ``within``, default all) that became overdue (or overdue
    for a new due moment) and raise their overdue alerts. Returns (flagged, raised)."""
    to_flag = obligations_to_flag(now)
    if within is not None:
        to_flag = to_flag.filter(pk__in=within.values("pk"))
    flag = {"overdue": True, "overdue_since": F("due_at"), "updated_at": now}
    if connection.vendor != "postgresql":
        # SQLite has no UPDATE inside WITH; its write lock makes the two steps one.
        raised = _raise_alerts(to_flag, kind=AlertKind.OVERDUE, lead=timedelta(0), now=now)
        return to_flag.update(**flag), raised
    # PostgreSQL: one statement, one pass over the rows. The alerts come from the rows the
    # UPDATE returns, which this transaction holds locked until it commits: a concurrent
    # sweep re-checks them after the commit, finds them flagged and returns nothing. So a
    # plain anti-join suffices (ON CONFLICT's speculative insertion costs a third more);
    # the unique constraint stays as the backstop.
    update_sql, update_params = _update_sql(to_flag, **flag)
    quote = connection.ops.quote_name
    returned = {name: quote(Obligation._meta.get_field(name).column) for name in ("id", "party", "due_at")}
    flagged = {name: f"flagged.{column}" for name, column in returned.items()}
    # Each alert column with what it is filled from: the returned row, or a parameter.
    filled = {
        "kind": "%s",
        "obligation": flagged["id"],
        "party": flagged["party"],
        "due_at": flagged["due_at"],
        "lead_time": "%s",
        "raised_at": "%s",
    }
    column = {name: quote(Alert._meta.get_field(name).column) for name in filled}
    alerts = quote(Alert._meta.db_table)
    # Names come from model metadata and values go as parameters.
    sql = (
        f"WITH flagged AS ({update_sql} RETURNING {', '.join(returned.values())}), "  # noqa: S608
        f"raised AS (INSERT INTO {alerts} ({', '.join(column.values())}) "
        f"SELECT {', '.join(filled.values())} FROM flagged WHERE NOT EXISTS ("
        f"SELECT 1 FROM {alerts} a WHERE a.{column['obligation']} = {flagged['id']} "
        f"AND a.{column['kind']} = %s AND a.{column['due_at']} = {flagged['due_at']} "
        f"AND a.{column['lead_time']} = %s) RETURNING 1) "
        "SELECT (SELECT count(*) FROM flagged), (SELECT count(*) FROM raised)"
    )
    kind = AlertKind.OVERDUE.value
    lead = Alert._meta.get_field("lead_time").get_db_prep_value(timedelta(0), connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*update_params, kind, lead, now, kind, lead))
        flagged, raised = cursor.fetchone()
    return flagged, raised


@transaction.atomic
def deadline_sweep(*, now: datetime | None = None) -> SweepResult:
    """Flag overdue obligations (``overdue_since`` = the due moment), clear flags that no
    longer hold, and raise one overdue alert per obligation and due moment."""
    now = now or timezone.now()
    # First, as a catch-all for what the receivers missed: before the new alerts are raised,
    # so that it only reads the alerts already there.
    alerts_resolve(now=now)
    flagged, raised = _flag_overdue(now)
    cleared = _clear(obligations_to_clear(now), now)
    if raised:
        notifications.alert_messages_queue(alerts=Alert.objects.filter(kind=AlertKind.OVERDUE, raised_at=now))
    return SweepResult(flagged=flagged, cleared=cleared, raised=raised)


def overdue_flags_clear(*, obligations: QuerySet[Obligation], now: datetime | None = None) -> int:
    """Clear, at once, the flags of ``obligations`` that no longer hold (a status update just
    fulfilled them), so no page shows a fulfilled obligation as overdue until the next sweep."""
    now = now or timezone.now()
    return _clear(obligations_to_clear(now).filter(pk__in=obligations.values("pk")), now)


def obligations_refresh(*, obligations: QuerySet[Obligation], now: datetime | None = None) -> SweepResult:
    """The sweep for ``obligations`` alone, at once, in the caller's transaction (a status
    update or a deadline revision just changed them): their alerts whose cause is gone are
    resolved, flags that no longer hold are cleared, and a flagged obligation whose revised
    deadline has passed too is flagged for its new due moment, with its overdue alert. So
    the pages say the right thing right after the change, not after the next sweep.
    Obligations not flagged yet are left to the sweep: a commitment entered with a past
    deadline is flagged by the next run, as before, and an import stays cheap."""
    now = now or timezone.now()
    alerts_resolve(obligations=obligations, now=now)
    cleared = overdue_flags_clear(obligations=obligations, now=now)
    flagged, raised = _flag_overdue(now, within=obligations.filter(overdue=True))
    if raised:
        notifications.alert_messages_queue(
            alerts=Alert.objects.filter(kind=AlertKind.OVERDUE, raised_at=now, obligation__in=obligations)
        )
    return SweepResult(flagged=flagged, cleared=cleared, raised=raised)


# An alert's cause is gone; checked in this order, the first that holds is the reason.
def _resolutions(now: datetime) -> list[tuple[str, Q]]:
    no_due = Q(obligation__due_at__isnull=True)
    due_moved = no_due | Q(obligation__due_at__lt=F("due_at")) | Q(obligation__due_at__gt=F("due_at"))
    not_due_yet = no_due | Q(obligation__due_at__gt=now)
    return [
        (ResolvedReason.FULFILLED, Q(obligation__status=Status.FULFILLED)),
        (ResolvedReason.SUPERSEDED, Q(obligation__status=Status.SUPERSEDED)),
        # Overdue no more: the deadline was extended past now (or taken away).
        (ResolvedReason.DEADLINE_MOVED, Q(kind=AlertKind.OVERDUE) & due_moved & not_due_yet),
        # For a due moment that is no longer the obligation's: the revised one gets its own.
        (ResolvedReason.DEADLINE_REVISED, due_moved),
    ]


def alerts_resolve(*, obligations: QuerySet[Obligation] | None = None, now: datetime | None = None) -> int:
    """Resolve the due-soon and overdue alerts (of ``obligations``, default all) whose cause
    is gone: the obligation was fulfilled or superseded, or its due moment is no longer the
    alert's. One UPDATE, whatever the number of alerts: a single pass over the open alerts
    and their obligations finds them (the sweep runs this each time, so the pass is what
    it costs), and each updated row's reason is the first of ``_resolutions`` that holds.
    Status-changed alerts are news, not a state that can end: left to acknowledgement.

    The ``resolved_at IS NULL`` check is on the updated row itself (the rest is a subquery):
    PostgreSQL re-checks it after a concurrent resolve commits, so the first reason is kept.
    An acknowledgement writes other columns and does not conflict."""
    now = now or timezone.now()
    causes = _resolutions(now)
    candidates = Alert.objects.filter(resolved_at__isnull=True, kind__in=AlertKind.deadline_kinds())
    if obligations is not None:
        candidates = candidates.filter(obligation__in=obligations.values("pk"))
    gone = candidates.filter(reduce(operator.or_, (cause for _, cause in causes))).values("pk")
    first_reason = Case(*(When(cause, then=Value(reason)) for reason, cause in causes), output_field=CharField())
    reason = Alert.objects.filter(pk=OuterRef("pk")).annotate(reason=first_reason).values("reason")[:1]
    return Alert.objects.filter(resolved_at__isnull=True, pk__in=gone).update(
        resolved_at=now, resolved_reason=Subquery(reason)
    )


def _clear(obligations: QuerySet[Obligation], now: datetime) -> int:
    return obligations.update(overdue=False, overdue_since=None, updated_at=now)


def reminder_lead_times() -> list[timedelta]:
    return sorted(timedelta(days=days) for days in settings.TRACKER_REMINDER_LEAD_DAYS)


@transaction.atomic
def reminders_raise(*, now: datetime | None = None, lead_times: list[timedelta] | None = None) -> int:
    """Raise due-soon alerts. With lead times 1 and 7 days, an obligation due within a
    day gets the 1-day alert, one due in 1-7 days the 7-day alert: only the tightest
    window applies, so a deadline set late does not raise both at once."""
    now = now or timezone.now()
    raised, after = 0, timedelta(0)
    for lead in sorted(lead_times or reminder_lead_times()):
        raised += _raise_alerts(obligations_due_between(now, after, lead), kind=AlertKind.DUE_SOON, lead=lead, now=now)
        after = lead
    if raised:
        notifications.alert_messages_queue(alerts=Alert.objects.filter(kind=AlertKind.DUE_SOON, raised_at=now))
    return raised


def alerts_acknowledge(*, alerts: QuerySet[Alert], user) -> int:
    """Acknowledge alerts not yet acknowledged; the first acknowledgement is kept. Returns
    how many this call acknowledged.

    One UPDATE whose ``acknowledged_at IS NULL`` is on the updated row, not inside the
    subquery that ``alerts`` (filtered across relations) would become: PostgreSQL re-checks
    it after a concurrent acknowledgement commits and skips the row, instead of overwriting
    who acknowledged it first."""
    return Alert.objects.filter(acknowledged_at__isnull=True, pk__in=alerts.values("pk")).update(
        acknowledged_at=timezone.now(), acknowledged_by=user
    )
