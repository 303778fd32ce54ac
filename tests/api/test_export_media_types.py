"""Each export answers its own media type, */* and a browser's Accept header (the CSV
once answered Accept: text/csv with a 406), and its errors stay JSON."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
EXPORTS = [
    ("/api/v1/exports/commitments.csv", "text/csv"),
    ("/api/v1/exports/status-updates.csv", "text/csv"),
    ("/api/v1/deadlines.ics", "text/calendar"),
]


def get(partner_api, url: str, accept: str | None, **params):
    client, headers = partner_api, {} if accept is None else {"HTTP_ACCEPT": accept}
    if url.endswith(".ics"):  # calendar apps give a feed key in the URL
        client, params = APIClient(), {"token": partner_api.feed_key, **params}
    return client.get(url, params, **headers)


@pytest.mark.parametrize(("url", "media_type"), EXPORTS)
@pytest.mark.parametrize("accept", ["own", "own; charset=utf-8", "*/*", "text/*", BROWSER, None])
def test_an_export_answers_its_own_type_and_what_browsers_send(partner_api, demo, url, media_type, accept):
    accept = accept.replace("own", media_type) if accept else None
    response = get(partner_api, url, accept)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == f"{media_type}; charset=utf-8"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"BEGIN:VCALENDAR" if media_type == "text/calendar" else b"\xef\xbb\xbf")


@pytest.mark.parametrize(("url", "media_type"), EXPORTS)
@pytest.mark.parametrize("accept", ["own", BROWSER])
def test_an_exports_errors_are_json(partner_api, url, media_type, accept):
    response = get(partner_api, url, accept.replace("own", media_type), party="XYZ")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "party" in response.json()


@pytest.mark.parametrize(("url", "media_type"), EXPORTS)
def test_an_export_says_which_type_it_has_to_a_client_that_wants_another(partner_api, url, media_type):
    response = get(partner_api, url, "application/json")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
