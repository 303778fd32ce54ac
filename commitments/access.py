"""Who may read the evidence: the incidents' links to obligations. Built on core.roles
(roles and the published rule); the alerts' rule that uses it is in tracker/access.py."""

from django.db.models import Q

from core.roles import ADMIN, ANALYST, role_of

from .choices import LinkState


def readable_incident_links(user, link_path: str = "") -> Q:
    """Links of incidents to obligations that ``user`` may read: linked (not proposed,
    rejected or removed), and for a reader who is no analyst, of a published incident to
    an obligation of a published agreement."""
    q = Q(**{f"{link_path}state": LinkState.LINKED})
    if role_of(user) in (ADMIN, ANALYST):
        return q
    return (
        q
        & Q(**{f"{link_path}incident__published": True})
        & Q(**{f"{link_path}obligation__commitment__agreement__published": True})
    )
