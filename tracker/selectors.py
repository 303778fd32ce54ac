"""Which obligations the deadline engine acts on (the overdue predicate lives here alone),
and the aggregates the dashboard charts draw."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from commitments.as_of import status_counts_over_time
from commitments.choices import Status
from commitments.models import Agreement, Obligation


def open_obligations(within: QuerySet[Obligation] | None = None) -> QuerySet[Obligation]:
    """Obligations (of ``within``, default all) whose deadline still matters: not fulfilled,
    not superseded."""
    return (Obligation.objects.all() if within is None else within).exclude(status__in=Status.closed())


def overdue_q(now: datetime) -> Q:
    """Overdue: open, with a due moment that has passed (the due day has ended)."""
    return Q(due_at__lte=now) & ~Q(status__in=Status.closed())


def obligations_to_flag(now: datetime) -> QuerySet[Obligation]:
    """Overdue but not flagged, or flagged for an older due moment (a revised deadline)."""
    return Obligation.objects.filter(overdue_q(now)).exclude(overdue=True, overdue_since=F("due_at"))


def obligations_to_clear(now: datetime) -> QuerySet[Obligation]:
    """Flagged but no longer overdue: extended past now, fulfilled, or superseded."""
    return Obligation.objects.filter(overdue=True).exclude(overdue_q(now))


def obligations_due_between(
    now: datetime, after: timedelta, until: timedelta, within: QuerySet[Obligation] | None = None
) -> QuerySet[Obligation]:
    """Open obligations (of ``within``, default all) due in (now + after, now + until]."""
    return open_obligations(within).filter(due_at__gt=now + after, due_at__lte=now + until)


# Dashboard aggregates: one GROUP BY each, whatever the number of rows.

StatusCounts = dict[str, int]


def status_counts_by_agreement(obligations: QuerySet[Obligation], limit: int) -> list[tuple[Agreement, StatusCounts]]:
    """Obligation statuses of the ``limit`` most recently signed agreements among
    ``obligations``, in date order: the oldest of them first (then by title)."""
    # EXISTS per agreement, newest first: stops at ``limit``, where a join would read
    # every obligation first.
    recent = (
        Agreement.objects.filter(Exists(obligations.filter(commitment__agreement=OuterRef("pk"))))
        .order_by("-signed_on", "title")
        .values("pk")[:limit]
    )
    rows = (
        obligations.filter(commitment__agreement__in=recent)
        .values("commitment__agreement", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, StatusCounts] = defaultdict(dict)
    for row in rows:
        counts[row["commitment__agreement"]][row["status"]] = row["n"]
    agreements = Agreement.objects.filter(pk__in=counts).order_by("signed_on", "title").only("title", "signed_on")
    return [(agreement, counts[agreement.pk]) for agreement in agreements]


def status_counts_by_party(obligations: QuerySet[Obligation], limit: int) -> list[tuple[str, StatusCounts]]:
    """Obligation statuses per bound party, the ``limit`` parties with most obligations first."""
    rows = obligations.values("party__code", "status").annotate(n=Count("pk")).order_by()
    counts: dict[str, StatusCounts] = defaultdict(dict)
    for row in rows:
        counts[row["party__code"]][row["status"]] = row["n"]
    busiest = sorted(counts.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    return busiest[:limit]


@dataclass(frozen=True)
class Bucket:
    """One bar of the timeline: a calendar ``unit`` from ``start`` to ``last`` (inclusive),
    or, with ``empty`` > 1, a run of that many empty units collapsed into one gap bar."""

    start: date
    last: date
    empty: int = 0  # 0: a unit with data; 1: one empty unit; more: a collapsed run

    @property
    def gap(self) -> bool:
        return self.empty > 1


@dataclass(frozen=True)
class Timeline:
    unit: str  # "day", "week", "month" or "year"
    buckets: list[Bucket]  # the bars in time order: units with data, single empty units and gaps
    counts: dict[str, list[int]]  # status -> obligations due in each bar (0 in a gap)
    years: int = 1  # with unit "year": the years each bucket spans

    @property
    def has_gaps(self) -> bool:
        """The axis skips runs of empty units, so it is not linear in time."""
        return any(bucket.gap for bucket in self.buckets)


# The unit is the finest (day, week, month, then 1, 2, 5, 10, 20, 50, ... years) whose bars
# fit TIMELINE_MAX_BUCKETS, counting a run of empty units as one gap bar: the unit follows
# where the due moments are, not their whole span (a November of deadlines and one far
# deadline years later is drawn per day, with one gap bar between, not as yearly bars).
# Whatever the data (a year-1 typo, year 9999) the number of bars stays bounded.
TIMELINE_MAX_BUCKETS = 80
TIMELINE_UNITS = ("day", "week", "month", "year")
YEAR_STEPS = tuple(base * 10**power for power in range(5) for base in (1, 2, 5))


def due_timeline(obligations: QuerySet[Obligation]) -> Timeline:
    """Due moments of ``obligations`` counted per status in calendar buckets (UTC); runs of
    two or more empty buckets are collapsed into one gap bar."""
    # Grouped by the moment itself and bucketed here: a date function per row is a Python
    # callback on SQLite, several times slower than this on 20,000 obligations.
    rows = [
        (due_at.astimezone(UTC).date(), status, n)
        for due_at, status, n in obligations.filter(due_at__isnull=False)
        .values_list("due_at", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ]
    return bucket_timeline(rows)


def bucket_timeline(rows: list[tuple[date, str, int]]) -> Timeline:
    """(due day, status, obligations) counted in the finest calendar buckets that fit."""
    if not rows:
        return Timeline(unit="day", buckets=[], counts={})
    days = {row[0] for row in rows}
    for unit, years in _candidate_units():
        starts = sorted({_bucket_start(unit, day, years) for day in days})
        if len(starts) <= TIMELINE_MAX_BUCKETS and _bars(unit, starts, years) <= TIMELINE_MAX_BUCKETS:
            break
    buckets = _buckets(unit, starts, years)
    index = {bucket.start: i for i, bucket in enumerate(buckets) if not bucket.empty}
    counts: dict[str, list[int]] = {}
    for day, status, n in rows:
        counts.setdefault(status, [0] * len(buckets))[index[_bucket_start(unit, day, years)]] += n
    return Timeline(unit=unit, buckets=buckets, counts=counts, years=years)


def _candidate_units():
    yield from (("day", 1), ("week", 1), ("month", 1))
    for step in YEAR_STEPS:  # 50,000 years: one bar for any date Python has
        yield "year", step


def _ordinal(unit: str, start: date, years: int) -> int:
    """The bucket's number on its unit's axis, so that neighbours differ by one."""
    if unit == "day":
        return start.toordinal()
    if unit == "week":
        return start.toordinal() // 7
    if unit == "month":
        return start.year * 12 + start.month - 1
    return start.year // years


def _bars(unit: str, starts: list[date], years: int) -> int:
    """Bars for buckets with data at ``starts``: those, one per single empty bucket between
    two, and one per longer run of empty buckets."""
    between = (_ordinal(unit, b, years) - _ordinal(unit, a, years) - 1 for a, b in pairwise(starts))
    return len(starts) + sum(1 for empty in between if empty > 0)


def _buckets(unit: str, starts: list[date], years: int) -> list[Bucket]:
    buckets = [Bucket(starts[0], _bucket_last(unit, starts[0], years))]
    for previous, start in pairwise(starts):
        empty = _ordinal(unit, start, years) - _ordinal(unit, previous, years) - 1
        if empty:
            after = _bucket_last(unit, previous, years) + timedelta(days=1)
            buckets.append(Bucket(after, start - timedelta(days=1), empty))
        buckets.append(Bucket(start, _bucket_last(unit, start, years)))
    return buckets


def _bucket_start(unit: str, day: date, years: int = 1) -> date:
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())  # 1 Jan 0001 was a Monday: never before it
    if unit == "month":
        return day.replace(day=1)
    return date(max(1, day.year - day.year % years), 1, 1)  # there is no year 0


def _bucket_last(unit: str, start: date, years: int = 1) -> date:
    """The last day of the bucket that begins on ``start`` (within the dates Python has)."""
    if unit == "day":
        return start
    if unit == "week":
        return start + timedelta(days=6) if start <= date.max - timedelta(days=6) else date.max
    if unit == "month":
        if start.month == 12:
            return date(start.year, 12, 31)
        return date(start.year, start.month + 1, 1) - timedelta(days=1)
    end_year = start.year - start.year % years + years - 1
    return date(end_year, 12, 31) if end_year <= 9999 else date.max


@dataclass(frozen=True)
class StatusSeries:
    """Obligations by status on a run of days: the end of each week (Sunday) or month, the
    last point today."""

    unit: str  # "week" or "month"
    days: list[date]
    counts: list[StatusCounts]  # per day: status -> obligations that existed then


# Week by week from the first agreement's signature; by month when that is more than two
# years of weeks; never more than the last COMPLIANCE_MAX_POINTS points (a 1900 agreement).
COMPLIANCE_WEEKS = 104
COMPLIANCE_MAX_POINTS = 120


def status_series_days(first: date, today: date) -> tuple[str, list[date]]:
    """The days the compliance series counts on, from ``first`` (a signature) to ``today``."""
    if first > today:
        return "week", [today]
    sunday = first + timedelta(days=6 - first.weekday())
    if (today - sunday).days // 7 < COMPLIANCE_WEEKS:
        days = [sunday + timedelta(weeks=i) for i in range((today - sunday).days // 7 + 1)]
        unit = "week"
    else:
        last = today.year * 12 + today.month - 1  # as a month number: only the last points are made
        start = max(first.year * 12 + first.month - 1, last - COMPLIANCE_MAX_POINTS)
        days = [_bucket_last("month", date(month // 12, month % 12 + 1, 1)) for month in range(start, last + 1)]
        unit = "month"
    days = [day for day in days if day < today] + [today]
    return unit, days[-COMPLIANCE_MAX_POINTS:]


def status_over_time(obligations: QuerySet[Obligation], today: date, first: date | None) -> StatusSeries:
    """Obligations of ``obligations`` by their status at the end of each week (or month)
    from ``first`` (the earliest signature among them; None: no obligation) to ``today``,
    from the append-only log (commitments.as_of holds the rules)."""
    if first is None:
        return StatusSeries(unit="week", days=[], counts=[])
    unit, days = status_series_days(first, today)
    counts = status_counts_over_time(obligations, days)
    return StatusSeries(unit=unit, days=days, counts=[dict(counter) for counter in counts])
