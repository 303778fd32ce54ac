"""What an email says about the incident of an incident-linked alert. A plain dict, never
the Incident itself, so that no template can reach its internal note."""

from django.urls import reverse

from commitments.choices import IncidentRole, Verification
from commitments.models import Incident


def incident_path(incident_id: int) -> str:
    return reverse("incidents:detail", args=[incident_id])


def _when(incident: Incident) -> str:
    day = f"{incident.occurred_on:%-d %b} {incident.occurred_on.year}"  # year 1 stays "1"
    if incident.occurred_time is None:
        return day
    return f"{day}, {incident.occurred_time:%H:%M} ({incident.timezone})"


def _place(incident: Incident) -> str:
    parts = [incident.location, incident.admin2, incident.admin1, incident.country]
    seen: list[str] = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    return ", ".join(seen)


def _figures(incident: Incident) -> list[str]:
    figures = [
        (label, value)
        for label, value in (
            ("Fatalities", incident.fatalities),
            ("Civilians killed", incident.civilians_killed),
            ("Civilians injured", incident.civilians_injured),
        )
        if value is not None
    ]
    figures += sorted((incident.other_figures or {}).items())
    return [f"{label}: {value:,}" for label, value in figures]


def _alleged(incident: Incident) -> str:
    # party_roles prefetched with their parties (emails.digest_groups, outbox._claim).
    alleged = [row.party for row in incident.party_roles.all() if row.role == IncidentRole.ALLEGED]
    return "; ".join(f"{party.name} ({party.code})" for party in alleged) or "Unknown"


def incident_context(incident: Incident, absolute) -> dict:
    """The incident as the email shows it; ``absolute`` makes a site path a full URL."""
    kind = incident.get_event_type_display()
    if incident.sub_event_type:
        kind += f": {incident.get_sub_event_type_display()}"
    return {
        "id": incident.pk,
        "when": _when(incident),
        "place": _place(incident),
        "type": kind,
        "description": incident.description,
        "alleged": _alleged(incident),
        "figures": _figures(incident) or ["None reported"],
        "verification": Verification(incident.verification).label,
        "unverified": incident.verification in Verification.unverified(),
        "draft": not incident.published,
        "url": absolute(incident_path(incident.pk)),
    }
