"""The preview of an import: what was (or would be) stored, with the due moments the
services computed. Built from the database inside the import's transaction, so the
preview and the import cannot disagree; when the import stopped before its commitments
were stored, built from the document as far as it can be read."""

from datetime import UTC

from ..models import Agreement, Commitment


def _iso_utc(value) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def stored_preview(agreement: Agreement, references: list[str], parties: list[dict], status_updates: int) -> dict:
    """``references``: the commitments to show, in the document's order."""
    tz = agreement.tzinfo
    commitments = {
        c.reference: c
        for c in Commitment.objects.filter(agreement=agreement)
        .select_related("current_deadline__after_commitment")
        .prefetch_related("obligations__party")
    }
    rows = []
    for index, reference in enumerate(references):
        commitment = commitments.get(reference)
        if commitment is None:
            continue
        deadline = commitment.current_deadline
        due_at = deadline.due_at if deadline else None
        rows.append(
            {
                "row": index,
                "reference": commitment.reference,
                "title": commitment.title,
                "category": commitment.category,
                "nature": commitment.nature,
                "parties": sorted(o.party.code for o in commitment.obligations.all()),
                "deadline": deadline.describe() if deadline else None,
                "after": deadline.after_commitment.reference if deadline and deadline.after_commitment else None,
                "due_date": deadline.due_date.isoformat() if deadline and deadline.due_date else None,
                "due_at_local": due_at.astimezone(tz).isoformat() if due_at else None,
                "due_at_utc": _iso_utc(due_at),
            }
        )
    return {
        "agreement": {
            "title": agreement.title,
            "kind": agreement.kind,
            "date": agreement.signed_on.isoformat(),
            "venue": agreement.venue,
            "timezone": agreement.timezone,
            "published": agreement.published,
        },
        "parties": parties,
        "commitments": rows,
        "status_updates": status_updates,
    }


def _get(value, key, kind=str):
    """``value[key]`` when ``value`` is an object and the entry has the type, else None:
    the document may be anything here."""
    if isinstance(value, dict) and isinstance(value.get(key), kind) and not isinstance(value.get(key), bool):
        return value[key]
    return None


def _list(value, key) -> list:
    found = _get(value, key, list)
    return found if found is not None else []


def document_preview(document, parties: list[dict] | None = None) -> dict:
    """What can be read of a document that was not (or not wholly) stored: no due moments."""
    agreement = document.get("agreement") if isinstance(document, dict) else None
    rows = []
    for index, item in enumerate(_list(document, "commitments")):
        deadline = _get(item, "deadline", dict)
        days, after, on = _get(deadline, "days", int), _get(deadline, "after"), _get(deadline, "date")
        words = None
        if on:
            words = f"by {on}"
        elif days:
            words = f"within {days} days of " + (f"fulfilment of {after}" if after else "the agreement's date")
        rows.append(
            {
                "row": index,
                "reference": _get(item, "reference"),
                "title": _get(item, "title"),
                "category": _get(item, "category"),
                "nature": _get(item, "nature"),
                "parties": [p for p in _list(item, "parties") if isinstance(p, str)],
                "deadline": words,
                "after": after,
                "due_date": on,
                "due_at_local": None,
                "due_at_utc": None,
            }
        )
    if parties is None:
        parties = [{"code": _get(p, "code"), "name": _get(p, "name"), "new": None} for p in _list(document, "parties")]
    return {
        "agreement": {
            "title": _get(agreement, "title"),
            "kind": _get(agreement, "kind"),
            "date": _get(agreement, "date"),
            "venue": _get(agreement, "venue"),
            "timezone": _get(agreement, "timezone"),
            "published": False,
        },
        "parties": parties,
        "commitments": rows,
        "status_updates": sum(len(_list(item, "status_updates")) for item in _list(document, "commitments")),
    }
