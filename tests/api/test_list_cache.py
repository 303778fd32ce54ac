"""The commitment list answered from the cache (core.api.list_cache): never stale after a
write (whatever its path), never another scope's page, never past a revoked token, and
with ETags and cursor pagination as before."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments import services
from commitments.models import Commitment, Deadline
from core.models import ApiToken
from tests.factories import pledge

pytestmark = pytest.mark.django_db

LIST = "/api/v1/commitments/"


def get(client, url=LIST, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:300]
    return response


def titles(client, url=LIST) -> list[str]:
    return [c["title"] for c in get(client, url).json()["results"]]


def served_from_cache(client, url=LIST) -> bool:
    """Whether the page came without reading the commitments (the cache answered)."""
    with CaptureQueriesContext(connection) as captured:
        get(client, url)
    return not any('FROM "commitments_commitment"' in q["sql"] for q in captured.captured_queries)


@pytest.fixture
def published(analyst, armenia, azerbaijan):
    return pledge(1, [armenia, azerbaijan], analyst)


def test_the_second_read_is_the_cached_page(partner_api, published):
    first = get(partner_api)
    assert served_from_cache(partner_api)
    again = get(partner_api)
    assert again.content == first.content
    for header in ("Content-Type", "Vary", "Allow", "ETag"):
        assert again[header] == first[header]


def test_a_write_shows_at_once_whatever_its_path(partner_api, analyst, published, armenia, azerbaijan):
    assert titles(partner_api) == ["Pledge 1"]
    services.commitment_update(commitment=published, user=analyst, reason="typo", title="Pledge one")
    assert titles(partner_api) == ["Pledge one"]
    with connection.cursor() as cursor:  # raw SQL, as an import or a repair might write
        cursor.execute("UPDATE commitments_commitment SET title = 'Raw' WHERE id = %s", [published.pk])
    assert titles(partner_api) == ["Raw"]
    # The tables the list reads besides the dashboard's: deadline revisions and recipients.
    assert served_from_cache(partner_api)
    Deadline.objects.filter(pk=published.current_deadline_id).update(reason="moved by hand")
    assert get(partner_api).json()["results"][0]["deadline"]["reason"] == "moved by hand"
    Commitment.recipients.through.objects.create(commitment=published, party=armenia)
    assert get(partner_api).json()["results"][0]["recipients"] == ["ARM"]
    pledge(2, [azerbaijan], analyst)
    assert sorted(titles(partner_api)) == ["Pledge 2", "Raw"]


def test_each_scope_gets_its_own_page(partner_api, analyst_api, analyst, armenia, published):
    pledge(2, [armenia], analyst, published=False)  # a draft: analysts only
    assert sorted(titles(analyst_api)) == ["Pledge 1", "Pledge 2"]
    assert titles(partner_api) == ["Pledge 1"]
    cache.clear()
    assert titles(partner_api) == ["Pledge 1"]  # the partner's page first, this time
    assert sorted(titles(analyst_api)) == ["Pledge 1", "Pledge 2"]


def test_a_revoked_token_is_refused_at_once(partner_api, published):
    get(partner_api)
    assert served_from_cache(partner_api)
    ApiToken.objects.filter(key_hash=ApiToken.hash(partner_api.key)).update(revoked_at=timezone.now())
    assert partner_api.get(LIST).status_code == 401


def test_if_none_match_gives_304_until_the_list_changes(partner_api, analyst, published):
    tag = get(partner_api)["ETag"]
    for _ in range(2):  # from the page as built, then from the cache
        response = partner_api.get(LIST, HTTP_IF_NONE_MATCH=tag)
        assert response.status_code == 304
        assert response["ETag"] == tag
        assert response.content == b""
    services.commitment_update(commitment=published, user=analyst, reason="typo", title="Pledge one")
    response = partner_api.get(LIST, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200
    assert response["ETag"] != tag


def test_cursor_pages_are_cached_apart(partner_api, analyst, armenia):
    for i in range(3):
        pledge(i, [armenia], analyst)
    seen = []
    url = f"{LIST}?page_size=2"
    while url:
        page = get(partner_api, url).json()
        assert get(partner_api, url).json() == page  # the cached copy is the same page
        seen += [c["title"] for c in page["results"]]
        url = page["next"]
    assert sorted(seen) == ["Pledge 0", "Pledge 1", "Pledge 2"]


def test_filters_and_as_of_are_keys_too(partner_api, analyst, armenia, azerbaijan, published, record):
    pledge(2, [azerbaijan], analyst)
    assert titles(partner_api, f"{LIST}?party=ARM") == ["Pledge 1"]
    assert sorted(titles(partner_api, f"{LIST}?party=AZE")) == ["Pledge 1", "Pledge 2"]
    record(published, effective_on=date(2020, 2, 1), status="fulfilled")
    day = f"{LIST}?party=ARM&as_of=2020-01-15"
    assert get(partner_api, day).json()["results"][0]["status"] == "not_started"
    assert get(partner_api, f"{LIST}?party=ARM").json()["results"][0]["status"] == "fulfilled"


def test_the_browsable_api_is_never_cached(client, analyst, published):
    client.force_login(analyst)
    assert get(client)["Content-Type"] == "application/json"
    html = get(client, HTTP_ACCEPT="text/html")
    assert html["Content-Type"].startswith("text/html")
    assert analyst.username in html.text  # the page shows who is signed in: not for others
