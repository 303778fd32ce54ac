"""The API throttle counts in a cache that every process shares: two gunicorn servers
(as two workers would) against the same database allow the rate once, not twice."""

import os

import pytest
import redis
from django.core.cache import cache

from tests.api.conftest import token_client
from tests.servers import get, gunicorn

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TEST_REDIS = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/14"


def redis_cache_url() -> str:
    """A Redis database of the tests' own; fail in CI, skip elsewhere, when Redis is down."""
    try:
        redis.Redis.from_url(TEST_REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the shared-cache test on Redis: {exc}")
        pytest.skip(f"Redis not reachable at {TEST_REDIS}: {exc}")
    return TEST_REDIS


@pytest.fixture(params=["database", "redis"])
def cache_env(request):
    """The environment of the two servers: the default (the database cache shared through
    the test database), or Redis."""
    if request.param == "database":
        yield {}
        cache.clear()  # the throttle history lives in the test database's cache table
        return
    url = redis_cache_url()
    prefix = f"tracker-test-{os.getpid()}"
    yield {"CACHE_URL": f"{url}?key_prefix={prefix}"}
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_two_server_processes_share_one_throttle_count(partner, tmp_path, cache_env):
    key = token_client(partner, read_only=True).key
    auth = {"Authorization": f"Token {key}"}
    env = {"API_THROTTLE_RATE": "3/hour", **cache_env}
    with gunicorn(tmp_path / "a.log", **env) as first, gunicorn(tmp_path / "b.log", **env) as second:
        statuses = [get(f"{first}/api/v1/parties/", auth)[0] for _ in range(2)]
        statuses.append(get(f"{second}/api/v1/parties/", auth)[0])
        statuses.append(get(f"{first}/api/v1/parties/", auth)[0])
        statuses.append(get(f"{second}/api/v1/parties/", auth)[0])
    assert statuses == [200, 200, 200, 429, 429]
