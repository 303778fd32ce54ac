"""The demo data set: the seed's Geneva statement of 30 Oct 2020, the Moscow ceasefire of
10 Oct 2020 that it implements, and Russia's conditional declaration of 31 Oct 2020.

Texts are as reported in the seed news report (shared/seeds/000_b8948e8aed63f105.txt),
which is also the cited source. Loading is idempotent: every object is found by its
natural key (party code, agreement title and date, commitment reference) and only what
is missing is created, so a second run changes nothing.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from commitments import services
from commitments.choices import AgreementKind, Category, Confidence, Nature, ParticipantRole, RelationKind, Status
from commitments.models import ActorMapping, Agreement, Commitment
from core.roles import ANALYSTS
from parties.choices import PartyKind
from parties.models import Party

SEED_REPORT = services.SourceInput(
    publisher="News report (seed 000_b8948e8aed63f105)",
    title="Russia pledges assistance to Armenia; Geneva talks agree urgent humanitarian measures",
    published_on=date(2020, 10, 31),
)

PARTIES = [
    ("ARM", "Republic of Armenia", "Armenia", PartyKind.STATE),
    ("AZE", "Republic of Azerbaijan", "Azerbaijan", PartyKind.STATE),
    ("FRA", "French Republic", "France", PartyKind.STATE),
    ("RUS", "Russian Federation", "Russia", PartyKind.STATE),
    ("USA", "United States of America", "United States", PartyKind.STATE),
    ("icrc", "International Committee of the Red Cross", "ICRC", PartyKind.INTERNATIONAL_ORGANISATION),
    (
        "osce-prcio",
        "Personal Representative of the OSCE Chairperson-in-Office",
        "OSCE PRCiO",
        PartyKind.MONITORING_BODY,
    ),
]

MOSCOW = {
    "title": "Moscow joint statement on a humanitarian ceasefire",
    "kind": AgreementKind.CEASEFIRE_AGREEMENT,
    "signed_on": date(2020, 10, 10),
    "venue": "Moscow",
    "timezone_name": "Europe/Moscow",
    "summary": "Agreed by the foreign ministers of Armenia and Azerbaijan with Russia's mediation. "
    "Two later truces (reported without dates in the seed) did not hold either.",
}
GENEVA = {
    "title": "Statement of the OSCE Minsk Group co-chairs on the Geneva meeting",
    "kind": AgreementKind.JOINT_STATEMENT,
    "signed_on": date(2020, 10, 30),
    "venue": "Geneva",
    "timezone_name": "Europe/Zurich",
    "summary": "The foreign ministers of Armenia and Azerbaijan met the co-chairs (France, Russia, "
    "United States) in Geneva; they did not agree a new ceasefire but agreed a series of urgent measures.",
}
RUSSIA = {
    "title": "Statement of the Russian Foreign Ministry on assistance to Armenia",
    "kind": AgreementKind.UNILATERAL_DECLARATION,
    "signed_on": date(2020, 10, 31),
    "venue": "Moscow",
    "timezone_name": "Europe/Moscow",
    "summary": "Russia's answer to Armenia's request for urgent consultations on security assistance.",
}


@dataclass(frozen=True)
class DemoCommitment:
    reference: str
    title: str
    text: str
    category: str
    nature: str
    parties: tuple[str, ...]
    deadline: services.DeadlineInput | None = None
    recipients: tuple[str, ...] = ()
    condition: str = ""
    deadline_note: str = ""


MOSCOW_COMMITMENTS = [
    DemoCommitment(
        reference="para 1",
        title="Humanitarian ceasefire",
        text="A ceasefire for humanitarian purposes, for the exchange of prisoners of war and other "
        "detained persons and of the bodies of the dead, mediated by the ICRC.",
        category=Category.CEASEFIRE,
        nature=Nature.ONGOING,
        parties=("ARM", "AZE"),
    ),
]

GENEVA_COMMITMENTS = [
    DemoCommitment(
        reference="para 1",
        title="No deliberate targeting of civilians",
        text="Refrain from deliberately targeting civilians or non-military targets, in accordance "
        "with international humanitarian law.",
        category=Category.CIVILIAN_PROTECTION,
        nature=Nature.ONGOING,
        parties=("ARM", "AZE"),
    ),
    DemoCommitment(
        reference="para 2",
        title="Recovery and exchange of remains",
        text="Actively participate in the process of recovering and exchanging the remains of the dead.",
        category=Category.REMAINS_EXCHANGE,
        nature=Nature.ONGOING,
        parties=("ARM", "AZE"),
        recipients=("icrc", "osce-prcio"),
    ),
    DemoCommitment(
        reference="para 3",
        title="POW lists to the ICRC",
        text="Submit lists of prisoners of war to the Red Cross within a week, to have access to them "
        "and to facilitate any future exchanges.",
        category=Category.PRISONERS,
        nature=Nature.ONE_OFF,
        parties=("ARM", "AZE"),
        deadline=services.DeadlineInput(within_days=7),
        recipients=("icrc", "osce-prcio"),
    ),
    DemoCommitment(
        reference="para 4",
        title="Comments and questions on ceasefire verification",
        text="Submit comments and written questions in the framework of the discussions aimed at "
        "establishing mechanisms to verify the implementation of the ceasefire.",
        category=Category.VERIFICATION,
        nature=Nature.ONE_OFF,
        parties=("ARM", "AZE"),
        # The report gives no date for this pledge; a one-off commitment needs one.
        deadline=services.DeadlineInput(within_days=7),
        deadline_note="Working deadline: the report states none; aligned with the week given for the POW lists.",
    ),
    DemoCommitment(
        reference="para 5",
        title="Implement the Moscow ceasefire of 10 October",
        text="Implement the ceasefire agreement reached on 10 October in Moscow.",
        category=Category.CEASEFIRE,
        nature=Nature.ONGOING,
        parties=("ARM", "AZE"),
    ),
]

RUSSIA_COMMITMENTS = [
    DemoCommitment(
        reference="statement",
        title="Assistance to Armenia if clashes reach its territory",
        text="Moscow will provide Yerevan with all necessary assistance if there are direct clashes "
        "on the territory of Armenia.",
        category=Category.SECURITY_GUARANTEE,
        nature=Nature.CONDITIONAL,
        parties=("RUS",),
        recipients=("ARM",),
        condition="Direct clashes on the territory of Armenia.",
    ),
]

DEMO_ANALYST = "analyst"
DEMO_ANALYST_PASSWORD = "geneva-2020-demo"  # noqa: S105 - DEBUG-only demo login, printed to the user
DEMO_ANALYST_EMAIL = "analyst@example.org"
SYSTEM_USER = "demo-loader"


@dataclass
class DemoResult:
    created: list[str]
    analyst_login: tuple[str, str] | None = None


def _system_user():
    user, created = get_user_model().objects.get_or_create(username=SYSTEM_USER, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save()
    return user


def _parties(created: list[str]) -> dict[str, Party]:
    found = {}
    for code, name, short_name, kind in PARTIES:
        party = Party.objects.filter(code=code).first()
        if party is None:
            party = Party(code=code, name=name, short_name=short_name, kind=kind)
            party.full_clean()
            party.save()
            created.append(f"party {code}")
        found[code] = party
    return found


def _agreement(spec: dict, parties: dict, roles: list[tuple[str, str]], relations, created, user) -> Agreement:
    existing = Agreement.objects.filter(title=spec["title"], signed_on=spec["signed_on"]).first()
    if existing:
        return existing
    agreement = services.agreement_create(
        **spec,
        participants=[(parties[code], role) for code, role in roles],
        sources=[SEED_REPORT],
        relations=relations,
        published=True,
        user=user,
    )
    created.append(f"agreement {agreement}")
    return agreement


def _commitments(agreement: Agreement, specs: list[DemoCommitment], parties: dict, created, user) -> dict:
    found = {c.reference: c for c in agreement.commitments.all()}
    for spec in specs:
        if spec.reference in found:
            continue
        commitment = services.commitment_create(
            agreement=agreement,
            reference=spec.reference,
            title=spec.title,
            text=spec.text,
            category=spec.category,
            nature=spec.nature,
            condition=spec.condition,
            parties=[parties[code] for code in spec.parties],
            recipients=[parties[code] for code in spec.recipients],
            deadline=spec.deadline,
            deadline_note=spec.deadline_note,
            user=user,
        )
        found[spec.reference] = commitment
        created.append(f"commitment {agreement.signed_on} {spec.reference}")
    return found


def _moscow_violated(commitment: Commitment, user) -> None:
    """The seed reports fighting weeks after 10 October and the co-chairs urging the
    parties to implement the ceasefire: assessed violated by both, as of the report."""
    if commitment.obligations.filter(status_updates__isnull=False).exists():
        return
    services.status_update_record(
        commitment=commitment,
        status=Status.VIOLATED,
        effective_on=date(2020, 10, 31),
        summary="Fighting continued after 10 October; in Geneva the co-chairs urged both parties to "
        "implement the ceasefire agreed in Moscow.",
        sources=[SEED_REPORT],
        confidence=Confidence.HIGH,
        internal_note="Demo data: assessment drawn from the seed report only.",
        user=user,
    )


# How ACLED names the parties' forces and the civilians of the 2020 war, so that a first
# ACLED import (/incidents/import/) maps them: the state forces to their state, civilians
# to no party. Analysts add the other names the preview lists as unmapped.
ACTOR_MAPPINGS = [
    ("Military Forces of Azerbaijan (1993-)", "AZE"),
    ("Military Forces of Armenia (2018-)", "ARM"),
    ("Civilians (Azerbaijan)", None),
    ("Civilians (Armenia)", None),
]


def _actor_mappings(parties: dict, created: list[str]) -> None:
    for name, code in ACTOR_MAPPINGS:
        if not ActorMapping.objects.filter(actor_name__iexact=name).exists():
            ActorMapping.objects.create(actor_name=name, party=parties[code] if code else None)
            created.append(f"actor mapping {name}")


@transaction.atomic
def load_demo() -> DemoResult:
    created: list[str] = []
    user = _system_user()
    parties = _parties(created)
    moscow = _agreement(
        MOSCOW,
        parties,
        [("ARM", ParticipantRole.SIGNATORY), ("AZE", ParticipantRole.SIGNATORY), ("RUS", ParticipantRole.MEDIATOR)],
        [],
        created,
        user,
    )
    geneva = _agreement(
        GENEVA,
        parties,
        [
            ("ARM", ParticipantRole.SIGNATORY),
            ("AZE", ParticipantRole.SIGNATORY),
            ("FRA", ParticipantRole.MEDIATOR),
            ("RUS", ParticipantRole.MEDIATOR),
            ("USA", ParticipantRole.MEDIATOR),
            ("icrc", ParticipantRole.WITNESS),
            ("osce-prcio", ParticipantRole.WITNESS),
        ],
        [(moscow, RelationKind.IMPLEMENTS)],
        created,
        user,
    )
    russia = _agreement(RUSSIA, parties, [("RUS", ParticipantRole.SIGNATORY)], [], created, user)

    moscow_commitments = _commitments(moscow, MOSCOW_COMMITMENTS, parties, created, user)
    _commitments(geneva, GENEVA_COMMITMENTS, parties, created, user)
    _commitments(russia, RUSSIA_COMMITMENTS, parties, created, user)
    _moscow_violated(moscow_commitments["para 1"], user)
    _actor_mappings(parties, created)

    result = DemoResult(created=created)
    if settings.DEBUG:
        result.analyst_login = _demo_analyst()
    return result


def _demo_analyst() -> tuple[str, str]:
    """A staff login in the analysts group, for local development only."""
    # An address from the start, so that Watch works on the first run (the confirmation
    # email shows in the worker's console with the default console email backend).
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_ANALYST, defaults={"is_staff": True, "email": DEMO_ANALYST_EMAIL}
    )
    if created:
        user.set_password(DEMO_ANALYST_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=ANALYSTS))
    return DEMO_ANALYST, DEMO_ANALYST_PASSWORD
