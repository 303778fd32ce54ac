"""Model.objects.visible_to(user): analysts and admins read drafts; partners, users with
no role, anonymous users and addresses with no login (None) read published rows only."""

import pytest
from django.contrib.auth.models import AnonymousUser

from commitments.models import Agreement, AgreementParticipant, AgreementRelation, Commitment, Obligation
from commitments.services import agreement_update
from parties.models import Party
from tests.factories import UserFactory, pledge

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(analyst, armenia, azerbaijan):
    published = pledge(1, [armenia, azerbaijan], analyst)
    draft = pledge(2, [armenia], analyst, published=False)
    for commitment in (published, draft):
        agreement_update(
            agreement=commitment.agreement, user=analyst, participants=[(armenia, "signatory")], reason="Set up"
        )
    # A published agreement that implements a draft: a partner must not learn of the draft.
    AgreementRelation.objects.create(
        agreement=published.agreement, related_agreement=draft.agreement, kind="implements"
    )
    return published, draft


def readers(analyst, partner):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    nobody = UserFactory(username="no-role")
    return {"analyst": analyst, "admin": admin, "partner": partner, "no role": nobody, "anonymous": AnonymousUser()}


@pytest.mark.parametrize(
    ("model", "drafts"),
    [(Agreement, 1), (Commitment, 1), (Obligation, 1), (AgreementParticipant, 1), (AgreementRelation, 1)],
)
def test_only_analysts_and_admins_read_the_draft_rows(rows, analyst, partner, model, drafts):
    everything = model.objects.count()
    for name, user in [*readers(analyst, partner).items(), ("no login", None)]:
        seen = model.objects.visible_to(user).count()
        expected = everything if name in ("analyst", "admin") else everything - drafts
        assert seen == expected, f"{model.__name__} for {name}: {seen} of {everything}"


def test_rows_of_no_agreement_are_read_by_everyone(rows, partner):
    assert Party.objects.visible_to(partner).count() == Party.objects.count() == 2
