"""One set of incidents, links and status updates that the counting tests, the summary
tests and the page tests read, made through the services as analysts make them.

Geneva statement (published), "Refrain from targeting civilians" (civilian protection),
binding ARM and AZE; a draft agreement's "Implement the ceasefire" binding ARM.

| incident | published | verification | date           | killed | injured | linked to            |
| shelling | yes       | reported     | Mon 28 Dec 2020| 2      | null    | Geneva ARM and AZE   |
| drone    | yes       | verified     | Sun 3 Jan 2021 | null   | 5       | Geneva AZE           |
| retracted| yes       | retracted    | 29 Dec 2020    | 100    | 100     | Geneva ARM           |
| draft    | no        | reported     | Mon 4 Jan 2021 | 7      | 1       | Geneva ARM           |
| proposed | yes       | reported     | 30 Dec 2020    | 50     | 50      | Geneva AZE, proposed |
| rejected | yes       | reported     | 30 Dec 2020    | 60     | 60      | Geneva AZE, rejected |
| removed  | yes       | reported     | 30 Dec 2020    | 70     | 70      | Geneva ARM, removed  |
| moscow   | yes       | corroborated | 31 Dec 2020    | 3      | 0       | draft agreement ARM  |

Each link is decided on 5 Jan 2021 (the as-of tests read that), the draft's on 6 Jan.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from commitments import incidents, services
from commitments.choices import Category, IncidentRole, LinkState, Nature, Verification
from commitments.models import Commitment, Incident, IncidentLink, NonFulfilmentReason
from parties.models import Party
from tests.factories import AgreementFactory

SOURCE = services.SourceInput(publisher="OSCE monitors", published_on=date(2021, 1, 5), url="https://example.org/r")
LINKED_ON = datetime(2021, 1, 5, 12, tzinfo=UTC)


@dataclass
class Scenario:
    geneva: Commitment
    moscow: Commitment
    arm: Party
    aze: Party
    incidents: dict[str, Incident]


def make_incident(user, name, occurred_on, killed, injured, parties, published=True) -> Incident:
    return incidents.incident_create(
        fields={
            "occurred_on": occurred_on,
            "location": f"Place of the {name}",
            "event_type": "explosions_remote_violence",
            "sub_event_type": "shelling_artillery_missile_attack",
            "civilians_killed": killed,
            "civilians_injured": injured,
        },
        parties=[(p, IncidentRole.ALLEGED) for p in parties],
        sources=[SOURCE],
        published=published,
        user=user,
    )


def build(*, analyst, armenia, azerbaijan, make_commitment) -> Scenario:
    geneva_agreement = AgreementFactory(title="Geneva statement on civilians", published=True)
    draft_agreement = AgreementFactory(title="Moscow draft", published=False)
    geneva = make_commitment(
        agreement=geneva_agreement,
        title="Refrain from targeting civilians",
        category=Category.CIVILIAN_PROTECTION,
        nature=Nature.ONGOING,
        deadline=None,
    )
    moscow = make_commitment(
        agreement=draft_agreement,
        title="Implement the ceasefire",
        category=Category.CEASEFIRE,
        nature=Nature.ONGOING,
        deadline=None,
        parties=[armenia],
    )
    g_arm = geneva.obligations.get(party=armenia)
    g_aze = geneva.obligations.get(party=azerbaijan)
    m_arm = moscow.obligations.get(party=armenia)
    made = {
        "shelling": make_incident(analyst, "shelling", date(2020, 12, 28), 2, None, [armenia, azerbaijan]),
        "drone": make_incident(analyst, "drone", date(2021, 1, 3), None, 5, [azerbaijan]),
        "retracted": make_incident(analyst, "retracted", date(2020, 12, 29), 100, 100, [armenia]),
        "draft": make_incident(analyst, "draft", date(2021, 1, 4), 7, 1, [armenia], published=False),
        "proposed": make_incident(analyst, "proposed", date(2020, 12, 30), 50, 50, [azerbaijan]),
        "rejected": make_incident(analyst, "rejected", date(2020, 12, 30), 60, 60, [azerbaijan]),
        "removed": make_incident(analyst, "removed", date(2020, 12, 30), 70, 70, [armenia]),
        "moscow": make_incident(analyst, "moscow", date(2020, 12, 31), 3, 0, [armenia]),
    }
    link = incidents.incident_link
    link(incident=made["shelling"], obligations=[g_arm, g_aze], user=analyst)
    link(incident=made["drone"], obligations=[g_aze], user=analyst)
    link(incident=made["retracted"], obligations=[g_arm], user=analyst)
    link(incident=made["draft"], obligations=[g_arm], user=analyst)
    link(incident=made["removed"], obligations=[g_arm], user=analyst)
    link(incident=made["moscow"], obligations=[m_arm], user=analyst)
    # A rule's proposals (the importer makes them; nobody has linked them).
    IncidentLink.objects.create(incident=made["proposed"], obligation=g_aze, state=LinkState.PROPOSED)
    rejected = IncidentLink.objects.create(incident=made["rejected"], obligation=g_aze, state=LinkState.PROPOSED)
    incidents.incident_link_decide(link=rejected, state=LinkState.REJECTED, user=analyst)
    removed = IncidentLink.objects.get(incident=made["removed"])
    incidents.incident_link_decide(link=removed, state=LinkState.REMOVED, user=analyst)
    incidents.incident_verify(
        incident=made["drone"], verification=Verification.VERIFIED, reason="Seen by monitors", user=analyst
    )
    incidents.incident_verify(
        incident=made["moscow"], verification=Verification.CORROBORATED, reason="Two sources", user=analyst
    )
    incidents.incident_verify(
        incident=made["retracted"], verification=Verification.RETRACTED, reason="Staged footage", user=analyst
    )
    # When the links were made, for the as-of views (the service stamps "now").
    IncidentLink.objects.update(decided_at=LINKED_ON)
    IncidentLink.objects.filter(incident=made["draft"]).update(decided_at=datetime(2021, 1, 6, 12, tzinfo=UTC))
    return Scenario(geneva=geneva, moscow=moscow, arm=armenia, aze=azerbaijan, incidents=made)


def reason(code: str) -> NonFulfilmentReason:
    return NonFulfilmentReason.objects.get(code=code)


def record_reasons(scenario: Scenario, *, analyst) -> None:
    """Status updates giving reasons: ARM's Geneva assessment changes (refusal, then
    conditional on the other party: only the latter is its current one); AZE gives two;
    ARM's draft-agreement obligation gives refusal."""

    def record(commitment, party, status, effective_on, codes):
        services.status_update_record(
            commitment=commitment,
            party=party,
            status=status,
            effective_on=effective_on,
            summary="Assessed on the monitors' reports.",
            sources=[SOURCE],
            reasons=[reason(c) for c in codes],
            user=analyst,
        )

    record(scenario.geneva, scenario.arm, "violated", date(2021, 1, 1), ["refusal"])
    record(scenario.geneva, scenario.arm, "violated", date(2021, 1, 6), ["conditional-on-other-party"])
    record(scenario.geneva, scenario.aze, "not_fulfilled", date(2021, 1, 6), ["refusal", "lack-of-capacity"])
    record(scenario.moscow, scenario.arm, "violated", date(2021, 1, 6), ["refusal"])
