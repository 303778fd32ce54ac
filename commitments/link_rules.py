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

from django.db import connection
from django.db.models import Max, QuerySet
from django.utils import timezone

from .bulk_history import history_insert
from .choices import IncidentRole, LinkState, Status, Verification
from .models import Agreement, Commitment, Incident, IncidentLink, IncidentParty, LinkRule, Obligation

CHUNK = 5_000  # ids per statement: under SQLite's limit of bound parameters


def links_propose(*, incident_ids: Iterable[int] | QuerySet, user=None) -> int:
    """Propose links for these incidents (ids, or a query of ``pk`` values) by every active
    rule; returns how many were made."""
    rules = list(LinkRule.objects.filter(active=True).order_by("pk"))
    if not rules:
        return 0
    if isinstance(incident_ids, QuerySet):
        sql, params = incident_ids.query.sql_with_params()
        scopes = [(f"({sql})", list(params))]
    else:
        ids = sorted(set(incident_ids))
        scopes = [
            (f"({', '.join(['%s'] * len(chunk))})", chunk)
            for chunk in (ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK))
        ]
    now = timezone.now()
    return sum(_propose(rule, scope, params, user, now) for rule in rules for scope, params in scopes)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _until(days: int) -> tuple[str, list]:
    """The agreement's date plus ``days``, in each database's date arithmetic."""
    if connection.vendor == "postgresql":
        return "a.signed_on + CAST(%s AS integer)", [days]
    return "date(a.signed_on, %s)", [f"+{days} days"]


def _propose(rule: LinkRule, scope: str, scope_params: list, user, now) -> int:
    conditions = [
        "ip.role = %s",
        f"ip.incident_id IN {scope}",
        "i.event_type = %s",
        "c.category = %s",
        "c.status <> %s",
        "o.status <> %s",
        "i.verification <> %s",
        "i.occurred_on >= a.signed_on",
        # Never over a link in any state: a rejected proposal stays rejected.
        f"NOT EXISTS (SELECT 1 FROM {_table(IncidentLink)} l WHERE l.incident_id = ip.incident_id "
        "AND l.obligation_id = o.id)",
    ]
    params = [
        IncidentRole.ALLEGED,
        *scope_params,
        rule.event_type,
        rule.category,
        Status.SUPERSEDED,
        Status.SUPERSEDED,
        Verification.RETRACTED,
    ]
    if rule.sub_event_type:
        conditions.append("i.sub_event_type = %s")
        params.append(rule.sub_event_type)
    if rule.window_days is not None:
        until, until_params = _until(rule.window_days)
        conditions.append(f"i.occurred_on <= {until}")
        params.extend(until_params)
    before = IncidentLink.objects.aggregate(top=Max("pk"))["top"] or 0
    with connection.cursor() as cursor:
        # The unique constraint on (incident, obligation) keeps a concurrent writer from
        # doubling a link: that pair is skipped, not an error.
        cursor.execute(
            f"INSERT INTO {_table(IncidentLink)} (incident_id, obligation_id, state, rule_id, note, created_at) "
            f"SELECT DISTINCT ip.incident_id, o.id, %s, %s, '', %s FROM {_table(IncidentParty)} ip "
            f"JOIN {_table(Incident)} i ON i.id = ip.incident_id "
            f"JOIN {_table(Obligation)} o ON o.party_id = ip.party_id "
            f"JOIN {_table(Commitment)} c ON c.id = o.commitment_id "
            f"JOIN {_table(Agreement)} a ON a.id = c.agreement_id "
            f"WHERE {' AND '.join(conditions)} ON CONFLICT DO NOTHING",
            [LinkState.PROPOSED, rule.pk, now, *params],
        )
        if not cursor.rowcount:
            return 0
    # The rows this statement made: above the largest id before it, of this rule, proposed.
    return history_insert(
        IncidentLink,
        where="t.id > %s AND t.rule_id = %s AND t.state = %s",
        params=[before, rule.pk, LinkState.PROPOSED],
        history_type="+",
        user_id=getattr(user, "pk", None),
        when=now,
        reason=f"Proposed by the rule “{rule.name}”"[:500],
    )
