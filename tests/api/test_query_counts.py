"""A list request makes the same number of SQL queries for 1 and for 100 items."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments import services
from commitments.services import DeadlineInput, SourceInput
from core.models import ApiToken
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/api/v1/commitments/", "/api/v1/agreements/", "/api/v1/status-updates/", "/api/v1/summary/"]


def build(count: int, parties, analyst) -> None:
    for i in range(count):
        agreement = AgreementFactory(published=True)
        commitment = services.commitment_create(
            agreement=agreement,
            reference=f"p{i}",
            title=f"Pledge {i}",
            text="text",
            category="prisoners",
            nature="one_off",
            parties=parties,
            recipients=parties[:1],
            deadline=DeadlineInput(within_days=7),
            user=analyst,
        )
        services.status_update_record(
            commitment=commitment,
            status="in_progress",
            effective_on=date(2020, 11, 2),
            summary="s",
            sources=[SourceInput(publisher="p", published_on=date(2020, 11, 2))],
            user=analyst,
        )


def queries(client, url: str) -> int:
    # The token's last-used time is written at most once a minute: a slow build must not
    # add that write to one side only.
    ApiToken.objects.update(last_used_at=timezone.now())
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ENDPOINTS)
def test_list_queries_do_not_grow_with_the_rows(url, partner_api, analyst, armenia, azerbaijan):
    build(1, [armenia, azerbaijan], analyst)
    one = queries(partner_api, url)
    build(99, [armenia, azerbaijan], analyst)
    hundred = queries(partner_api, url)
    assert hundred == one, f"{url}: {one} queries for 1 item, {hundred} for 100"
