"""Writes of the evidence side: incidents, their verification, and their links to the
obligations they bear on. The pages, the API, the admin and the ACLED importer all go
through these functions (the importer writes in bulk, by the same rules, in
``commitments.acled``). As in services.py: keyword arguments, everything validated before
anything is written, one transaction, nothing stored on a ValidationError."""

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.validation import clean_into, raise_if
from utilities.validators import validate_one_line_text

from .choices import IncidentRole, LinkState, Verification
from .models import Incident, IncidentLink, IncidentParty, IncidentSource, Obligation
from .services import SourceInput, _track
from .signals import incident_disclosed, incident_linked

# What an analyst edits on an incident; verification and publication have their own steps.
EDITABLE = (
    "occurred_on",
    "occurred_time",
    "timezone",
    "location",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "latitude",
    "longitude",
    "geo_precision",
    "event_type",
    "sub_event_type",
    "description",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "fatalities",
    "civilians_killed",
    "civilians_injured",
    "other_figures",
    "confidence",
    "internal_note",
)

REASON_MAX = 500


def _reason_errors(reason: str, field: str = "reason") -> dict:
    reason = (reason or "").strip()
    if not reason:
        return {field: ["Say why: the reason is kept in the incident's history."]}
    if len(reason) > REASON_MAX:
        return {field: [f"At most {REASON_MAX} characters."]}
    try:
        validate_one_line_text(reason)
    except ValidationError as exc:
        return {field: exc.messages}
    return {}


def _parties_errors(parties: Sequence[tuple], errors: dict) -> list[IncidentParty]:
    rows, seen = [], set()
    for index, (party, role) in enumerate(parties):
        if role not in IncidentRole.values:
            errors.setdefault(f"parties[{index}].role", []).append(
                f"Unknown role '{role}': use one of {', '.join(IncidentRole.values)}."
            )
            continue
        if (party.pk, role) in seen:
            errors.setdefault(f"parties[{index}]", []).append("This party is listed twice with this role.")
        seen.add((party.pk, role))
        rows.append(IncidentParty(party=party, role=role))
    return rows


def _sources_errors(sources: Sequence[SourceInput], errors: dict) -> None:
    for index, source in enumerate(sources):
        clean_into(errors, IncidentSource(**asdict(source)), exclude=["incident"], prefix=f"sources[{index}].")


def _save_children(incident: Incident, parties: list[IncidentParty] | None, sources) -> None:
    if parties is not None:
        incident.party_roles.all().delete()
        for row in parties:
            row.incident = incident
            row.save()
    if sources is not None:
        incident.sources.all().delete()
        IncidentSource.objects.bulk_create(IncidentSource(incident=incident, **asdict(s)) for s in sources)


