from datetime import date

import pytest
from django.core.exceptions import ValidationError

from commitments import services
from commitments.choices import AgreementKind, Nature, RelationKind, Status
from commitments.models import AgreementRelation, Commitment, Obligation
from tests.factories import AgreementFactory


@pytest.mark.django_db
def test_an_agreement_needs_a_real_time_zone():
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(
            title="Somewhere", kind=AgreementKind.PROTOCOL, signed_on=date(2020, 10, 30), timezone_name="Geneva/Swiss"
        )
    assert "timezone" in exc.value.message_dict


@pytest.mark.django_db
def test_an_agreement_cannot_implement_itself(geneva):
    relation = AgreementRelation(agreement=geneva, related_agreement=geneva, kind=RelationKind.IMPLEMENTS)
    with pytest.raises(ValidationError) as exc:
        relation.full_clean()
    assert "related_agreement" in exc.value.message_dict


@pytest.mark.django_db
def test_agreement_records_parties_sources_and_relations(armenia, azerbaijan, source):
    moscow = AgreementFactory(title="Moscow", signed_on=date(2020, 10, 10), timezone="Europe/Moscow")
    geneva = services.agreement_create(
        title="Geneva",
        kind=AgreementKind.JOINT_STATEMENT,
        signed_on=date(2020, 10, 30),
        timezone_name="Europe/Zurich",
        participants=[(armenia, "signatory"), (azerbaijan, "signatory")],
        sources=[source],
        relations=[(moscow, RelationKind.IMPLEMENTS)],
    )
    assert set(geneva.parties.values_list("code", flat=True)) == {"ARM", "AZE"}
    assert geneva.sources.get().publisher == source.publisher
    assert list(geneva.related_agreements.all()) == [moscow]
    assert list(moscow.related_from.all()) == [geneva]


@pytest.mark.django_db
def test_a_conditional_commitment_needs_its_trigger(make_commitment):
    with pytest.raises(ValidationError) as exc:
        make_commitment(nature=Nature.CONDITIONAL, deadline=None)
    assert "condition" in exc.value.message_dict
    assert not Commitment.objects.exists()


@pytest.mark.django_db
def test_only_a_conditional_commitment_has_a_trigger(make_commitment):
    with pytest.raises(ValidationError) as exc:
        make_commitment(nature=Nature.ONGOING, deadline=None, condition="If clashes reach Armenia.")
    assert "condition" in exc.value.message_dict


@pytest.mark.django_db
def test_a_commitment_binds_at_least_one_party(make_commitment):
    with pytest.raises(ValidationError) as exc:
        make_commitment(parties=[])
    assert "parties" in exc.value.message_dict
    assert not Commitment.objects.exists()


@pytest.mark.django_db
def test_each_bound_party_gets_its_own_obligation(make_commitment, armenia, azerbaijan, icrc):
    commitment = make_commitment(recipients=[icrc])
    assert set(commitment.obligations.values_list("party__code", flat=True)) == {"ARM", "AZE"}
    assert list(commitment.recipients.all()) == [icrc]
    assert all(o.status == "not_started" for o in commitment.obligations.all())


@pytest.mark.django_db
def test_a_reference_is_unique_within_an_agreement(make_commitment):
    make_commitment(reference="para 3")
    with pytest.raises(ValidationError) as exc:
        make_commitment(reference="para 3")
    assert "__all__" in exc.value.message_dict or "reference" in exc.value.message_dict
    assert Commitment.objects.count() == 1
    assert Obligation.objects.count() == 2


@pytest.mark.django_db
def test_binding_one_more_party_later_recomputes_the_status(make_commitment, record, icrc):
    commitment = make_commitment()
    record(commitment, status=Status.FULFILLED)
    commitment.refresh_from_db()
    assert commitment.status == "fulfilled"
    services.obligation_add(commitment=commitment, party=icrc)
    commitment.refresh_from_db()
    assert commitment.status == "partially_fulfilled"


