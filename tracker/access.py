"""Which alerts a user may be told about (email, the inbox, the API)."""

from django.db.models import Q

from commitments.access import readable_incident_links
from commitments.choices import Verification
from core.roles import ADMIN, ANALYST, readable_agreements, role_of

from .choices import AlertKind


def readable_alerts(user, *, include_unverified: bool = True) -> Q:
    """Alerts ``user`` may be told about, in email, the inbox and the API: those of
    agreements they may read, and an incident-linked alert only while its link holds
    (readable_incident_links) and its incident is not retracted (retracted incidents are
    never announced). A reader who is no analyst is told of an incident still only
    reported (Verification.unverified) only with ``include_unverified`` (a subscription's
    choice; the pages and the API show published reports, so they pass True)."""
    told = set(Verification.values) - {Verification.RETRACTED}
    if role_of(user) not in (ADMIN, ANALYST) and not include_unverified:
        told -= Verification.unverified()
    incident = (
        Q(kind=AlertKind.INCIDENT_LINKED)
        & readable_incident_links(user, "incident_link__")
        & Q(incident_link__incident__verification__in=tuple(sorted(told)))
    )
    return readable_agreements(user, "obligation__commitment__agreement__") & (
        ~Q(kind=AlertKind.INCIDENT_LINKED) | incident
    )
