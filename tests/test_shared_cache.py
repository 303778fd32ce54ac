"""The API throttle counts in a cache that every process shares: two gunicorn servers
(as two workers would) against the same database allow the rate once, not twice."""

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache

from core.api.throttling import SlicedUserRateThrottle
from tests.api.conftest import token_client
from tests.servers import get, gunicorn, redis_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(params=["database", "redis"])
def shared_cache(request, partner):
    """The servers' cache: the default (the database cache, in the test database) or
    Redis. Yields the servers' environment; the partner's throttle history is forgotten
    before and after."""
    if request.param == "database":
        env, server_cache = {}, cache
    else:
        url = redis_url()
        env, server_cache = {"CACHE_URL": url}, RedisCache(url, {})
    SlicedUserRateThrottle.forget(server_cache, partner)
    yield env
    SlicedUserRateThrottle.forget(server_cache, partner)


def test_two_server_processes_share_one_throttle_count(partner, tmp_path, shared_cache):
    key = token_client(partner, read_only=True).key
    auth = {"Authorization": f"Token {key}"}
    env = {"API_THROTTLE_RATE": "3/hour", **shared_cache}
    with gunicorn(tmp_path / "a.log", **env) as first, gunicorn(tmp_path / "b.log", **env) as second:
        statuses = [get(f"{first}/api/v1/parties/", auth)[0] for _ in range(2)]
        statuses.append(get(f"{second}/api/v1/parties/", auth)[0])
        statuses.append(get(f"{first}/api/v1/parties/", auth)[0])
        statuses.append(get(f"{second}/api/v1/parties/", auth)[0])
    assert statuses == [200, 200, 200, 429, 429]
