"""A relative deadline's ``after`` is 'agreement' or a commitment id, in ASCII digits."""

import pytest

from commitments.models import Agreement, Commitment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "after", ["²", "³3", "½", "٣", "x1", "-1"], ids=["sup2", "sup3-3", "half", "arabic3", "x1", "-1"]
)
def test_an_after_that_is_no_id_is_a_400_naming_deadline_after(analyst_api, demo, after):
    before = Commitment.objects.count()
    response = analyst_api.post(
        "/api/v1/commitments/",
        {
            "agreement": Agreement.objects.get(venue="Geneva").pk,
            "reference": "para 6",
            "title": "Exchange of prisoners",
            "text": "Exchange all prisoners of war within three days.",
            "category": "prisoners",
            "nature": "one_off",
            "parties": ["ARM", "AZE"],
            "deadline": {"kind": "relative", "days": 3, "after": after},
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json() == {"deadline": {"after": ["Give 'agreement' or a commitment id."]}}
    assert Commitment.objects.count() == before
