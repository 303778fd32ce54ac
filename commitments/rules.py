"""Pure rules of the domain, in one place: the status roll-up, the due moment, and the
dates and time zones accepted.

No database access here, so every rule is tested directly and reused by the services,
the admin, the API and the deadline engine.
"""

import functools
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.timesince import timesince

from .choices import Nature, Status


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


# Venue zones are the tz database's geographic zones ("Area/Location"), plus UTC. Left
# out: "localtime", "Factory", "posixrules" and other files that are no zone; the
# legacy aliases (US/Eastern, EST5EDT, GB, Zulu); and Etc/GMT+N, whose sign is inverted
# (Etc/GMT+5 is five hours *behind* UTC) and which no venue has.
GEOGRAPHIC_AREAS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"}
)


@functools.cache
def iana_zones() -> frozenset[str]:
    """The time zone names a venue (or a subscriber) can have, read once:
    ``available_timezones()`` scans the disk."""
    return frozenset(
        name for name in available_timezones() if name == "UTC" or name.split("/", 1)[0] in GEOGRAPHIC_AREAS
    )


def validate_time_zone(name: str) -> None:
    if name not in iana_zones():
        raise ValidationError(
            "'%(name)s' is not a time zone a place has: give an IANA name such as Europe/Zurich, or UTC.",
            code="invalid_time_zone",
            params={"name": name},
        )


# Dates people type (an agreement's, an effective date, a publication date) fall in a
# window real agreements need: far-off years are typos, and they overflow the due moments
# counted from them and stretch the dashboard's timeline.
EARLIEST_DATE = date(1900, 1, 1)
YEARS_AHEAD = 20


def date_window() -> tuple[date, date]:
    """The first and last day accepted today (UTC)."""
    today = timezone.now().date()
    try:
        latest = today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + YEARS_AHEAD, day=28)
    return EARLIEST_DATE, latest


def validate_date_window(value: date) -> None:
    earliest, latest = date_window()
    if not earliest <= value <= latest:
        raise ValidationError(
            "Give a date from %(earliest)s to %(latest)s (%(years)d years from today).",
            code="out_of_window",
            params={"earliest": f"{earliest:%d %b %Y}", "latest": f"{latest:%d %b %Y}", "years": YEARS_AHEAD},
        )


# A deadline falls within ten years of what it counts from: real ceasefire deadlines are
# days to a few years, and ten years after an agreement dated at the end of the date
# window is still a date Python and the databases hold. The API, the pages, the admin and
# the model all take this one limit.
LONGEST_DEADLINE_DAYS = 3650


def one_off_deadline_errors(*, nature: str, has_deadline: bool) -> dict:
    """A one-off commitment must have a deadline; the others may."""
    if nature == Nature.ONE_OFF and not has_deadline:
        return {"deadline": ["A one-off commitment needs a deadline: a date or a number of days."]}
    return {}


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


def format_due_day(due_at: datetime, tz: ZoneInfo) -> str:
    """The part of a due moment people read first: "end of 6 Nov 2020 (Europe/Zurich)".
    "6 Nov 2020 23:00 UTC" alone reads like an 11 p.m. deadline; the due DAY is what the
    agreement says."""
    return f"end of {format_day(due_day(due_at, tz))} ({tz.key})"


def format_due_utc(due_at: datetime) -> str:
    """The secondary part of a due moment: the UTC instant the due day ends."""
    utc = due_at.astimezone(ZoneInfo("UTC"))
    return f"{format_day(utc)} {utc:%H:%M} UTC"


def format_day(day: date) -> str:
    """ "6 Nov 2020": no leading zero (strftime's %-d is not portable)."""
    return f"{day.day} {day:%b %Y}"


def format_due(due_at: datetime | None, tz: ZoneInfo) -> str:
    """A due moment as people read it: the due day in the agreement's zone, then UTC."""
    if due_at is None:
        return "no due moment yet"
    return f"{format_due_day(due_at, tz)} = {format_due_utc(due_at)}"


def overdue_for(since: datetime, now: datetime) -> str:
    """How long something has been overdue, in its largest unit: "3 weeks", "2 days".
    Counted from the due moment (``Obligation.overdue_since``), not from when the sweep
    noticed; under a minute reads "0 minutes" (timesince's own wording)."""
    return timesince(since, now, depth=1).replace("\xa0", " ")


def format_overdue(since: datetime, tz: ZoneInfo, now: datetime) -> str:
    """ "Overdue since the end of 6 Nov 2020 (Europe/Zurich) — for 3 weeks"."""
    return f"Overdue since the {format_due_day(since, tz)} — for {overdue_for(since, now)}"


LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def validate_language_tag(value: str) -> None:
    """A BCP 47 language tag starting with an ISO 639 language: en, ru, hy, az, pt-BR."""
    if value and (not LANGUAGE_TAG.fullmatch(value) or len(value) > 35):
        raise ValidationError(
            f"'{value}' is not a language tag: use a BCP 47 tag such as en, ru, hy, az or pt-BR.",
            code="invalid_language",
        )
