"""Which obligations the deadline engine acts on. The overdue predicate lives here alone."""

from datetime import datetime, timedelta

from django.db.models import F, Q, QuerySet

from commitments.choices import Status
from commitments.models import Obligation


def open_obligations() -> QuerySet[Obligation]:
    """Obligations whose deadline still matters: not fulfilled, not superseded."""
    return Obligation.objects.exclude(status__in=Status.closed())


def overdue_q(now: datetime) -> Q:
    """Overdue: open, with a due moment that has passed (the due day has ended)."""
    return Q(due_at__lte=now) & ~Q(status__in=Status.closed())


def obligations_to_flag(now: datetime) -> QuerySet[Obligation]:
    """Overdue but not flagged, or flagged for an older due moment (a revised deadline)."""
    return Obligation.objects.filter(overdue_q(now)).exclude(overdue=True, overdue_since=F("due_at"))


def obligations_to_clear(now: datetime) -> QuerySet[Obligation]:
    """Flagged but no longer overdue: extended past now, fulfilled, or superseded."""
    return Obligation.objects.filter(overdue=True).exclude(overdue_q(now))


def obligations_due_between(now: datetime, after: timedelta, until: timedelta) -> QuerySet[Obligation]:
    """Open obligations due in (now + after, now + until]."""
    return open_obligations().filter(due_at__gt=now + after, due_at__lte=now + until)
