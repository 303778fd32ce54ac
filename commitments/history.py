"""A commitment's change history on its page, read from the audit log
(django-simple-history): what changed in the commitment, its deadline revisions and its
obligations, by whom, when and why, so that nobody has to open the admin for it.

Partners read the same history without analysts' names ("an analyst"); internal notes
are on status updates, which this history does not read. The queries are a fixed few,
however long the history (no query per entry)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.db.models import Model

from core import roles

from . import rules
from .choices import LinkState
from .incidents import EDITABLE as INCIDENT_EDITABLE
from .models import Commitment, Deadline, Incident, IncidentLink, IncidentParty, Obligation

SHOWN = 50  # entries on the page, newest first
READ = 500  # history rows read per table: enough to pair each shown entry with its predecessor

# The fields whose changes people care about, per model (simple-history's diff_against
# leaves out non-editable fields such as the derived status unless they are named).
COMMITMENT_FIELDS = [
    "reference",
    "title",
    "text",
    "category",
    "nature",
    "condition",
    "status",
    "fulfilled_on",
    "current_deadline",
]
DEADLINE_FIELDS = [
    "due_on",
    "within_days",
    "after_commitment",
    "due_date",
    "reason",
    "source_publisher",
    "source_url",
    "source_published_on",
]
# Not the overdue flag: the deadline engine sets it with a bare UPDATE, which writes no
# history, so the next save would show the flag's change as that analyst's.
OBLIGATION_FIELDS = ["status", "status_effective_on"]
LONGEST_VALUE = 300  # characters of a changed text shown


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Change:
    when: datetime
    who: str
    what: str
    reason: str = ""
    fields: list[FieldChange] = field(default_factory=list)
    order: int = 0  # history_id: ties within one transaction keep their order


def page_context(commitment: Commitment, role: str) -> dict:
    """What the commitment page's history includes need (one call in the view)."""
    changes = commitment_changes(commitment, names=role in (roles.ANALYST, roles.ADMIN))
    return {
        "changes": changes[:SHOWN],
        "changes_total": len(changes),
        "changes_more": len(changes) > SHOWN,
    }


def commitment_changes(commitment: Commitment, *, names: bool = True) -> list[Change]:
    """Every recorded change to ``commitment``, its deadlines and its obligations, newest
    first. ``names``: analysts' names (else "an analyst"; None is the system's own)."""
    zone = commitment.agreement.tzinfo
    commitment_rows = _rows(Commitment.history.filter(id=commitment.pk))
    deadline_rows = _rows(Deadline.history.filter(commitment_id=commitment.pk))
    obligation_rows = _rows(Obligation.history.filter(commitment_id=commitment.pk).select_related("party"))
    revisions = {row.id: row.revision for row in deadline_rows}
    recipients = _recipients(commitment_rows)
    show = _Values(zone, revisions)

    changes = []
    for row, before in _pairs(commitment_rows):
        fields = _diff(row, before, COMMITMENT_FIELDS, show) if before else []
        if before and recipients.get(row.history_id) != recipients.get(before.history_id):
            fields.append(
                FieldChange(
                    "beneficiaries or recipients",
                    ", ".join(sorted(recipients.get(before.history_id, []))) or "—",
                    ", ".join(sorted(recipients.get(row.history_id, []))) or "—",
                )
            )
        what = {"+": "Commitment created", "-": "Commitment deleted"}.get(row.history_type, "Commitment changed")
        changes.append(_change(row, what, fields, names))
    for row, before in _pairs(deadline_rows):
        if row.history_type == "+":
            fields = _diff(row, None, DEADLINE_FIELDS, show)
            what = f"Deadline revision {row.revision} set"
        else:
            fields = _diff(row, before, DEADLINE_FIELDS, show)
            what = f"Deadline revision {row.revision} " + ("removed" if row.history_type == "-" else "changed")
        change = _change(row, what, fields, names)
        if change.reason == row.reason:
            change.reason = ""  # said once, as the revision's own reason
        changes.append(change)
    for row, before in _pairs(obligation_rows):
        party = row.party.code if row.party else "A party"
        if row.history_type == "+":
            changes.append(_change(row, f"{party} bound by this commitment", [], names))
        elif row.history_type == "-":
            changes.append(_change(row, f"{party} no longer bound", [], names))
        else:
            fields = _diff(row, before, OBLIGATION_FIELDS, show) if before else []
            changes.append(_change(row, f"{party}'s obligation changed", fields, names))
    # A save that changed nothing shown (only a timestamp, the copied due moment) is left out.
    changes = [c for c in changes if c.fields or not c.what.endswith("changed")]
    changes.sort(key=lambda c: (c.when, c.order), reverse=True)
    return changes


def _rows(history) -> list:
    """The latest READ history rows, oldest first, with their users."""
    rows = list(history.select_related("history_user").order_by("-history_date", "-history_id")[:READ])
    rows.reverse()
    return rows


def _pairs(rows):
    """Each history row with the row before it of the same object (None: not read)."""
    last: dict = {}
    for row in rows:
        yield row, last.get(row.id)
        last[row.id] = row


