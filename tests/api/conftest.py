import pytest
from rest_framework.test import APIClient

from core.choices import TokenKind
from core.models import ApiToken
from tracker import services as engine
from tracker.demo import load_demo


def token_client(user, read_only: bool) -> APIClient:
    _, key = ApiToken.issue(user=user, read_only=read_only)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.key = key
    # Calendar apps give a feed key in the URL (API tokens are refused there).
    _, client.feed_key = ApiToken.issue(user=user, kind=TokenKind.FEED)
    return client


@pytest.fixture
def partner_feed_key(partner) -> str:
    """A calendar feed key of the partner's: the deadlines feed takes it as ?token=."""
    _, key = ApiToken.issue(user=partner, kind=TokenKind.FEED)
    return key


@pytest.fixture
def partner_api(partner):
    return token_client(partner, read_only=True)


@pytest.fixture
def analyst_api(analyst):
    return token_client(analyst, read_only=False)


@pytest.fixture
def demo(db):
    load_demo()
    engine.deadline_sweep()
