"""Writes of parties: the API, the pages and the intake all create and change parties here."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .models import Party

EDITABLE_PARTY_FIELDS = ("code", "name", "short_name", "kind", "aliases", "description")


def _validated(party: Party) -> Party:
    party.code = party.code or ""
    party.full_clean()  # Party.clean normalises the code's case, then checks it
    return party


@transaction.atomic
def party_create(
    *, code: str, name: str, kind: str, short_name: str = "", aliases=(), description: str = "", user=None
) -> Party:
    """Create a party: a state by its ISO 3166-1 alpha-3 code, any other by a slug of ours."""
    party = _validated(
        Party(code=code, name=name, kind=kind, short_name=short_name, aliases=list(aliases), description=description)
    )
    party._history_user = user
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction stays usable
            party.save()
    except IntegrityError as exc:
        # Checked above, but another request may have created the same code since.
        raise ValidationError({"code": [f"A party with the code '{party.code}' already exists."]}) from exc
    return party


def party_in_use(party: Party) -> bool:
    """Whether an agreement, a commitment or an incident names the party (as participant,
    bound party, recipient, or a party alleged responsible for or involved in an incident:
    the incidents API and CSV give partners its code too)."""
    return (
        party.agreement_roles.exists()
        or party.obligations.exists()
        or party.commitments_received.exists()
        or party.incident_roles.exists()
    )


@transaction.atomic
def party_update(*, party: Party, user=None, reason: str = "", **changes) -> Party:
    """Change a party's fields; the historical row records who and why."""
    unknown = set(changes) - set(EDITABLE_PARTY_FIELDS)
    if unknown:
        raise ValidationError({field: ["This field cannot be changed here."] for field in sorted(unknown)})
    old_code = party.code
    for field, value in changes.items():
        setattr(party, field, list(value) if field == "aliases" else value)
    _validated(party)
    if party.code != old_code and party_in_use(party):
        # Partners key their data on the code (API, exports, feeds): once the party is in an
        # agreement, a commitment or an incident, a new code would silently break their references.
        raise ValidationError(
            {"code": [f"'{old_code}' is used in agreements, commitments or incidents: its code can no longer change."]}
        )
    party._history_user = user
    if reason:
        party._change_reason = reason
    party.save()
    return party
