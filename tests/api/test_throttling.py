"""core.api.throttling: the per-user rate over a sliding window, counted in slices."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache

from core.api.throttling import SlicedUserRateThrottle
from tests.servers import redis_url
from utilities.redis_cache import RedisCache

pytestmark = pytest.mark.django_db


class Request:
    def __init__(self, user):
        self.user = user


class Clock(SlicedUserRateThrottle):
    THROTTLE_RATES = {"user": "3/hour"}
    time = 1_000_000 * 3600.0  # the start of a slice

    def timer(self):
        return Clock.time


def allowed(user) -> bool:
    return Clock().allow_request(Request(user), None)


@pytest.fixture(params=["database", "redis"])
def clock(request, partner, monkeypatch):
    """The throttle on the tests' default cache (the database: one list of counts) and on
    Redis (production: the slices of one hash, counted by a script)."""
    counts = cache if request.param == "database" else RedisCache(redis_url(), {})
    monkeypatch.setattr(Clock, "cache", counts)
    start = Clock.time
    Clock.forget(counts, partner)
    yield Clock
    Clock.forget(counts, partner)
    Clock.time = start


def test_never_more_than_the_rate_over_any_hour(clock, partner):
    assert [allowed(partner) for _ in range(4)] == [True, True, True, False]
    clock.time += 1800
    assert not allowed(partner)  # the three are still within the hour
    throttle = Clock()
    assert not throttle.allow_request(Request(partner), None)
    assert 3600 <= throttle.wait() + 1800 <= 3600 + 60  # the first three leave within a slice after the hour
    clock.time += 1800 + 60  # an hour and a slice after the first three
    assert [allowed(partner) for _ in range(4)] == [True, True, True, False]


def test_requests_spread_over_the_hour_leave_one_by_one(clock, partner):
    for _ in range(3):
        assert allowed(partner)
        clock.time += 1200  # 0, 20 and 40 minutes
    assert not allowed(partner)  # at 60 minutes: the first is not yet a full slice out
    clock.time += 61
    assert allowed(partner)  # the first has left the window
    assert not allowed(partner)


def test_twenty_concurrent_requests_pass_the_rate_once(partner):
    """The count and its check are one step: twenty threads at once against a rate of 5
    get exactly 5 through (each thread its own throttle, as each request has), on Redis:
    the cache production shares between its workers."""
    shared = RedisCache(redis_url(), {})

    class Five(SlicedUserRateThrottle):
        THROTTLE_RATES = {"user": "5/hour"}
        cache = shared

    Five.forget(shared, partner)
    start = threading.Barrier(20)

    def request(_):
        start.wait()
        return Five().allow_request(Request(partner), None)

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(request, range(20)))
    try:
        assert results.count(True) == 5
        assert not Five().allow_request(Request(partner), None)  # refused ones were not counted...
        Five.forget(shared, partner)
        assert Five().allow_request(Request(partner), None)  # ...and the window empties
    finally:
        Five.forget(shared, partner)


def test_twenty_concurrent_requests_pass_the_rate_once_on_the_configured_cache(partner, settings):
    """As production runs it: Redis configured as the default cache and the throttle on
    DRF's default (django.core.cache.cache, a proxy of that cache), not on a backend
    handed to it."""
    settings.CACHES = {"default": {"BACKEND": "utilities.redis_cache.RedisCache", "LOCATION": redis_url()}}

    class Five(SlicedUserRateThrottle):
        THROTTLE_RATES = {"user": "5/hour"}

    assert Five.cache is cache  # DRF's default, the proxy
    Five.forget(cache, partner)
    start = threading.Barrier(20)

    def request(_):
        start.wait()
        return Five().allow_request(Request(partner), None)

    try:
        with ThreadPoolExecutor(20) as pool:
            results = list(pool.map(request, range(20)))
        assert results.count(True) == 5
    finally:
        Five.forget(cache, partner)
