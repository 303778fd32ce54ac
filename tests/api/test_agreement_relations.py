"""An agreement's relations never reveal a draft to a reader who may not see it."""

from datetime import date

import pytest

from commitments.choices import RelationKind
from commitments.services import agreement_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_over_a_draft(analyst):
    draft = agreement_create(title="Draft protocol", kind="protocol", signed_on=date(2021, 1, 10), user=analyst)
    earlier = agreement_create(
        title="Moscow statement", kind="joint_statement", signed_on=date(2020, 10, 10), published=True, user=analyst
    )
    later = agreement_create(
        title="Published implementation",
        kind="protocol",
        signed_on=date(2021, 2, 1),
        published=True,
        relations=[(draft, RelationKind.IMPLEMENTS), (earlier, RelationKind.SUPERSEDES)],
        user=analyst,
    )
    return later, draft, earlier


def test_a_partner_sees_no_relation_to_a_draft_in_the_list_or_the_detail(partner_api, published_over_a_draft):
    later, draft, earlier = published_over_a_draft
    detail = partner_api.get(f"/api/v1/agreements/{later.pk}/")
    assert detail.status_code == 200
    assert detail.json()["relations"] == [{"kind": "supersedes", "agreement": earlier.pk}]
    listed = partner_api.get("/api/v1/agreements/").json()["results"]
    assert draft.pk not in [a["id"] for a in listed]
    (row,) = [a for a in listed if a["id"] == later.pk]
    assert row["relations"] == [{"kind": "supersedes", "agreement": earlier.pk}]


def test_an_analyst_sees_the_relation_to_the_draft(analyst_api, published_over_a_draft):
    later, draft, earlier = published_over_a_draft
    relations = analyst_api.get(f"/api/v1/agreements/{later.pk}/").json()["relations"]
    assert sorted(r["agreement"] for r in relations) == sorted([draft.pk, earlier.pk])
