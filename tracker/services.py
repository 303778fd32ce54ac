"""The deadline engine: flags overdue obligations and raises alerts. Set-based: a fixed
number of SQL statements whatever the number of obligations, and safe to run twice or
on two workers at once (conditional UPDATEs, and INSERT ... ON CONFLICT DO NOTHING
against the alerts' unique constraint)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, DateTimeField, DurationField, F, QuerySet, Value
from django.utils import timezone

from commitments.models import Obligation

from .choices import AlertKind
from .models import Alert
from .selectors import obligations_due_between, obligations_to_clear, obligations_to_flag

ALERT_COLUMNS = ("kind", "obligation", "party", "due_at", "lead_time", "raised_at")


@dataclass(frozen=True)
class SweepResult:
    flagged: int
    cleared: int
    raised: int


def _raise_alerts(obligations: QuerySet[Obligation], *, kind: str, lead: timedelta, now: datetime) -> int:
    """One INSERT ... SELECT of an alert per obligation in ``obligations``; those that
    exist already are skipped by the unique constraint. Returns how many were new."""
    rows = (
        obligations.order_by()
        .annotate(
            a_kind=Value(kind, output_field=CharField()),
            a_obligation=F("id"),
            a_party=F("party_id"),
            a_due=F("due_at"),
            a_lead=Value(lead, output_field=DurationField()),
            a_raised=Value(now, output_field=DateTimeField()),
        )
        .values_list("a_kind", "a_obligation", "a_party", "a_due", "a_lead", "a_raised")
    )
    select_sql, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(Alert._meta.get_field(name).column) for name in ALERT_COLUMNS)
    # The ORM has no INSERT ... SELECT; the SELECT itself is the ORM's, so the predicate
    # stays in selectors.py. The SELECT always has a WHERE, which SQLite needs before
    # ON CONFLICT.
    sql = f"INSERT INTO {quote(Alert._meta.db_table)} ({columns}) {select_sql} ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


@transaction.atomic
def deadline_sweep(*, now: datetime | None = None) -> SweepResult:
    """Flag overdue obligations (``overdue_since`` = the due moment), clear flags that no
    longer hold, and raise one overdue alert per obligation and due moment."""
    now = now or timezone.now()
    flagged = obligations_to_flag(now).update(overdue=True, overdue_since=F("due_at"), updated_at=now)
    cleared = obligations_to_clear(now).update(overdue=False, overdue_since=None, updated_at=now)
    raised = _raise_alerts(
        Obligation.objects.filter(overdue=True, due_at__isnull=False),
        kind=AlertKind.OVERDUE,
        lead=timedelta(0),
        now=now,
    )
    return SweepResult(flagged=flagged, cleared=cleared, raised=raised)


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
    return raised


def alerts_acknowledge(*, alerts: QuerySet[Alert], user) -> int:
    """Acknowledge alerts not yet acknowledged; the first acknowledgement is kept."""
    return alerts.filter(acknowledged_at__isnull=True).update(acknowledged_at=timezone.now(), acknowledged_by=user)
