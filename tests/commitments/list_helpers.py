"""What the tests of the list and party pages share."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments import services
from tests.factories import AgreementFactory

PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's


def sign_in(client, user) -> None:
    """Through the login form, as a person does (and as django-axes watches)."""
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.text[:500]


def queries(client, url: str, status: int = 200) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == status
    return len(captured)


def draft_agreement(party, user, *, title: str = "Secret draft truce", **fields):
    """An unpublished agreement that binds ``party`` (and names it a signatory)."""
    agreement = AgreementFactory(
        title=title, signed_on=date(2021, 1, 15), venue="Tbilisi", summary="Not public yet.", **fields
    )
    services.agreement_update(
        agreement=agreement, user=user, participants=[(party, "signatory")], reason="Draft set up"
    )
    services.commitment_create(
        agreement=agreement,
        reference="1",
        title="Draft pledge",
        text="A pledge nobody outside may read yet.",
        category="ceasefire",
        nature="ongoing",
        parties=[party],
        user=user,
    )
    return agreement
