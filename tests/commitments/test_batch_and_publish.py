"""The services the three ways in share: a batch of commitments (all or nothing, chained
deadlines by reference), an agreement's lists replaced whole with their history, and
publishing by the four-eyes rule."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from commitments import services
from commitments.choices import AgreementKind, Category, Nature, ParticipantRole, RelationKind, Status
from commitments.models import AgreementParticipant, Commitment, Obligation
from core.roles import ANALYSTS
from parties import services as party_services
from tests.factories import AgreementFactory, UserFactory

pytestmark = pytest.mark.django_db


def row(reference, *, parties, days=None, due_on=None, after="", nature=Nature.ONE_OFF):
    deadline = None
    if days is not None or due_on is not None:
        deadline = services.DeadlineInput(due_on=due_on, within_days=days, after_reference=after)
    return services.CommitmentInput(
        reference=reference,
        title=f"Pledge {reference}",
        text=f"The sides will do {reference}.",
        category=Category.PRISONERS,
        nature=nature,
        parties=parties,
        deadline=deadline,
    )


def test_a_batch_is_created_in_the_order_its_chains_need(geneva, armenia, azerbaijan, analyst):
    # Row 1 hangs on row 2, which comes later on the page.
    rows = [
        row("1", parties=[armenia], days=3, after="2"),
        row("2", parties=[armenia, azerbaijan], days=7),
    ]
    first, second = services.commitments_create_many(agreement=geneva, rows=rows, user=analyst)
    assert [first.reference, second.reference] == ["1", "2"]
    assert first.current_deadline.after_commitment == second
    assert first.due_at is None  # not due until "2" is fulfilled
    assert second.due_date == date(2020, 11, 6)
    assert Obligation.objects.filter(commitment=second).count() == 2

    services.status_update_record(
        commitment=second,
        status=Status.FULFILLED,
        effective_on=date(2020, 11, 2),
        summary="Lists handed to the ICRC.",
        sources=[services.SourceInput(publisher="ICRC", published_on=date(2020, 11, 2))],
        user=analyst,
    )
    first.refresh_from_db()
    assert first.current_deadline.due_date == date(2020, 11, 5)


def test_a_batch_with_one_bad_row_writes_nothing_and_names_the_row(geneva, armenia, analyst):
    rows = [
        row("1", parties=[armenia], days=7),
        row("2", parties=[armenia], days=0),
        row("3", parties=[], days=7),
        row("1", parties=[armenia], days=7),
        row("5", parties=[armenia], days=2, after="no-such"),
        row("6", parties=[armenia], due_on=date(2019, 1, 1)),
    ]
    with pytest.raises(ValidationError) as caught:
        services.commitments_create_many(agreement=geneva, rows=rows, user=analyst)
    errors = caught.value.message_dict
    assert "commitments[1].deadline.days" in errors
    assert "commitments[2].parties" in errors
    assert "also used by commitment 1" in errors["commitments[3].reference"][0]
    assert "no-such" in errors["commitments[4].deadline.after"][0]
    assert "before the agreement's date" in errors["commitments[5].deadline.date"][0]
    assert "commitments[0].reference" not in errors
    assert not Commitment.objects.exists()


def test_a_cycle_in_a_batch_is_an_error_on_each_of_its_rows(geneva, armenia, analyst):
    rows = [
        row("a", parties=[armenia], days=3, after="b"),
        row("b", parties=[armenia], days=3, after="c"),
        row("c", parties=[armenia], days=3, after="a"),
        row("d", parties=[armenia], days=3, after="d"),
    ]
    with pytest.raises(ValidationError) as caught:
        services.commitments_create_many(agreement=geneva, rows=rows, user=analyst)
    errors = caught.value.message_dict
    for index in range(3):
        assert "cycle" in errors[f"commitments[{index}].deadline.after"][0]
    assert "its own commitment" in errors["commitments[3].deadline.after"][0]
    assert not Commitment.objects.exists()


def test_a_batch_may_chain_to_a_commitment_already_in_the_agreement(geneva, armenia, analyst):
    services.commitments_create_many(agreement=geneva, rows=[row("1", parties=[armenia], days=7)], user=analyst)
    (added,) = services.commitments_create_many(
        agreement=geneva, rows=[row("2", parties=[armenia], days=5, after="1")], user=analyst
    )
    assert added.current_deadline.after_commitment.reference == "1"
    with pytest.raises(ValidationError) as caught:
        services.commitments_create_many(agreement=geneva, rows=[row("1", parties=[armenia], days=1)], user=analyst)
    assert "commitments[0].reference" in caught.value.message_dict


def test_replacing_participants_keeps_unchanged_rows_and_the_history_of_removed_ones(
    geneva, armenia, azerbaijan, icrc, analyst
):
    services.agreement_update(
        agreement=geneva,
        user=analyst,
        participants=[(armenia, ParticipantRole.SIGNATORY), (azerbaijan, ParticipantRole.SIGNATORY)],
    )
    kept = AgreementParticipant.objects.get(agreement=geneva, party=armenia)
    services.agreement_update(
        agreement=geneva,
        user=analyst,
        reason="ICRC witnessed it, Azerbaijan signed elsewhere",
        participants=[(armenia, ParticipantRole.SIGNATORY), (icrc, ParticipantRole.WITNESS)],
    )
    rows = AgreementParticipant.objects.filter(agreement=geneva)
    assert {(p.party.code, p.role) for p in rows} == {("ARM", "signatory"), ("icrc", "witness")}
    assert rows.get(party=armenia).pk == kept.pk
    removed = AgreementParticipant.history.filter(party_id=azerbaijan.pk, history_type="-").get()
    assert removed.history_user == analyst
    assert removed.history_change_reason == "ICRC witnessed it, Azerbaijan signed elsewhere"


def test_bad_children_are_named_by_list_and_position_and_nothing_is_replaced(geneva, armenia, analyst):
    earlier = AgreementFactory(title="Moscow statement", signed_on=date(2020, 10, 10))
    services.agreement_update(agreement=geneva, user=analyst, participants=[(armenia, ParticipantRole.SIGNATORY)])
    with pytest.raises(ValidationError) as caught:
        services.agreement_update(
            agreement=geneva,
            user=analyst,
            participants=[(armenia, "emperor"), (armenia, ParticipantRole.SIGNATORY), (armenia, "signatory")],
            sources=[services.SourceInput(publisher="", published_on=date(2020, 10, 30), language="English")],
            relations=[(geneva, RelationKind.AMENDS), (earlier, RelationKind.IMPLEMENTS)],
        )
    errors = caught.value.message_dict
    assert "participants[0].role" in errors
    assert "participants[2]" in errors  # listed twice
    assert "sources[0].publisher" in errors and "sources[0].language" in errors
    assert "relations[0].related_agreement" in errors
    assert "relations[1].related_agreement" not in errors
    assert list(geneva.participants.values_list("role", flat=True)) == ["signatory"]
    assert not geneva.relations.exists()


def _second_analyst():
    user = UserFactory(username="bea")
    user.groups.add(Group.objects.get(name=ANALYSTS))
    return user


def test_publishing_records_who_and_when(geneva, analyst):
    services.agreement_publish(agreement=geneva, user=analyst)
    geneva.refresh_from_db()
    assert geneva.published and geneva.published_by == analyst and geneva.published_at is not None


def test_four_eyes_the_last_changer_of_a_draft_cannot_publish_it(settings, geneva, armenia, analyst):
    settings.PUBLISH_FOUR_EYES = True
    services.commitments_create_many(agreement=geneva, rows=[row("1", parties=[armenia], days=7)], user=analyst)
    with pytest.raises(ValidationError) as caught:
        services.agreement_publish(agreement=geneva, user=analyst)
    assert "another analyst" in caught.value.message_dict["published"][0]
    with pytest.raises(ValidationError):
        services.agreement_update(agreement=geneva, user=analyst, published=True)
    geneva.refresh_from_db()
    assert not geneva.published

    other = _second_analyst()
    services.agreement_publish(agreement=geneva, user=other)
    geneva.refresh_from_db()
    assert geneva.published and geneva.published_by == other


def test_four_eyes_refuses_creating_an_agreement_already_published(settings, analyst):
    settings.PUBLISH_FOUR_EYES = True
    with pytest.raises(ValidationError) as caught:
        services.agreement_create(
            title="Statement",
            kind=AgreementKind.JOINT_STATEMENT,
            signed_on=date(2020, 10, 30),
            published=True,
            user=analyst,
        )
    assert "published" in caught.value.message_dict


@pytest.mark.parametrize(
    ("code", "kind", "stored"),
    [("arm", "state", "ARM"), ("Nkdf", "non_state_armed_group", "nkdf")],
)
def test_a_party_is_created_with_its_code_in_the_right_case(code, kind, stored, analyst):
    party = party_services.party_create(code=code, name="X", kind=kind, aliases=["Armenian"], user=analyst)
    assert party.code == stored and party.aliases == ["Armenian"]
    assert party.history.get().history_user == analyst


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "XXX", "kind": "state"}, "code"),
        ({"code": "a", "kind": "mediator"}, "code"),
        ({"code": "osce", "kind": "mediator", "aliases": ["OSCE", "osce"]}, "aliases"),
        ({"code": "osce", "kind": "mediator", "aliases": ["bad\x00alias"]}, "aliases"),
        ({"code": "osce", "kind": "mediator", "aliases": [["nested"]]}, "aliases"),
        ({"code": "osce", "kind": "mediator", "aliases": ["x"] * 51}, "aliases"),
    ],
)
def test_a_bad_party_is_refused_at_its_field(fields, field):
    with pytest.raises(ValidationError) as caught:
        party_services.party_create(name="Y", **fields)
    assert field in caught.value.message_dict
