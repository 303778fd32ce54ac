"""The API's per-user rate limit (API_THROTTLE_RATE), counted in slices of the window.

DRF's UserRateThrottle keeps every request's time in the cache and reads and writes the
whole list on each request: at 5,000 an hour that is 5,000 floats unpickled and pickled
again per request, a millisecond of CPU, growing with the rate; and its read and its write
are two steps, so concurrent requests all read the same history and all pass. Here the
window is cut into SLICES slices, with a count each: constant work. A window of SLICES + 1
slices is counted (one more than the rate's duration), so the limit is never exceeded over
any stretch of the duration; a client may be refused up to one slice early (a minute, for
an hourly rate).

On Redis (production's shared cache) each slice is a counter of its own, incremented in one
atomic step, in the same round trip as the earlier slices' counts are read; the place a
request gets in its slice, plus the earlier slices' counts, decides, so concurrent requests
pass exactly the rate. Other caches (the database cache of
the embedded default) have no atomic increment that keeps a timeout: there the counts are
one list, read and written in two steps, exact for one process at a time.
"""

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache import cache as default_cache
from rest_framework.throttling import UserRateThrottle

from utilities.redis_cache import RedisCache


class SlicedUserRateThrottle(UserRateThrottle):
    SLICES = 60
    # Another shape than DRF's list of times: another key (each Redis counter adds ":n").
    cache_format = "throttle_%(scope)s_%(ident)s_slices"

    @classmethod
    def user_key(cls, user_pk) -> str:
        """The key of a user's counts (DRF's get_cache_key for an authenticated user)."""
        return cls.cache_format % {"scope": cls.scope, "ident": user_pk}

    @staticmethod
    def slice_key(key: str, number: int) -> str:
        return f"{key}:{number}"

    @classmethod
    def forget(cls, cache, user, now: float, duration: float = 3600) -> None:
        """Drop ``user``'s counts around the moment ``now`` (for tests and support)."""
        key = cls.user_key(user.pk)
        current = int(now // (duration / cls.SLICES))
        slices = [cls.slice_key(key, n) for n in range(current - cls.SLICES - 2, current + 2)]
        cache.delete_many([key, *slices])

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        self.width = self.duration / self.SLICES
        current = int(self.now // self.width)
        if isinstance(self._backend(), RedisCache):
            return self._counted_atomically(current)
        return self._counted_in_one_list(current)

    def _backend(self):
        """The cache behind ``cache``: DRF's default is django.core.cache.cache, a proxy of
        the default alias, which isinstance sees instead of the RedisCache behind it."""
        return caches[DEFAULT_CACHE_ALIAS] if self.cache is default_cache else self.cache

    def _counted_atomically(self, current: int) -> bool:
        mine = self.slice_key(self.key, current)
        lifetime = self.duration + 2 * self.width  # until the slice has left every window
        keys = {self.slice_key(self.key, n): n for n in range(current - self.SLICES, current)}
        # This request's place in its slice (1, 2...) and the earlier slices' counts.
        place, earlier = self._backend().count_in(mine, list(keys), lifetime)
        # [(slice, count)], oldest first, those still in the window: for wait().
        self.history = sorted((keys[key], count) for key, count in earlier.items() if count)
        self.history.append((current, place))
        # Its own place, not a fresh read of its slice: concurrent requests each hold a
        # different place, so exactly the rate pass, not none.
        if sum(count for _, count in self.history) > self.num_requests:
            self.cache.decr(mine)  # a refused request is not counted
            return self.throttle_failure()
        return True

    def _counted_in_one_list(self, current: int) -> bool:
        # [(slice, count)], oldest first, those still in the window.
        self.history = [(s, n) for s, n in self.cache.get(self.key, []) if s >= current - self.SLICES]
        if sum(n for _, n in self.history) >= self.num_requests:
            return self.throttle_failure()
        if self.history and self.history[-1][0] == current:
            self.history[-1] = (current, self.history[-1][1] + 1)
        else:
            self.history.append((current, 1))
        self.cache.set(self.key, self.history, self.duration + self.width)
        return True

    def wait(self):
        """Seconds until the oldest counted slice leaves the window."""
        if not self.history:
            return None
        oldest = self.history[0][0]
        return max(0.0, (oldest + self.SLICES + 1) * self.width - self.now)
