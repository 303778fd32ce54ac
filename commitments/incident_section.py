"""The "Incidents" section of a commitment's and a party's page: the counts and the
weekly chart of commitments.incident_selectors, for the reader and the page's ``as_of``
day, and the link to the incidents list narrowed to the commitment or party. Two
queries whatever the number of incidents."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from core import roles
from core.charts import Chart

from .incident_charts import incidents_by_week
from .incident_selectors import BY_COMMITMENT, BY_PARTY, IncidentCounts, counted_links, incident_totals, incident_weeks


@dataclass(frozen=True)
class IncidentSection:
    counts: IncidentCounts
    chart: Chart | None  # None: no incident linked
    list_url: str
    day: date | None  # as of this day; None: today
    published_only: bool  # the reader counts published incidents only


def incidents_list_url(**params) -> str:
    """The incidents list (/incidents/) narrowed by ``params`` (commitment=<id>, party=<code>)."""
    return f"{reverse('incidents:list')}?{urlencode(params)}"


def incident_section(user, *, commitment=None, party=None, day: date | None = None) -> IncidentSection:
    """The section for ``commitment`` or ``party`` as ``user`` may read it, on ``day``."""
    links = counted_links(user, day)
    if commitment is not None:
        links, key, params = (
            links.filter(obligation__commitment=commitment),
            BY_COMMITMENT,
            {"commitment": commitment.pk},
        )
    else:
        links, key, params = links.filter(obligation__party=party), BY_PARTY, {"party": party.code}
    counts = incident_totals(links, key)
    chart = incidents_by_week(incident_weeks(links)) if counts.linked else None
    return IncidentSection(
        counts=counts,
        chart=chart,
        list_url=incidents_list_url(**params),
        day=day,
        published_only=roles.role_of(user) not in (roles.ANALYST, roles.ADMIN),
    )
