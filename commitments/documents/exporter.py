"""export_agreement: an agreement as the JSON document import_agreement reads.

Export, import into an empty database, export again: the same document (no ids, no
recorded times, no analysts' names are in it). Lists come in a stable order of their own
content, not of ids, so the order rows happened to be created in does not show."""

import re

from parties.models import Party

from ..models import Agreement, Commitment, StatusUpdate
from .schema import SCHEMA_VERSION


def natural_key(reference: str) -> list:
    """ "para 2" before "para 10". isdecimal, not isdigit: "²" is a digit that int() refuses."""
    return [(0, int(part), "") if part.isdecimal() else (1, 0, part) for part in re.split(r"(\d+)", reference) if part]


def _drop_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in ("", None, [])}


def _source(source) -> dict:
    return _drop_empty(
        {
            "publisher": source.publisher,
            "url": source.url,
            "title": source.title,
            "published_on": source.published_on.isoformat(),
            "language": source.language,
        }
    )


def _deadline(deadline) -> dict:
    if deadline.due_on:
        return {"date": deadline.due_on.isoformat()}
    spec = {"days": deadline.within_days}
    if deadline.after_commitment_id:
        spec["after"] = deadline.after_commitment.reference
    return spec


def _party(party: Party, include_internal: bool) -> dict:
    data = {"code": party.code, "name": party.name, "short_name": party.short_name, "kind": party.kind}
    if include_internal:  # partners read a party's code, names and kind only (PartySerializer)
        data.update(aliases=list(party.aliases), description=party.description)
    return _drop_empty(data)


def export_agreement(agreement: Agreement, *, include_internal: bool) -> dict:
    """The document of ``agreement``. Without ``include_internal`` (partners): no internal
    notes, no relation to an agreement that is not published, and of parties only what the
    API shows partners (no aliases or description)."""
    codes: set[str] = set()
    participants = [
        {"party": p.party.code, "role": p.role}
        for p in agreement.participants.select_related("party").order_by("role", "party__code")
    ]
    codes.update(p["party"] for p in participants)
    relations = agreement.relations.select_related("related_agreement")
    if not include_internal:
        relations = relations.filter(related_agreement__published=True)
    relation_rows = sorted(
        (
            {
                "kind": r.kind,
                "agreement": {"title": r.related_agreement.title, "date": r.related_agreement.signed_on.isoformat()},
            }
            for r in relations
        ),
        key=lambda r: (r["kind"], r["agreement"]["date"], r["agreement"]["title"]),
    )
    sources = sorted((_source(s) for s in agreement.sources.all()), key=_source_order)

    commitments = list(
        Commitment.objects.filter(agreement=agreement).prefetch_related(
            "recipients", "obligations__party", "deadlines__after_commitment"
        )
    )
    updates: dict[int, list] = {}
    for update in (
        StatusUpdate.objects.filter(obligation__commitment__agreement=agreement)
        .select_related("obligation__party")
        .prefetch_related("sources", "reasons")
        .order_by("effective_on", "recorded_at", "id")
    ):
        updates.setdefault(update.obligation.commitment_id, []).append(update)

    rows = []
    for commitment in sorted(commitments, key=lambda c: natural_key(c.reference)):
        bound = sorted(o.party.code for o in commitment.obligations.all())
        recipients = sorted(p.code for p in commitment.recipients.all())
        codes.update(bound, recipients)
        revisions = sorted(commitment.deadlines.all(), key=lambda d: d.revision)
        row = {
            "reference": commitment.reference,
            "title": commitment.title,
            "text": commitment.text,
            "category": commitment.category,
            "nature": commitment.nature,
            "condition": commitment.condition,
            "parties": bound,
            "recipients": recipients,
        }
        if revisions:
            row["deadline"] = _deadline(revisions[0])
            row["deadline_note"] = revisions[0].reason
        row["deadline_revisions"] = [
            {
                "deadline": _deadline(d),
                "reason": d.reason,
                "source": _drop_empty(
                    {
                        "publisher": d.source_publisher,
                        "url": d.source_url,
                        "published_on": d.source_published_on.isoformat() if d.source_published_on else None,
                    }
                ),
            }
            for d in revisions[1:]
        ]
        row["status_updates"] = [_status_update(u, include_internal) for u in updates.get(commitment.pk, [])]
        rows.append(_drop_empty(row))

    return {
        "schema_version": SCHEMA_VERSION,
        "agreement": _drop_empty(
            {
                "title": agreement.title,
                "kind": agreement.kind,
                "date": agreement.signed_on.isoformat(),
                "venue": agreement.venue,
                "timezone": agreement.timezone,
                "summary": agreement.summary,
            }
        ),
        "parties": [_party(p, include_internal) for p in Party.objects.filter(code__in=codes).order_by("code")],
        "participants": participants,
        "sources": sources,
        "relations": relation_rows,
        "commitments": rows,
    }


def _source_order(source: dict) -> tuple:
    return (source["published_on"], source["publisher"], source.get("url", ""), source.get("title", ""))


def _status_update(update: StatusUpdate, include_internal: bool) -> dict:
    data = {
        "party": update.obligation.party.code,
        "status": update.status,
        "effective_date": update.effective_on.isoformat(),
        "summary": update.summary,
        "confidence": update.confidence,
        "sources": sorted((_source(s) for s in update.sources.all()), key=_source_order),
    }
    if include_internal and update.internal_note:
        data["internal_note"] = update.internal_note
    reasons = [r.code for r in update.reasons.all()]
    if reasons:
        data["reasons"] = reasons
    return data
