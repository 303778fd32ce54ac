"""Schemathesis over the whole OpenAPI schema, as a partner and as an analyst: no 500 and
no response that breaks the schema. Bounded in examples so the suite stays fast."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.conftest import token_client

EXAMPLES = 8


def _load_schema():
    """The schema /api/v1/schema/ serves (generated here: collection may not touch the
    database), called in-process on the WSGI app."""
    import json

    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    from config.wsgi import application

    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    loaded.app = application
    return loaded


schema = _load_schema()


@pytest.fixture(autouse=True)
def keep_the_test_connection(demo):
    """Requests go through the WSGI app in-process; like Django's test client, keep the
    test's database connection (and its transaction) open across them."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def an_incident(demo, analyst):
    """A published, linked incident, so that the incident lists answer with one and its
    representation is checked against the schema (the demo has none)."""
    from commitments.models import Commitment
    from tests.api.test_access import published_linked_incident

    return published_linked_incident(Commitment.objects.get(category="prisoners"), analyst)


@pytest.fixture
def partner_key(partner):
    return token_client(partner, read_only=True).key


@pytest.fixture
def analyst_key(analyst):
    return token_client(analyst, read_only=False).key


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
CHECKS = [not_a_server_error, response_schema_conformance]


@schema.parametrize()
@FUZZ
def test_as_a_partner(case, partner_key):
    case.call_and_validate(headers={"Authorization": f"Token {partner_key}"}, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_as_an_analyst(case, analyst_key):
    case.call_and_validate(headers={"Authorization": f"Token {analyst_key}"}, checks=CHECKS)
