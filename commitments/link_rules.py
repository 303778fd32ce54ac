"""Link proposals by the rules analysts edit (LinkRule): an incident of the rule's type
(and sub-type) whose ALLEGED party is bound by an obligation of a commitment of the rule's
category, dated on or after the agreement's date (and within ``window_days`` of it, if
set), the commitment and the obligation not superseded, gets a proposed link to that
obligation. A proposal counts for nothing until an analyst links it (incidents.py), and
is never made over an existing link in any state: a rejected one stays rejected.

Set-based: one query per rule and chunk of incidents finds the pairs, one insert writes
them (the unique constraint on incident and obligation keeps a concurrent writer from
doubling one), and one statement writes their history."""

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import DateField, ExpressionWrapper, F, Max
from django.utils import timezone

from .bulk_history import history_insert
from .choices import IncidentRole, LinkState, Status, Verification
from .models import IncidentLink, IncidentParty, LinkRule

CHUNK = 5_000  # ids per query: under SQLite's limit of bound parameters


def links_propose(*, incident_ids: Iterable[int], user=None) -> int:
    """Propose links for these incidents by every active rule; returns how many were made."""
    ids = sorted(set(incident_ids))
    rules = list(LinkRule.objects.filter(active=True).order_by("pk"))
    if not ids or not rules:
        return 0
    made = 0
    now = timezone.now()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for rule in rules:
            made += _propose(rule, chunk, user, now)
    return made


def _candidates(rule: LinkRule, chunk: list[int]) -> set[tuple[int, int]]:
    signed_on = F("party__obligations__commitment__agreement__signed_on")
    # One filter() over one join: the obligation found is the alleged party's own.
    pairs = IncidentParty.objects.filter(
        role=IncidentRole.ALLEGED,
        incident_id__in=chunk,
        incident__event_type=rule.event_type,
        party__obligations__commitment__category=rule.category,
        incident__occurred_on__gte=signed_on,
    ).exclude(incident__verification=Verification.RETRACTED)
    if rule.sub_event_type:
        pairs = pairs.filter(incident__sub_event_type=rule.sub_event_type)
    if rule.window_days is not None:
        until = ExpressionWrapper(signed_on + timedelta(days=rule.window_days), output_field=DateField())
        pairs = pairs.filter(incident__occurred_on__lte=until)
    pairs = pairs.exclude(party__obligations__commitment__status=Status.SUPERSEDED).exclude(
        party__obligations__status=Status.SUPERSEDED
    )
    return set(pairs.values_list("incident_id", "party__obligations__id").distinct())


def _propose(rule: LinkRule, chunk: list[int], user, now) -> int:
    pairs = _candidates(rule, chunk)
    if not pairs:
        return 0
    existing = set(IncidentLink.objects.filter(incident_id__in=chunk).values_list("incident_id", "obligation_id"))
    new = sorted(pairs - existing)
    if not new:
        return 0
    before = IncidentLink.objects.aggregate(top=Max("pk"))["top"] or 0
    IncidentLink.objects.bulk_create(
        [IncidentLink(incident_id=i, obligation_id=o, state=LinkState.PROPOSED, rule=rule) for i, o in new],
        ignore_conflicts=True,
        batch_size=2_000,
    )
    # The rows this call made: above the largest id before it, of this rule, proposed.
    return history_insert(
        IncidentLink,
        where="t.id > %s AND t.rule_id = %s AND t.state = %s",
        params=[before, rule.pk, LinkState.PROPOSED],
        history_type="+",
        user_id=getattr(user, "pk", None),
        when=now,
        reason=f"Proposed by the rule “{rule.name}”"[:500],
    )
