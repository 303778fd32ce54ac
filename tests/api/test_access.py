"""Tokens, roles and the permission matrix walked from the URL conf."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from core.api.permissions import DenyAll
from core.models import ApiToken
from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_tokens_are_stored_hashed_and_shown_once(partner):
    out, err = StringIO(), StringIO()
    call_command("issue_token", partner.username, "--read-only", "--expires-in", "30", stdout=out, stderr=err)
    key = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert key not in (token.key_hash, token.prefix)
    assert token.key_hash == ApiToken.hash(key)
    assert token.read_only
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert "not shown again" in err.getvalue()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/parties/").status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [(["nobody"], "username"), (["partner-org", "--expires-in", "0"], "--expires-in")],
)
def test_issue_token_refuses_bad_arguments(partner, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("issue_token", *args)
    assert not ApiToken.objects.exists()


def test_expired_and_revoked_tokens_are_refused(partner):
    client = token_client(partner, read_only=True)
    assert client.get("/api/v1/parties/").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/parties/").status_code == 401
    ApiToken.objects.update(expires_at=None, revoked_at=timezone.now())
    response = client.get("/api/v1/parties/")
    assert response.status_code == 401
    assert "Traceback" not in response.content.decode()


def test_a_user_without_a_role_reads_nothing(db):
    client = token_client(UserFactory(username="nobody-in-particular"), read_only=True)
    assert client.get("/api/v1/commitments/").status_code == 403


def test_a_read_only_token_of_an_analyst_cannot_write(analyst, demo):
    client = token_client(analyst, read_only=True)
    assert client.get("/api/v1/commitments/").status_code == 200
    assert client.post("/api/v1/agreements/", {}, format="json").status_code == 403


def api_patterns(resolver=None, prefix=""):
    """Every URL pattern under /api/v1/, with its view."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from api_patterns(pattern, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
            yield route, pattern


def view_permissions(pattern) -> list:
    callback = pattern.callback
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    initkwargs = getattr(callback, "initkwargs", {}) or getattr(callback, "view_initkwargs", {})
    if "permission_classes" in initkwargs:
        return list(initkwargs["permission_classes"])
    declared = any(
        "permission_classes" in vars(k) for k in view_class.__mro__ if k.__module__.split(".")[0] != "rest_framework"
    )
    return list(view_class.permission_classes) if declared else []


def test_every_api_endpoint_declares_its_permission():
    routes = list(api_patterns())
    assert len(routes) >= 15
    # The evidence endpoints are walked too.
    names = " ".join(route for route, _ in routes)
    for part in ("incidents/", "/verification/", "/publish/", "/links/", "/decision/", "non-fulfilment-reasons/"):
        assert part in names, part
    assert "api/v1/exports/incidents.csv" in names
    for route, pattern in routes:
        permissions = view_permissions(pattern)
        assert permissions, f"{route} declares no permission_classes"
        assert DenyAll not in permissions, route


def concrete(route: str, ids: dict) -> str:
    """A real path for a route: the id of an existing object of that resource."""
    import re

    path = re.sub(r"\^|\$|\\Z", "", route)
    resource = path.split("/")[2] if path.count("/") > 2 else ""
    path = re.sub(r"\(\?P<code>[^)]*\)", str(ids.get(resource, "")), path)
    path = re.sub(r"\(\?P<pk>[^)]*\)", str(ids.get(resource, "")), path)
    path = re.sub(r"\(\?P<link_id>[^)]*\)", str(ids.get("link_id", "")), path)
    return "/" + path


# The OpenAPI schema, its docs, and the agreement document's JSON Schema describe formats, no data.
PUBLIC = {"/api/v1/schema/", "/api/v1/docs/", "/api/v1/agreements/schema/"}


def test_the_permission_matrix_role_by_endpoint_by_method(client, partner, analyst, demo):
    from commitments.models import Commitment, StatusUpdate
    from tracker.models import Alert

    lists = Commitment.objects.get(category="prisoners")
    incident, link = published_linked_incident(lists, analyst)
    ids = {
        "parties": "AZE",
        "agreements": lists.agreement_id,
        "commitments": lists.pk,
        "status-updates": StatusUpdate.objects.first().pk,
        "alerts": Alert.objects.first().pk,
        "incidents": incident.pk,
        "link_id": link.pk,
        "non-fulfilment-reasons": "refusal",
    }
    users = {"partner": token_client(partner, read_only=True), "analyst": token_client(analyst, read_only=False)}
    seen = 0
    for route, _ in api_patterns():
        path = concrete(route, ids)
        if "(?P" in path:
            continue
        seen += 1
        for method in ("get", "post", "put", "patch", "delete"):
            anonymous = getattr(APIClient(), method)(path, {}, format="json").status_code
            partner_status = getattr(users["partner"], method)(path, {}, format="json").status_code
            analyst_status = getattr(users["analyst"], method)(path, {}, format="json").status_code
            for status in (anonymous, partner_status, analyst_status):
                assert status < 500, (path, method, status)
            if path in PUBLIC:
                continue
            assert anonymous in (401, 403, 405), (path, method, anonymous)
            if method == "get":  # 405: a write-only action (status-updates, obligations)
                assert partner_status in (200, 405), (path, partner_status)
                assert analyst_status == partner_status, (path, analyst_status)
            else:
                assert partner_status in (403, 405), (path, method, partner_status)
                assert analyst_status != 403, (path, method, analyst_status)
    assert seen >= 20


def published_linked_incident(commitment, analyst):
    """A published incident linked to the commitment for its first party: what a partner
    reads on /incidents/ (its internal note never)."""
    from datetime import date

    from commitments import incidents
    from commitments.services import SourceInput

    obligation = commitment.obligations.order_by("pk").first()
    incident = incidents.incident_create(
        fields={"occurred_on": date(2020, 11, 3), "location": "Barda", "event_type": "battles"},
        parties=[(obligation.party, "alleged")],
        sources=[SourceInput(publisher="HRW", published_on=date(2020, 11, 4))],
        published=True,
        user=analyst,
    )
    return incident, incidents.incident_link(incident=incident, obligations=[obligation], user=analyst)[0]


def test_cors_allows_configured_partner_origins_only(settings, partner_api, demo):
    settings.CORS_ALLOWED_ORIGINS = ["https://dashboard.partner.example"]
    allowed = partner_api.get("/api/v1/parties/", HTTP_ORIGIN="https://dashboard.partner.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://dashboard.partner.example"
    other = partner_api.get("/api/v1/parties/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other


def test_throttling_is_per_token_and_configurable(settings, partner, demo):
    from django.core.cache import cache
    from rest_framework.throttling import UserRateThrottle

    cache.clear()
    UserRateThrottle.THROTTLE_RATES = {"user": "3/minute"}
    try:
        client = token_client(partner, read_only=True)
        statuses = [client.get("/api/v1/parties/").status_code for _ in range(4)]
    finally:
        from rest_framework.settings import api_settings

        UserRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        cache.clear()
    assert statuses == [200, 200, 200, 429]


def test_an_admin_revokes_a_token_in_the_admin(client, partner):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    api = token_client(partner, read_only=True)
    assert api.get("/api/v1/parties/").status_code == 200
    client.force_login(admin_user)
    page = client.get("/admin/core/apitoken/")
    assert page.status_code == 200
    assert api.key not in page.text  # only the prefix is shown
    client.post(
        "/admin/core/apitoken/",
        {"action": "revoke", "_selected_action": [ApiToken.objects.get(key_hash=ApiToken.hash(api.key)).pk]},
    )
    assert api.get("/api/v1/parties/").status_code == 401