@transaction.atomic
def incident_create(
    *,
    fields: dict,
    parties: Sequence[tuple] = (),
    sources: Sequence[SourceInput] = (),
    published: bool = False,
    user,
) -> Incident:
    """Record an incident an analyst entered: ``fields`` are EDITABLE ones; ``parties``
    (party, IncidentRole) pairs, none alleged meaning responsibility unknown. It starts
    as reported, a draft unless ``published``."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: ["This field cannot be set here."] for name in sorted(unknown)})
    incident = Incident(**fields, published=published, created_by=user)
    errors: dict = {}
    clean_into(errors, incident)
    rows = _parties_errors(parties, errors)
    if not sources:
        errors["sources"] = ["Cite at least one source."]
    _sources_errors(sources, errors)
    raise_if(errors)
    _track(incident, user, "Recorded").save()
    _save_children(incident, rows, sources)
    return incident


@transaction.atomic
def incident_update(
    *,
    incident: Incident,
    changes: dict,
    parties: Sequence[tuple] | None = None,
    sources: Sequence[SourceInput] | None = None,
    user,
    reason: str = "",
    seen_version: datetime | None = None,
) -> Incident:
    """Change what an incident says. ``parties`` and ``sources`` (when given) replace the
    incident's own; each change is a row in its history with who, when and ``reason``.
    ``seen_version``: the incident's updated_at as the editor saw it; if it has changed
    since, nothing is written (the editor's form would undo that change unseen)."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if seen_version is not None and incident.updated_at != seen_version:
        raise ValidationError(
            {
                "__all__": [
                    "Someone changed this incident since you opened it (see its history): "
                    "reload the page and make your change again."
                ]
            }
        )
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed here."] for name in sorted(unknown)})
    for name, value in changes.items():
        setattr(incident, name, value)
    errors: dict = {}
    clean_into(errors, incident)
    if "occurred_on" in changes and "occurred_on" not in errors:
        _linked_before_errors(incident, errors)
    rows = _parties_errors(parties, errors) if parties is not None else None
    if sources is not None:
        if not sources:
            errors["sources"] = ["Cite at least one source."]
        _sources_errors(sources, errors)
    raise_if(errors)
    _track(incident, user, reason or "Edited").save()
    _save_children(incident, rows, sources)
    return incident


def _linked_before_errors(incident: Incident, errors: dict) -> None:
    """A new date may not move the incident before an agreement whose commitments it is
    linked to (incident_link refuses such a link)."""
    titles = (
        IncidentLink.objects.filter(
            incident=incident,
            state=LinkState.LINKED,
            obligation__commitment__agreement__signed_on__gt=incident.occurred_on,
        )
        .order_by("obligation__commitment__agreement__title")
        .values_list("obligation__commitment__agreement__title", flat=True)
        .distinct()
    )
    for title in titles:
        errors.setdefault("occurred_on", []).append(
            f"It is linked to commitments of “{title}”, signed after that day: "
            "remove those links first, or give a day on or after the signing."
        )


@transaction.atomic
def incident_verify(*, incident: Incident, verification: str, reason: str, user) -> Incident:
    """Move an incident's verification state, with the reason kept in its history."""
    errors = _reason_errors(reason)
    if verification not in Verification.values:
        errors["verification"] = [f"Unknown value '{verification}': use one of {', '.join(Verification.values)}."]
    raise_if(errors)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.verification == verification:
        raise ValidationError(
            {"verification": [f"The incident is already {Verification(verification).label.lower()}."]}
        )
    was = Verification(incident.verification).label
    incident.verification = verification
    label = Verification(verification).label
    _track(incident, user, f"{was} → {label}: {reason.strip()}").save(update_fields=["verification", "updated_at"])
    if verification not in Verification.unverified() | {Verification.RETRACTED}:
        incident_disclosed.send(sender=Incident, incident_ids=[incident.pk])
    return incident


@transaction.atomic
def incident_publish(*, incident: Incident, published: bool, user) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.published != published:
        incident.published = published
        reason = "Published" if published else "Withdrawn from partners"
        _track(incident, user, reason).save(update_fields=["published", "updated_at"])
        if published:
            incident_disclosed.send(sender=Incident, incident_ids=[incident.pk])
    return incident


@transaction.atomic
def incident_link(*, incident: Incident, obligations: Sequence[Obligation], user, note: str = "") -> list[IncidentLink]:
    """An analyst links an incident to obligations it bears on: a proposal becomes a link,
    a new link is made; already linked ones are left as they are. Sends incident_linked for
    the links made (alerts follow)."""
    errors: dict = {}
    if not obligations:
        errors["obligations"] = ["Choose at least one party's obligation."]
    # An incident can only bear on a commitment in force when it happened: one from before
    # the agreement was signed is no evidence about it (the link rules say the same).
    earlier = {o.commitment.agreement for o in obligations if incident.occurred_on < o.commitment.agreement.signed_on}
    for agreement in sorted(earlier, key=lambda a: a.pk):
        errors.setdefault("obligations", []).append(
            f"The incident happened on {incident.occurred_on:%d %b} {incident.occurred_on.year}, before "
            f"“{agreement.title}” was signed ({agreement.signed_on:%d %b} {agreement.signed_on.year}): "
            "it is no evidence about that agreement's commitments."
        )
    if note:
        try:
            validate_one_line_text(note)
        except ValidationError as exc:
            errors["note"] = exc.messages
        if len(note) > 500:
            errors.setdefault("note", []).append("At most 500 characters.")
    raise_if(errors)
    now = timezone.now()
    made = []
    for obligation in sorted(obligations, key=lambda o: o.pk):
        link, created = IncidentLink.objects.select_for_update().get_or_create(
            incident=incident,
            obligation=obligation,
            defaults={"state": LinkState.LINKED, "decided_by": user, "decided_at": now, "note": note},
        )
        if not created:
            if link.state == LinkState.LINKED:
                continue
            link.state, link.decided_by, link.decided_at = LinkState.LINKED, user, now
            if note:
                link.note = note
            _track(link, user, "Linked").save()
        made.append(link)
    if made:
        incident_linked.send(sender=IncidentLink, link_ids=[link.pk for link in made])
    return made


@transaction.atomic
def incident_link_decide(*, link: IncidentLink, state: str, user, note: str = "") -> IncidentLink:
    """Reject a proposal, or remove a link (kept, with who and when); linking goes through
    incident_link so that its alerts follow."""
    if state == LinkState.LINKED:
        return (
            incident_link(incident=link.incident, obligations=[link.obligation], user=user, note=note)[0]
            if (link.state != LinkState.LINKED)
            else link
        )
    allowed = {LinkState.PROPOSED: {LinkState.REJECTED}, LinkState.LINKED: {LinkState.REMOVED}}
    link = IncidentLink.objects.select_for_update().get(pk=link.pk)
    if state not in allowed.get(link.state, set()):
        raise ValidationError({"state": [f"A {LinkState(link.state).label.lower()} link cannot become {state}."]})
    link.state, link.decided_by, link.decided_at = state, user, timezone.now()
    if note:
        link.note = note
    _track(link, user, LinkState(state).label).save()
    return link
