"""Counts of the evidence side: the one place of its counting rules, read by the
commitment and party pages and by the API's summary.

- An incident counts for a commitment (or party) through its links in state ``linked``
  that the reader may read (core.roles.readable_incident_links: partners count
  published incidents linked to obligations of published agreements only). Proposed,
  rejected and removed links never count.
- Retracted incidents are left out of every count (their links are kept).
- An incident counts once per commitment and once per party: one linked to both parties'
  obligations under one commitment is 1 for the commitment, 1 for each party.
- Civilians killed and injured are sums of the figures reported; an incident that
  reports none (null) adds nothing and is counted as "not reported". A sum over no
  reported figure is None, not 0.
- Weeks are ISO weeks (Monday to Sunday) of the incident's date (``occurred_on``, the
  place's own calendar day).
- With ``day`` (as of a day): incidents that occurred on or before it, through links
  decided on or before it (UTC). Verification is today's, as are links removed since.
- Reasons for non-fulfilment count from each obligation's latest status update (its
  current status, or its status on ``day``): a reason given on an update since superseded
  does not count, and one obligation counts a reason once.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek

from .as_of import latest_update_ids
from .choices import Verification
from .models import IncidentLink, Obligation, StatusUpdate

# Verification states that count, in the vocabulary's order.
COUNTED_STATES = [state for state in Verification.values if state != Verification.RETRACTED]

# The keys an incident counts once for.
BY_COMMITMENT = "obligation__commitment"
BY_PARTY = "obligation__party"


def counted_links(user, day: date | None = None) -> QuerySet[IncidentLink]:
    """The links that count for ``user``: linked, readable, of incidents not retracted;
    with ``day``, of incidents that occurred by then, linked by then."""
    links = IncidentLink.objects.visible_to(user).exclude(incident__verification=Verification.RETRACTED)
    if day is not None:
        links = links.filter(
            Q(decided_at__date__lte=day) | Q(decided_at__isnull=True, created_at__date__lte=day),
            incident__occurred_on__lte=day,
        )
    return links


def one_per_incident(links: QuerySet[IncidentLink], key: str) -> QuerySet[IncidentLink]:
    """Of ``links``, one per incident and value of ``key`` (the first by id), so that
    sums and counts over them count each incident once for the commitment or party."""
    # A grouped subquery (MIN(id) per key and incident) that the database hash-joins: a
    # correlated one per row took 0.7 to 1.5 s over 28,000 links on PostgreSQL.
    first = links.order_by().values(key, "incident").annotate(first=Min("pk")).values("first")
    return IncidentLink.objects.filter(pk__in=first)


@dataclass(frozen=True)
class IncidentCounts:
    linked: int = 0
    by_verification: dict[str, int] = field(default_factory=dict)  # every counted state, in order
    civilians_killed: int | None = None  # None: no incident reports a figure
    civilians_injured: int | None = None
    killed_not_reported: int = 0  # incidents that give no figure
    injured_not_reported: int = 0

    @property
    def verification_rows(self) -> list[tuple[str, str, int]]:
        """(state, label, count) of the states that occur, in the vocabulary's order."""
        return [(s, Verification(s).label, n) for s, n in self.by_verification.items() if n]


def _aggregates() -> dict:
    return {
        "linked": Count("pk"),
        **{f"state_{state}": Count("pk", filter=Q(incident__verification=state)) for state in COUNTED_STATES},
        "killed": Sum("incident__civilians_killed"),
        "killed_reported": Count("incident__civilians_killed"),
        "injured": Sum("incident__civilians_injured"),
        "injured_reported": Count("incident__civilians_injured"),
    }


def _counts(row: dict) -> IncidentCounts:
    return IncidentCounts(
        linked=row["linked"],
        by_verification={state: row[f"state_{state}"] for state in COUNTED_STATES},
        civilians_killed=row["killed"],
        civilians_injured=row["injured"],
        killed_not_reported=row["linked"] - row["killed_reported"],
        injured_not_reported=row["linked"] - row["injured_reported"],
    )


def incident_totals(links: QuerySet[IncidentLink], key: str) -> IncidentCounts:
    """The counts for one commitment or party: ``links`` already narrowed to it, ``key``
    BY_COMMITMENT or BY_PARTY. One query."""
    return _counts(one_per_incident(links, key).aggregate(**_aggregates()))


def incident_counts(links: QuerySet[IncidentLink], key: str, label: str) -> dict:
    """{value of ``label`` (e.g. the party's code): IncidentCounts} for each commitment or
    party (``key``) that has a counted incident. One query."""
    rows = one_per_incident(links, key).values(group=F(label)).annotate(**_aggregates()).order_by()
    return {row["group"]: _counts(row) for row in rows}


@dataclass(frozen=True)
class IncidentWeeks:
    """Counted incidents per ISO week by party: ``weeks`` every Monday from the first
    week with an incident to the last; ``counts`` one figure per week for each party
    (code), parties by their total, largest first."""

    weeks: list[date]
    parties: list[tuple[str, str]]  # (code, name)
    counts: dict[str, list[int]]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def incident_weeks(links: QuerySet[IncidentLink]) -> IncidentWeeks:
    """``links`` (narrowed to a commitment or a party) counted per week and party of the
    obligation: each incident once per party and week. One query."""
    rows = list(
        one_per_incident(links, BY_PARTY)
        .values(week=TruncWeek("incident__occurred_on"), code=F("obligation__party__code"))
        .annotate(n=Count("pk"), short=F("obligation__party__short_name"), name=F("obligation__party__name"))
        .values_list("week", "code", "short", "name", "n")
        .order_by()
    )
    if not rows:
        return IncidentWeeks(weeks=[], parties=[], counts={})
    # TruncWeek gives a date (SQLite may give a datetime): the Monday either way.
    by_week = [(w.date() if isinstance(w, datetime) else w, c, short or name, n) for w, c, short, name, n in rows]
    first, last = min(r[0] for r in by_week), max(r[0] for r in by_week)
    weeks = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    index = {week: i for i, week in enumerate(weeks)}
    counts: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for week, code, name, n in by_week:
        counts.setdefault(code, [0] * len(weeks))[index[week]] += n
        names[code] = name
    order = sorted(counts, key=lambda code: (-sum(counts[code]), code))
    return IncidentWeeks(weeks=weeks, parties=[(code, names[code]) for code in order], counts=counts)


def reason_counts(obligations: QuerySet[Obligation], label: str, day: date | None = None) -> dict[str, dict[str, int]]:
    """{value of ``label`` on the obligation (e.g. "party__code", "commitment__category"):
    {reason code: obligations whose latest status update (on ``day``) gives it}}. One query."""
    through = StatusUpdate.reasons.through
    rows = (
        through.objects.filter(statusupdate__in=latest_update_ids(obligations.order_by(), day))
        .values(group=F(f"statusupdate__obligation__{label}"), code=F("nonfulfilmentreason__code"))
        .annotate(n=Count("pk"))
        .order_by("group", "code")
    )
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        out.setdefault(row["group"], {})[row["code"]] = row["n"]
    return out
