"""utilities.redis_cache: Django's Redis cache with one client per pool, kept."""

import secrets

import pytest

from tests.servers import redis_url
from utilities.redis_cache import RedisCache


@pytest.fixture
def redis_cache():
    cache = RedisCache(redis_url(), {"KEY_PREFIX": f"test-{secrets.token_hex(8)}"})
    yield cache
    cache.delete_many(["a", "n"])


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache._cache.get_client("a") is client


def test_it_is_still_django_redis_cache(redis_cache):
    redis_cache.set("a", {"page": b"bytes"}, 60)
    assert redis_cache.get("a") == {"page": b"bytes"}
    assert redis_cache.add("n", 1, 60)
    assert redis_cache.incr("n") == 2
    redis_cache.delete("a")
    assert redis_cache.get("a") is None
