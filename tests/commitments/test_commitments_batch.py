"""commitments_create_many: the fixes made for the importer."""

import pytest
from django.core.exceptions import ValidationError

from commitments import services
from commitments.models import Commitment

pytestmark = pytest.mark.django_db


def row(reference, deadline, parties):
    return services.CommitmentInput(
        reference=reference,
        title="T",
        text="Text.",
        category="prisoners",
        nature="one_off",
        parties=parties,
        deadline=deadline,
    )


def test_a_dated_deadline_cannot_also_hang_on_a_commitment(geneva, armenia, analyst):
    rows = [
        row("1", services.DeadlineInput(within_days=7), [armenia]),
        row("2", services.DeadlineInput(due_on=geneva.signed_on, after_reference="1"), [armenia]),
    ]
    with pytest.raises(ValidationError) as caught:
        services.commitments_create_many(agreement=geneva, rows=rows, user=analyst)
    assert "commitments[1].deadline.after" in caught.value.message_dict
    assert not Commitment.objects.exists()


def test_rows_are_stored_as_checked_with_their_chain(geneva, armenia, azerbaijan, analyst):
    rows = [
        row("2", services.DeadlineInput(within_days=14, after_reference="1"), [armenia, azerbaijan]),
        row("1", services.DeadlineInput(within_days=7), [armenia]),
    ]
    second, first = services.commitments_create_many(agreement=geneva, rows=rows, user=analyst)
    assert second.current_deadline.after_commitment == first
    assert first.due_date.isoformat() == "2020-11-06"
    assert second.obligations.count() == 2 and second.history.first().history_user == analyst
