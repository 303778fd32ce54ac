"""Which obligations the deadline engine acts on (the overdue predicate lives here alone),
and the aggregates the dashboard charts draw."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Count, F, Q, QuerySet

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
    """Obligation statuses of the ``limit`` most recently signed agreements among ``obligations``."""
    recent = (
        Agreement.objects.filter(commitments__obligations__in=obligations)
        .distinct()
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
    agreements = Agreement.objects.filter(pk__in=counts).order_by("-signed_on", "title").only("title", "signed_on")
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
class Timeline:
    unit: str  # "day", "week", "month" or "year"
    buckets: list[date]  # every bucket from the first due moment to the last, empty ones too
    counts: dict[str, list[int]]  # status -> obligations due in each bucket
    years: int = 1  # with unit "year": the years each bucket spans


TIMELINE_UNITS = (("day", 62), ("week", 366), ("month", 6 * 366))  # (unit, longest span in days), then years
TIMELINE_MIN_DAYS = 14
# However far apart the due moments (dates are bounded at input, but data older than the
# bounds and relative deadlines can lie far out), the chart has at most this many bars:
# the years per bar grow from 1 to 2, 5, 10, 20, 50, ... (a year-1 typo made 2,200 bars).
TIMELINE_MAX_BUCKETS = 80
YEAR_STEPS = tuple(base * 10**power for power in range(5) for base in (1, 2, 5))


def due_timeline(obligations: QuerySet[Obligation]) -> Timeline:
    """Due moments of ``obligations`` counted per status in calendar buckets (UTC), the bucket
    size chosen so that the whole span fits in at most TIMELINE_MAX_BUCKETS bars."""
    # Grouped by the moment itself and bucketed here: a date function per row is a Python
    # callback on SQLite, several times slower than this on 20,000 obligations.
    rows = [
        (due_at.astimezone(UTC).date(), status, n)
        for due_at, status, n in obligations.filter(due_at__isnull=False)
        .values_list("due_at", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ]
    if not rows:
        return Timeline(unit="day", buckets=[], counts={})
    first, last = min(row[0] for row in rows), max(row[0] for row in rows)
    days = (last - first).days
    unit = next((name for name, longest in TIMELINE_UNITS if days <= longest), "year")
    years = 1
    if unit == "day" and days < TIMELINE_MIN_DAYS:  # a few days either side, so one bar is not the whole axis
        first -= min(timedelta(days=(TIMELINE_MIN_DAYS - days) // 2), first - date.min)  # none before year 1
        last = first + min(timedelta(days=TIMELINE_MIN_DAYS), date.max - first)
    if unit == "year":
        years = next(step for step in YEAR_STEPS if last.year // step - first.year // step < TIMELINE_MAX_BUCKETS)
    buckets = _calendar(unit, first, last, years)
    index = {bucket: i for i, bucket in enumerate(buckets)}
    counts: dict[str, list[int]] = {}
    for day, status, n in rows:
        counts.setdefault(status, [0] * len(buckets))[index[_bucket_start(unit, day, years)]] += n
    return Timeline(unit=unit, buckets=buckets, counts=counts, years=years)


def _bucket_start(unit: str, day: date, years: int = 1) -> date:
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return date(max(1, day.year - day.year % years), 1, 1)  # there is no year 0


def _calendar(unit: str, first: date, last: date, years: int = 1) -> list[date]:
    """The start of every ``unit`` from the one holding ``first`` to the one holding ``last``."""
    if unit == "day":
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]
    if unit == "week":
        start = _bucket_start("week", first)
        return [start + timedelta(weeks=i) for i in range((last - start).days // 7 + 1)]
    if unit == "month":
        months = (last.year - first.year) * 12 + last.month - first.month
        return [
            date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1) for i in range(months + 1)
        ]
    return [date(max(1, year), 1, 1) for year in range(first.year - first.year % years, last.year + 1, years)]
