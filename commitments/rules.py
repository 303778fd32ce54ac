"""Pure rules of the domain, in one place: the status roll-up and the due moment.

No database access here, so every rule is tested directly and reused by the services,
the admin, the API and the deadline engine.
"""

import functools
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from .choices import Status


def rollup_status(statuses: Iterable[str]) -> str:
    """The status of a commitment, derived from the statuses of its obligations.

    1. No obligation: not started.
    2. Superseded obligations are left out unless every obligation is superseded.
    3. If every remaining obligation has the same status, that is the commitment's status.
    4. Otherwise the first that applies: any violated -> violated (one party's breach is a
       breach of the commitment); any disputed -> disputed; any fulfilled or partially
       fulfilled -> partially fulfilled; any not fulfilled -> not fulfilled; else (a mix of
       not started and in progress) -> in progress.
    """
    statuses = list(statuses)
    if not statuses:
        return Status.NOT_STARTED
    active = {s for s in statuses if s != Status.SUPERSEDED}
    if not active:
        return Status.SUPERSEDED
    if len(active) == 1:
        return next(iter(active))
    for status in (Status.VIOLATED, Status.DISPUTED):
        if status in active:
            return status
    if active & {Status.FULFILLED, Status.PARTIALLY_FULFILLED}:
        return Status.PARTIALLY_FULFILLED
    if Status.NOT_FULFILLED in active:
        return Status.NOT_FULFILLED
    return Status.IN_PROGRESS


@functools.cache
def iana_zones() -> frozenset[str]:
    """The IANA time zone names, read once: ``available_timezones()`` scans the disk."""
    return frozenset(available_timezones())


# A deadline falls within a century of what it counts from: far beyond any real pledge,
# and well inside the dates Python and the databases can hold.
LONGEST_DEADLINE_DAYS = 36_525


def due_date_after(anchor: date, days: int) -> date:
    """ "Within N days" of an anchor date is due on anchor + N (a week after 30 Oct is 6 Nov)."""
    return anchor + timedelta(days=days)


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The instant a local day ends: midnight at the start of the next day in ``tz``.

    Overdue means now >= this instant. Where midnight does not exist (a DST jump at
    midnight), zoneinfo reads it with the earlier offset, which is the first instant of
    the new day: still the right boundary.
    """
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz).astimezone(ZoneInfo("UTC"))


def due_day(due_at: datetime, tz: ZoneInfo) -> date:
    """The local day a due moment ends (the inverse of ``end_of_day``)."""
    return (due_at.astimezone(tz) - timedelta(microseconds=1)).date()


def format_due(due_at: datetime | None, tz: ZoneInfo) -> str:
    """A due moment as people read it: the due day in the agreement's zone, then UTC."""
    if due_at is None:
        return "no due moment yet"
    utc = due_at.astimezone(ZoneInfo("UTC"))
    return f"end of {due_day(due_at, tz):%d %b %Y} ({tz.key}) = {utc:%Y-%m-%d %H:%M} UTC"
