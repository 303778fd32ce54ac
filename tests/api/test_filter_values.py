"""A value a known parameter does not take is a 400 naming the parameter and the values
it takes, on every list, export and the summary: ?overdue=yes once answered everything."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

COMMITMENT_ENDPOINTS = [
    "/api/v1/commitments/",
    "/api/v1/summary/",
    "/api/v1/exports/commitments.csv",
    "/api/v1/deadlines.ics",
]
# (parameter, a value it does not take, words of the error that say what it takes)
COMMITMENT_VALUES = [
    ("overdue", "yes", "true or false"),
    ("overdue", "2", "true or false"),
    ("status", "bogus", "not_started, in_progress, fulfilled"),
    ("commitment_status", "kept", "partially_fulfilled"),
    ("category", "x", "prisoners"),
    ("nature", "x", "one_off"),
    ("party", "XYZ", "/api/v1/parties/"),
    ("party", "A\x00", "Null characters"),  # PostgreSQL refuses NUL in text: checked first
    ("agreement", "abc", "whole number"),
    ("due_before", "soon", "ISO 8601"),
    ("due_after", "2020-13-45", "ISO 8601"),
    ("updated_since", "yesterday", "ISO 8601"),
]
STATUS_UPDATE_ENDPOINTS = ["/api/v1/status-updates/", "/api/v1/exports/status-updates.csv"]
STATUS_UPDATE_VALUES = [
    ("status", "bogus", "fulfilled"),
    ("party", "XYZ", "/api/v1/parties/"),
    ("commitment", "abc", "whole number"),
    ("recorded_since", "soon", "ISO 8601"),
]
ALERT_VALUES = [
    ("acknowledged", "maybe", "true or false"),
    ("kind", "x", "overdue"),
    ("party", "XYZ", "/api/v1/parties/"),
]
CASES = (
    [(url, *case) for url in COMMITMENT_ENDPOINTS for case in COMMITMENT_VALUES]
    + [(url, *case) for url in STATUS_UPDATE_ENDPOINTS for case in STATUS_UPDATE_VALUES]
    + [("/api/v1/alerts/", *case) for case in ALERT_VALUES]
    + [
        (url, "hxl", "maybe", "true or false")
        for url in ("/api/v1/exports/commitments.csv", *STATUS_UPDATE_ENDPOINTS[1:])
    ]
    + [("/api/v1/commitments/", "ordering", "sideways", "due_at")]
    + [
        (url, "page_size", value, "1 to 500")
        for url in ("/api/v1/commitments/", "/api/v1/alerts/")
        for value in ("abc", "0", "-1", "501", "1.5")
    ]
)


def get(partner_api, url, params):
    if url.endswith(".ics"):  # calendar apps give a feed key in the URL
        return APIClient().get(url, {"token": partner_api.feed_key, **params})
    return partner_api.get(url, params)


@pytest.mark.parametrize(("url", "param", "value", "takes"), CASES)
def test_a_value_a_parameter_does_not_take_is_a_400_that_says_what_it_takes(
    partner_api, demo, url, param, value, takes
):
    response = get(partner_api, url, {param: value})
    assert response.status_code == 400, (url, param, value)
    assert response["Content-Type"].startswith("application/json")
    errors = response.json()
    assert list(errors) == [param]
    assert takes in errors[param][0], errors


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/commitments/", {"overdue": "TRUE", "party": " AZE", "page_size": "500"}),
        ("/api/v1/commitments/", {"overdue": "0", "hxl": "", "page_size": ""}),
        ("/api/v1/exports/commitments.csv", {"overdue": "1", "hxl": "true"}),
        ("/api/v1/alerts/", {"acknowledged": "false", "kind": "overdue", "party": "ARM"}),
        ("/api/v1/status-updates/", {"party": "AZE", "status": "not_started"}),
    ],
)
def test_the_values_they_take_are_still_read(partner_api, demo, url, params):
    assert get(partner_api, url, params).status_code == 200