@pytest.mark.django_db
def test_binding_the_same_party_twice_is_refused(make_commitment, armenia):
    commitment = make_commitment()
    with pytest.raises(ValidationError):
        services.obligation_add(commitment=commitment, party=armenia)


@pytest.mark.django_db
def test_text_changes_keep_who_when_and_why(make_commitment, analyst):
    commitment = make_commitment()
    services.commitment_update(
        commitment=commitment, user=analyst, reason="wording from the co-chairs' text", text="New wording."
    )
    latest = commitment.history.first()
    assert latest.text == "New wording."
    assert latest.history_user == analyst
    assert latest.history_change_reason == "wording from the co-chairs' text"
    assert commitment.history.filter(text__startswith="Submit lists").exists()


@pytest.mark.django_db
def test_derived_fields_cannot_be_set_through_an_update(make_commitment, analyst):
    commitment = make_commitment()
    with pytest.raises(ValidationError) as exc:
        services.commitment_update(commitment=commitment, user=analyst, status=Status.FULFILLED)
    assert "status" in exc.value.message_dict
    commitment.refresh_from_db()
    assert commitment.status == "not_started"


@pytest.mark.django_db
def test_turning_an_ongoing_commitment_one_off_needs_a_deadline(make_commitment, analyst):
    commitment = make_commitment(nature=Nature.ONGOING, deadline=None)
    with pytest.raises(ValidationError) as exc:
        services.commitment_update(commitment=commitment, user=analyst, nature=Nature.ONE_OFF)
    assert "deadline" in exc.value.message_dict
    commitment.refresh_from_db()
    assert commitment.nature == Nature.ONGOING


@pytest.mark.django_db
def test_an_ongoing_commitment_turns_one_off_with_the_deadline_given_in_the_same_update(make_commitment, analyst):
    commitment = make_commitment(nature=Nature.ONGOING, deadline=None)
    services.commitment_update(
        commitment=commitment, user=analyst, nature=Nature.ONE_OFF, deadline=services.DeadlineInput(within_days=7)
    )
    commitment.refresh_from_db()
    assert commitment.nature == Nature.ONE_OFF
    assert (commitment.current_deadline.revision, commitment.due_date) == (1, date(2020, 11, 6))
    assert set(commitment.obligations.values_list("due_at", flat=True)) == {commitment.due_at}


@pytest.mark.django_db
def test_an_update_with_a_refused_deadline_stores_nothing(make_commitment, analyst):
    commitment = make_commitment(nature=Nature.ONGOING, deadline=None)
    with pytest.raises(ValidationError) as exc:
        services.commitment_update(
            commitment=commitment,
            user=analyst,
            title="New title",
            nature=Nature.ONE_OFF,
            deadline=services.DeadlineInput(within_days=0),
        )
    assert "within_days" in exc.value.message_dict
    commitment.refresh_from_db()
    assert (commitment.title, commitment.nature, commitment.current_deadline) == (
        "POW lists to the ICRC",
        Nature.ONGOING,
        None,
    )
    assert not commitment.deadlines.exists()


@pytest.mark.django_db
def test_an_update_revising_the_deadline_needs_its_reason_and_source(make_commitment, analyst):
    commitment = make_commitment()
    extension = services.DeadlineInput(within_days=14)
    with pytest.raises(ValidationError) as exc:
        services.commitment_update(commitment=commitment, user=analyst, title="Lists", deadline=extension)
    assert {"reason", "source_publisher"} <= set(exc.value.message_dict)
    commitment.refresh_from_db()
    assert (commitment.title, commitment.deadlines.count()) == ("POW lists to the ICRC", 1)

    services.commitment_update(
        commitment=commitment,
        user=analyst,
        reason="Extended at the follow-up meeting.",
        title="Lists",
        deadline=extension,
        source=services.SourceInput(publisher="OSCE Minsk Group", published_on=date(2020, 11, 6)),
    )
    commitment.refresh_from_db()
    assert commitment.title == "Lists"
    assert (commitment.current_deadline.revision, commitment.current_deadline.reason) == (
        2,
        "Extended at the follow-up meeting.",
    )
    assert commitment.due_date == date(2020, 11, 13)