def _recipients(rows) -> dict[int, set[str]]:
    """{history_id: the party codes it lists as recipients}, in one query."""
    through = apps.get_model("commitments", "HistoricalCommitment_recipients")
    by_row: dict[int, set[str]] = {}
    for history_id, code in through.objects.filter(history_id__in=[r.history_id for r in rows]).values_list(
        "history_id", "party__code"
    ):
        by_row.setdefault(history_id, set()).add(code)
    return by_row


def _change(row, what: str, fields: list[FieldChange], names: bool) -> Change:
    return Change(
        when=row.history_date,
        who=_who(row.history_user, names),
        what=what,
        # An analyst's reason for a change is the analysts' own, like an internal note: partners
        # read what changed, not why (a deadline revision's public reason is on its own line).
        reason=(row.history_change_reason or "") if names else "",
        fields=fields,
        order=row.history_id,
    )


def _who(user, names: bool) -> str:
    if user is None:
        return "the tracker"  # the deadline engine, a migration, a command
    if not names:
        return "an analyst"
    return user.get_full_name() or user.get_username()


def _diff(row, before, names: list[str], show: "_Values") -> list[FieldChange]:
    """The fields of ``names`` that differ between ``before`` and ``row`` (``before``
    None: the fields ``row`` sets). Compared here rather than with simple-history's
    diff_against, which skips non-editable fields: the derived status, the current
    deadline and the overdue flag are what people look for."""
    model = row.instance_type
    changes = []
    for name in names:
        attname = model._meta.get_field(name).attname
        old = getattr(before, attname) if before is not None else None
        new = getattr(row, attname)
        if old != new and not (before is None and new in (None, "")):
            changes.append(FieldChange(_label(model, name), show(model, name, old), show(model, name, new)))
    return changes


def _label(model: type[Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


class _Values:
    """A field's value as the page shows it: choices by their labels, dates as people
    write them, a due moment by its due day, a deadline by its revision."""

    def __init__(self, zone, revisions: dict[int, int]):
        self.zone = zone
        self.revisions = revisions

    def __call__(self, model: type[Model], name: str, value) -> str:
        if value is None or value == "":
            return "—"
        model_field = model._meta.get_field(name)
        if name == "current_deadline":
            return f"revision {self.revisions[value]}" if value in self.revisions else "another revision"
        if name == "after_commitment":
            return f"commitment #{value}"
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, datetime):
            if name in ("overdue_since", "due_at"):
                return rules.format_due(value, self.zone)
            return f"{rules.format_day(value)} {value:%H:%M} UTC"
        if isinstance(value, date):
            return rules.format_day(value)
        text = str(value)
        return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"


# Incidents ---------------------------------------------------------------------------------

INCIDENT_FIELDS = [
    *(name for name in INCIDENT_EDITABLE if name != "internal_note"),
    "verification",
    "published",
]
LINK_FIELDS = ["state", "note"]


def incident_page_context(incident, role: str) -> dict:
    """The incident page's history: the same includes as the commitment page's."""
    changes = incident_changes(incident, names=role in (roles.ANALYST, roles.ADMIN))
    return {"changes": changes[:SHOWN], "changes_total": len(changes), "changes_more": len(changes) > SHOWN}


def incident_changes(incident, *, names: bool = True) -> list[Change]:
    """Every recorded change to ``incident`` (its verification with the reason given), its
    parties and its links, newest first. ``names`` False is a partner's view: no names, no
    reasons, no internal note, and only the links a partner may read, once linked."""
    show = _Values(None, {})
    fields = INCIDENT_FIELDS + (["internal_note"] if names else [])
    changes = []
    for row, before in _pairs(_rows(Incident.history.filter(id=incident.pk))):
        what = {"+": "Incident recorded", "-": "Incident deleted"}.get(row.history_type, "Incident changed")
        changes.append(_change(row, what, _diff(row, before, fields, show) if before else [], names))
    for row, _before in _pairs(_rows(IncidentParty.history.filter(incident_id=incident.pk).select_related("party"))):
        party = row.party.code if row.party else "A party"
        role = str(dict(IncidentParty._meta.get_field("role").flatchoices).get(row.role, row.role)).lower()
        if row.history_type in "+-":
            what = f"{party} {'named' if row.history_type == '+' else 'no longer named'}: {role}"
            changes.append(_change(row, what, [], names))
    links = IncidentLink.history.filter(incident_id=incident.pk).select_related(
        "obligation__party", "obligation__commitment"
    )
    if not names:
        readable = IncidentLink.objects.filter(
            incident=incident, state=LinkState.LINKED, obligation__commitment__agreement__published=True
        ).values("id")
        links = links.filter(id__in=readable, state=LinkState.LINKED)
    for row, before in _pairs(_rows(links)):
        obligation = row.obligation
        target = f"{obligation.commitment.reference} for {obligation.party.code}" if obligation else "an obligation"
        state = str(dict(IncidentLink._meta.get_field("state").flatchoices).get(row.state, row.state))
        if row.history_type == "+" or before is None:
            what = f"Link to {target}: {state.lower()}"
            changes.append(_change(row, what, [], names))
        else:
            diff = _diff(row, before, LINK_FIELDS, show)
            if diff:
                changes.append(_change(row, f"Link to {target} changed", diff, names))
    changes = [c for c in changes if c.fields or not c.what.endswith("changed")]
    changes.sort(key=lambda c: (c.when, c.order), reverse=True)
    return changes
