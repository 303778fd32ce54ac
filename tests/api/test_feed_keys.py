"""Calendar feed keys: a credential of their own that opens deadlines.ics and nothing else,
while API tokens stay in the Authorization header and out of URLs (and so out of logs)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from icalendar import Calendar
from rest_framework.test import APIClient

from core.choices import TokenKind
from core.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FEED = "/api/v1/deadlines.ics"


def issue_feed_key(user) -> str:
    out, err = StringIO(), StringIO()
    call_command("issue_token", user.username, "--feed", stdout=out, stderr=err)
    assert "feed key" in err.getvalue()
    return out.getvalue().strip()


def summaries(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}


def test_a_calendar_app_reads_the_feed_with_a_feed_key(partner, demo):
    key = issue_feed_key(partner)
    token = ApiToken.objects.get()
    assert token.kind == TokenKind.FEED and token.read_only
    assert token.key_hash == ApiToken.hash(key) and key not in (token.key_hash, token.prefix)
    response = APIClient().get(FEED, {"token": key, "party": "AZE"})
    assert response["Content-Type"].startswith("text/calendar")
    assert "Due: POW lists to the ICRC (Azerbaijan)" in summaries(response)


def test_the_feed_honours_the_role_partners_see_published_agreements_only(partner, analyst, demo):
    from commitments.models import Agreement

    Agreement.objects.filter(venue="Geneva").update(published=False)
    partner_feed = summaries(APIClient().get(FEED, {"token": issue_feed_key(partner)}))
    analyst_feed = summaries(APIClient().get(FEED, {"token": issue_feed_key(analyst)}))
    assert not any("POW lists" in s for s in partner_feed)
    assert any("POW lists" in s for s in analyst_feed)


def test_a_feed_key_opens_no_other_endpoint_in_the_url_or_in_a_header(analyst, demo):
    key = issue_feed_key(analyst)
    in_header = APIClient()
    in_header.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    for path in ("/api/v1/", "/api/v1/commitments/", "/api/v1/exports/commitments.csv", "/api/v1/summary/"):
        response = in_header.get(path)
        assert response.status_code == 401, (path, response.status_code)
        assert "feed key" in response.json()["detail"]
        assert APIClient().get(path, {"token": key}).status_code == 401, path
    assert in_header.post("/api/v1/agreements/", {}, format="json").status_code == 401
    # Not even the feed itself takes it from a header: it belongs in the calendar's URL.
    assert in_header.get(FEED).status_code == 401


def test_an_api_token_in_the_url_is_refused_with_a_pointer_to_feed_keys(partner_api, demo):
    response = APIClient().get(FEED, {"token": partner_api.key})
    assert response.status_code == 401
    assert "feed key" in response.json()["detail"]
    # In the header it still works, as on every other endpoint.
    assert partner_api.get(FEED).status_code == 200


def test_revoked_and_expired_feed_keys_are_refused(partner, demo):
    from datetime import timedelta

    from django.utils import timezone

    key = issue_feed_key(partner)
    assert APIClient().get(FEED, {"token": key}).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert APIClient().get(FEED, {"token": key}).status_code == 401
    ApiToken.objects.update(expires_at=None, revoked_at=timezone.now())
    assert APIClient().get(FEED, {"token": key}).status_code == 401


def test_an_admin_issues_a_feed_key_in_the_admin_and_sees_it_once(client, partner, demo):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    form = client.get("/admin/core/apitoken/add/")
    assert form.status_code == 200
    response = client.post(
        "/admin/core/apitoken/add/", {"user": partner.pk, "kind": "feed", "name": "Outlook", "read_only": ""}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert token.kind == TokenKind.FEED and token.read_only and token.name == "Outlook"
    keys = re.findall(r"\?token=([A-Za-z0-9_-]{40,})", response.text)
    assert keys and ApiToken.hash(keys[0]) == token.key_hash
    assert APIClient().get(FEED, {"token": keys[0]}).status_code == 200
    # The change page shows the prefix only; the key is not shown again.
    assert keys[0] not in client.get(f"/admin/core/apitoken/{token.pk}/change/").text


def test_analysts_cannot_issue_tokens_in_the_admin(client, analyst):
    client.force_login(analyst)
    assert client.get("/admin/core/apitoken/add/").status_code == 403


def test_the_admin_issues_no_key_for_an_inactive_user(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    gone = UserFactory(username="former-partner", is_active=False)
    response = client.post("/admin/core/apitoken/add/", {"user": gone.pk, "kind": "feed", "name": ""})
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not ApiToken.objects.exists()
