"""The API's per-user rate limit (API_THROTTLE_RATE), counted in slices of the window.

DRF's UserRateThrottle keeps every request's time in the cache and reads and writes the
whole list on each request: at 5,000 an hour that is 5,000 floats unpickled and pickled
again per request, a millisecond of CPU, growing with the rate; and its read and its write
are two steps, so concurrent requests all read the same history and all pass. Here the
window is cut into SLICES slices, with a count each: constant work. A window of SLICES + 1
slices is counted (one more than the rate's duration), so the limit is never exceeded over
any stretch of the duration; a client may be refused up to one slice early (a minute, for
an hourly rate).

On Redis (production's shared cache) a user's slices are the fields of one hash, counted,
checked and incremented by one Lua script (COUNT_SCRIPT): one round trip and one atomic
step, so concurrent requests pass exactly the rate. Other caches (the database cache of
the embedded default) have no atomic step that keeps a timeout: there the counts are one
list, read and written in two steps, exact for one process at a time.
"""

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache import cache as default_cache
from rest_framework.throttling import UserRateThrottle

from utilities.redis_cache import RedisCache

# KEYS[1]: the user's hash (slice number -> count). ARGV: the current slice, the first slice
# of the window, the rate, the hash's lifetime (seconds). Drops the slices that left the
# window, sums the others; below the rate, counts the request. Returns {1 or 0 (counted or
# refused), the oldest slice still counted (or -1)}.
COUNT_SCRIPT = """
local current, first, rate = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local counts = redis.call('HGETALL', KEYS[1])
local total, oldest = 0, -1
for i = 1, #counts, 2 do
  local slice = tonumber(counts[i])
  if slice < first then
    redis.call('HDEL', KEYS[1], counts[i])
  else
    total = total + tonumber(counts[i + 1])
    if oldest == -1 or slice < oldest then oldest = slice end
  end
end
if total >= rate then return {0, oldest} end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
if oldest == -1 then oldest = current end
return {1, oldest}
"""


class SlicedUserRateThrottle(UserRateThrottle):
    SLICES = 60
    # Another shape than DRF's list of times, and than this class's earlier list and
    # counters: another key, so that no value of another shape is ever read (on Redis,
    # a hash command on a string fails).
    cache_format = "throttle_%(scope)s_%(ident)s_window"

    @classmethod
    def user_key(cls, user_pk) -> str:
        """The key of a user's counts (DRF's get_cache_key for an authenticated user)."""
        return cls.cache_format % {"scope": cls.scope, "ident": user_pk}

    @classmethod
    def forget(cls, cache, user) -> None:
        """Drop ``user``'s counts (for tests and support)."""
        cache.delete(cls.user_key(user.pk))

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        self.width = self.duration / self.SLICES
        current = int(self.now // self.width)
        backend = self._backend()
        if isinstance(backend, RedisCache):
            return self._counted_atomically(backend, current)
        return self._counted_in_one_list(current)

    def _backend(self):
        """The cache behind ``cache``: DRF's default is django.core.cache.cache, a proxy of
        the default alias, which isinstance sees instead of the RedisCache behind it."""
        return caches[DEFAULT_CACHE_ALIAS] if self.cache is default_cache else self.cache

    def _counted_atomically(self, backend: RedisCache, current: int) -> bool:
        lifetime = int(self.duration + 2 * self.width) + 1  # until the slice has left every window
        counted, oldest = backend.run_script(
            COUNT_SCRIPT, self.key, current, current - self.SLICES, self.num_requests, lifetime
        )
        self.oldest = oldest
        return True if counted else self.throttle_failure()

    def _counted_in_one_list(self, current: int) -> bool:
        # [(slice, count)], oldest first, those still in the window.
        history = [(s, n) for s, n in self.cache.get(self.key, []) if s >= current - self.SLICES]
        self.oldest = history[0][0] if history else current
        if sum(n for _, n in history) >= self.num_requests:
            return self.throttle_failure()
        if history and history[-1][0] == current:
            history[-1] = (current, history[-1][1] + 1)
        else:
            history.append((current, 1))
        self.cache.set(self.key, history, self.duration + self.width)
        return True

    def wait(self):
        """Seconds until the oldest counted slice leaves the window."""
        return max(0.0, (self.oldest + self.SLICES + 1) * self.width - self.now)
