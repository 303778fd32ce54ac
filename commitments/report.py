"""The compliance report's data, built in one place for the report pages, their print and
the shared link (commitments/report_pages.py): per commitment (by reference) each bound
party's latest assessment, the due day and how late, the timeline of updates with their
sources; and the rates (status counts, the on-time record of commitments/selectors.py).

The report is meant to be sent: it never loads internal notes (they are deferred, so no
template can show one) and it names no analyst. A constant number of queries, however
many commitments."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from .as_of import days_late
from .choices import Status
from .models import Agreement, Commitment, Obligation, StatusUpdate, StatusUpdateSource
from .selectors import in_status_order, on_time_rate, on_time_totals


@dataclass(frozen=True)
class Lateness:
    """How an obligation stands against its due day, today."""

    kind: str  # "on_time", "late" (fulfilled after the due day), "overdue", "not_due", "no_due_day", "closed"
    days: int = 0

    def __str__(self) -> str:
        days = f"{self.days} day{'s' if self.days != 1 else ''}"
        return {
            "on_time": "Fulfilled on time",
            "late": f"Fulfilled {days} late",
            "overdue": f"Overdue by {days}",
            "not_due": "Not yet due",
            "no_due_day": "No due day",
            "closed": "Superseded",
        }[self.kind]


def lateness(obligation: Obligation, due_date: date | None, today: date) -> Lateness:
    """``obligation`` against ``due_date`` on the venue's ``today``. Overdue is the deadline
    engine's flag (Obligation.overdue); its days are as_of.days_late's; fulfilled late is the
    effective date minus the due day (selectors.FULFILLED_ON_TIME's rule: on the due day is
    on time)."""
    if obligation.status == Status.FULFILLED:
        if due_date is None or obligation.status_effective_on is None:
            return Lateness("no_due_day")
        late = (obligation.status_effective_on - due_date).days
        return Lateness("late", late) if late > 0 else Lateness("on_time")
    if obligation.status == Status.SUPERSEDED:
        return Lateness("closed")
    if due_date is None:
        return Lateness("no_due_day")
    if obligation.overdue:
        return Lateness("overdue", days_late(due_date, today))
    return Lateness("not_due")


@dataclass
class PartyLine:
    """One bound party's latest assessment of a commitment."""

    obligation: Obligation
    latest: StatusUpdate | None  # None: never assessed ("not started")
    lateness: Lateness

    @property
    def party(self):
        return self.obligation.party


@dataclass
class TimelineEntry:
    """One recorded assessment; recorded for several parties at once, it is one entry."""

    update: StatusUpdate
    parties: list = field(default_factory=list)


@dataclass
class Section:
    commitment: Commitment
    lines: list[PartyLine]
    timeline: list[TimelineEntry]

    @property
    def agreement(self) -> Agreement:
        return self.commitment.agreement


@dataclass
class Report:
    title: str
    agreement: Agreement | None
    party: object | None
    sections: list[Section]
    counts: list[tuple[str, str, int]]  # (status, label, count), in Status order
    total: int
    record: dict
    status_on: date
    generated_at: datetime
    participants: list = field(default_factory=list)

    @property
    def has_drafts(self) -> bool:
        return any(not s.agreement.published for s in self.sections) or (
            self.agreement is not None and not self.agreement.published
        )


def _updates() -> QuerySet[StatusUpdate]:
    # internal_note is never read: the report goes to people who may not see it.
    return (
        StatusUpdate.objects.defer("internal_note")
        .order_by("-effective_on", "-recorded_at", "-id")
        .prefetch_related(Prefetch("sources", queryset=StatusUpdateSource.objects.order_by("published_on", "pk")))
    )


def _sections(commitments: QuerySet[Commitment], obligations: QuerySet[Obligation]) -> list[Section]:
    """Four queries: commitments, their obligations (``obligations``) with parties, the
    updates, their sources."""
    commitments = commitments.select_related("agreement", "current_deadline").prefetch_related(
        Prefetch(
            "obligations",
            queryset=obligations.select_related("party")
            .order_by("party__code")
            .prefetch_related(Prefetch("status_updates", queryset=_updates())),
        )
    )
    now = timezone.now()
    sections = []
    for commitment in commitments:
        today = now.astimezone(commitment.agreement.tzinfo).date()
        due_date = commitment.due_date
        lines, updates = [], []
        for obligation in commitment.obligations.all():
            history = list(obligation.status_updates.all())
            lines.append(PartyLine(obligation, history[0] if history else None, lateness(obligation, due_date, today)))
            updates.extend((update, obligation.party) for update in history)
        sections.append(Section(commitment, lines, _timeline(updates)))
    return sections


def _timeline(updates: list[tuple[StatusUpdate, object]]) -> list[TimelineEntry]:
    """Newest first; an assessment recorded for every bound party at once (one StatusUpdate
    per party, identical but for the party) is one entry naming those parties."""
    updates.sort(key=lambda pair: (pair[0].effective_on, pair[0].recorded_at, pair[0].pk), reverse=True)
    entries: list[TimelineEntry] = []
    for update, party in updates:
        previous = entries[-1].update if entries else None
        if previous is not None and _same_assessment(previous, update):
            entries[-1].parties.append(party)
        else:
            entries.append(TimelineEntry(update, [party]))
    for entry in entries:
        entry.parties.sort(key=lambda p: p.code)
    return entries


def _same_assessment(a: StatusUpdate, b: StatusUpdate) -> bool:
    return (a.effective_on, a.status, a.summary, a.confidence, a.recorded_by_id) == (
        b.effective_on,
        b.status,
        b.summary,
        b.confidence,
        b.recorded_by_id,
    ) and abs((a.recorded_at - b.recorded_at).total_seconds()) < 5


def _rates(obligations: QuerySet[Obligation]) -> tuple[list, int, dict]:
    counts = dict(obligations.values_list("status").annotate(n=Count("pk")).order_by())
    row = on_time_totals(obligations)
    late = row["assessed"] - row["on_time"]
    record = {
        **row,
        "late": late,
        "fulfilled_late": late - row["overdue"],
        "rate": on_time_rate(row["on_time"], row["assessed"]),
    }
    return in_status_order(counts), sum(counts.values()), record


def agreement_report(agreement: Agreement) -> Report:
    """The report of one agreement (the caller decides whether its reader may see it)."""
    obligations = Obligation.objects.filter(commitment__agreement=agreement)
    counts, total, record = _rates(obligations)
    now = timezone.now()
    return Report(
        title=agreement.title,
        agreement=agreement,
        party=None,
        sections=_sections(agreement.commitments.order_by("reference"), Obligation.objects.all()),
        counts=counts,
        total=total,
        record=record,
        status_on=now.date(),
        generated_at=now,
        participants=list(agreement.participants.select_related("party")),
    )


def party_report(party, *, include_drafts: bool) -> Report:
    """The report of one party: its obligations across agreements (published ones only
    unless ``include_drafts``), by agreement (newest first), then by reference."""
    obligations = Obligation.objects.filter(party=party)
    if not include_drafts:
        obligations = obligations.filter(commitment__agreement__published=True)
    commitments = Commitment.objects.filter(pk__in=obligations.values("commitment")).order_by(
        "-agreement__signed_on", "agreement__title", "agreement_id", "reference"
    )
    counts, total, record = _rates(obligations)
    now = timezone.now()
    return Report(
        title=party.name,
        agreement=None,
        party=party,
        sections=_sections(commitments, Obligation.objects.filter(party=party)),
        counts=counts,
        total=total,
        record=record,
        status_on=now.date(),
        generated_at=now,
    )
