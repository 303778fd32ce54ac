"""The compliance report's data, built in one place for the report pages, their print and
the shared link (commitments/report_pages.py): per commitment (by reference) each bound
party's latest assessment, the due day and how late, the timeline of updates with their
sources; and the rates (status counts, the on-time record of commitments/selectors.py).

The report is meant to be sent: it never loads internal notes (they are deferred, so no
template can show one) and it names no analyst. A constant number of queries, however
many commitments."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from .as_of import commitment_as_of, days_late, obligations_as_of
from .choices import Status
from .models import Agreement, Commitment, Obligation, StatusUpdate, StatusUpdateSource
from .rules import end_of_day, format_due
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


def lateness(*, status: str, effective_on: date | None, due_date: date | None, overdue: bool, today: date) -> Lateness:
    """An obligation (its ``status`` since ``effective_on``, its ``overdue`` flag) against
    ``due_date`` on the day ``today``. Overdue is the deadline engine's flag (or
    as_of's ``as_of_overdue``); its days are as_of.days_late's; fulfilled late is the
    effective date minus the due day (selectors.FULFILLED_ON_TIME's rule: on the due day
    is on time)."""
    if status == Status.FULFILLED:
        if due_date is None or effective_on is None:
            return Lateness("no_due_day")
        late = (effective_on - due_date).days
        return Lateness("late", late) if late > 0 else Lateness("on_time")
    if status == Status.SUPERSEDED:
        return Lateness("closed")
    if due_date is None:
        return Lateness("no_due_day")
    if overdue:
        return Lateness("overdue", days_late(due_date, today))
    return Lateness("not_due")


@dataclass
class PartyLine:
    """One bound party's latest assessment of a commitment (on the report's day)."""

    obligation: Obligation
    status: str
    since: date | None
    latest: StatusUpdate | None  # None: never assessed ("not started")
    lateness: Lateness

    @property
    def party(self):
        return self.obligation.party

    def get_status_display(self) -> str:
        return Status(self.status).label


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
    due_text: str  # the due moment as the pages give it ('' without a deadline)

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
    as_of: date | None = None  # a past day asked for (?as_of=); None: today
    participants: list = field(default_factory=list)

    @property
    def has_drafts(self) -> bool:
        return any(not s.agreement.published for s in self.sections) or (
            self.agreement is not None and not self.agreement.published
        )


def _updates(day: date | None) -> QuerySet[StatusUpdate]:
    # internal_note is never read: the report goes to people who may not see it.
    updates = StatusUpdate.objects.filter(effective_on__lte=day) if day else StatusUpdate.objects.all()
    return (
        updates.defer("internal_note")
        .order_by("-effective_on", "-recorded_at", "-id")
        .prefetch_related(
            Prefetch("sources", queryset=StatusUpdateSource.objects.order_by("published_on", "pk")),
            "reasons",  # public, as the summary; cited incidents are left out (drafts among them)
        )
    )


def _sections(commitments: QuerySet[Commitment], obligations: QuerySet[Obligation], day: date | None) -> list[Section]:
    """Five queries: commitments, their obligations (``obligations``) with parties, the
    updates, their sources, their reasons. With ``day``: as they stood then (commitments/as_of.py)."""
    if day is not None:
        obligations = obligations_as_of(obligations, day)
        commitments = commitments.filter(agreement__signed_on__lte=day)
    commitments = commitments.select_related("agreement", "current_deadline").prefetch_related(
        Prefetch(
            "obligations",
            queryset=obligations.select_related("party")
            .order_by("party__code")
            .prefetch_related(Prefetch("status_updates", queryset=_updates(day))),
        )
    )
    now = timezone.now()
    sections = []
    for commitment in commitments:
        lines, updates = [], []
        for obligation in commitment.obligations.all():
            history = list(obligation.status_updates.all())
            lines.append(_line(obligation, commitment, history[0] if history else None, day, now))
            updates.extend((update, obligation.party) for update in history)
        sections.append(Section(commitment, lines, _timeline(updates), _due_text(commitment, day)))
    return sections


def _due_text(commitment: Commitment, day: date | None) -> str:
    """Today: Commitment.due_text. On a past day: the due day of the revision then in force
    (as_of's), or that there was none yet."""
    if day is None:
        return commitment.due_text()
    due_date = commitment_as_of(commitment.obligations.all()).due_date
    if due_date is None:
        return "no due day yet" if commitment.current_deadline_id else ""
    tz = commitment.agreement.tzinfo
    return format_due(end_of_day(due_date, tz), tz)


def _line(obligation: Obligation, commitment: Commitment, latest, day: date | None, now: datetime) -> PartyLine:
    """Today (``day`` None): the obligation's stored status and the engine's overdue flag,
    counted to today in the venue's zone. On ``day``: as_of's annotations."""
    if day is None:
        status, since, overdue = obligation.status, obligation.status_effective_on, obligation.overdue
        due_date, today = commitment.due_date, now.astimezone(commitment.agreement.tzinfo).date()
    else:
        status, since, overdue = obligation.as_of_status, obligation.as_of_status_effective_on, obligation.as_of_overdue
        due_date, today = obligation.as_of_due_date, day
    found = lateness(status=status, effective_on=since, due_date=due_date, overdue=overdue, today=today)
    return PartyLine(obligation, status, since, latest, found)


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
    """Recorded together: services.status_update_record writes one update per bound party
    in one call, each stamped moments apart; the same words by the same analyst seconds
    apart are that one assessment (hours apart, a second one that says the same)."""
    return (a.effective_on, a.status, a.summary, a.confidence, a.recorded_by_id) == (
        b.effective_on,
        b.status,
        b.summary,
        b.confidence,
        b.recorded_by_id,
    ) and abs((a.recorded_at - b.recorded_at).total_seconds()) < 5


def _record(on_time: int, assessed: int, overdue: int) -> dict:
    late = assessed - on_time
    return {
        "assessed": assessed,
        "on_time": on_time,
        "overdue": overdue,
        "late": late,
        "fulfilled_late": late - overdue,
        "rate": on_time_rate(on_time, assessed),
    }


def _rates(obligations: QuerySet[Obligation]) -> tuple[list, int, dict]:
    """Today: the stored statuses, counted by the database, and selectors' on-time rule."""
    counts = dict(obligations.values_list("status").annotate(n=Count("pk")).order_by())
    row = on_time_totals(obligations)
    return in_status_order(counts), sum(counts.values()), _record(row["on_time"], row["assessed"], row["overdue"])


def _rates_as_of(sections: list[Section]) -> tuple[list, int, dict]:
    """On a past day: the lines' statuses then, and the on-time record from their
    lateness (the same rule as selectors': assessed when fulfilled or overdue with a due
    day; on time when fulfilled by the due day). The report holds every obligation it
    counts, so no query."""
    lines = [line for section in sections for line in section.lines]
    kinds = Counter(line.lateness.kind for line in lines)
    assessed = kinds["on_time"] + kinds["late"] + kinds["overdue"]
    counts = Counter(line.status for line in lines)
    return in_status_order(counts), len(lines), _record(kinds["on_time"], assessed, kinds["overdue"])


def agreement_report(agreement: Agreement, *, as_of: date | None = None) -> Report:
    """The report of one agreement (the caller decides whether its reader may see it), as
    it stands now or, with ``as_of``, as it stood at the end of that day."""
    sections = _sections(agreement.commitments.order_by("reference"), Obligation.objects.all(), as_of)
    return _report(
        sections,
        Obligation.objects.filter(commitment__agreement=agreement),
        as_of,
        title=agreement.title,
        agreement=agreement,
        party=None,
        participants=list(agreement.participants.select_related("party")),
    )


def party_report(party, *, include_drafts: bool, as_of: date | None = None) -> Report:
    """The report of one party: its obligations across agreements (published ones only
    unless ``include_drafts``), by agreement (newest first), then by reference."""
    obligations = Obligation.objects.filter(party=party)
    if not include_drafts:
        obligations = obligations.filter(commitment__agreement__published=True)
    commitments = Commitment.objects.filter(pk__in=obligations.values("commitment")).order_by(
        "-agreement__signed_on", "agreement__title", "agreement_id", "reference"
    )
    sections = _sections(commitments, Obligation.objects.filter(party=party), as_of)
    return _report(sections, obligations, as_of, title=party.name, agreement=None, party=party)


def _report(sections: list, obligations, as_of: date | None, **about) -> Report:
    """The report of ``sections``, with the rates of ``obligations`` today, or of the
    sections' lines on ``as_of``."""
    counts, total, record = _rates(obligations) if as_of is None else _rates_as_of(sections)
    now = timezone.now()
    return Report(
        sections=sections,
        counts=counts,
        total=total,
        record=record,
        status_on=as_of or now.date(),
        generated_at=now,
        as_of=as_of,
        **about,
    )
