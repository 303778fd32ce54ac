"""The API's per-user rate limit (API_THROTTLE_RATE), counted in slices of the window.

DRF's UserRateThrottle keeps every request's time in the cache and reads and writes the
whole list on each request: at 5,000 an hour that is 5,000 floats unpickled and pickled
again per request, a millisecond of CPU, growing with the rate. Here the window is cut into
SLICES slices with a count each: constant work. A window of SLICES + 1 slices is counted
(one more than the rate's duration), so the limit is never exceeded over any stretch of
the duration; a client may be refused up to one slice early (a minute, for an hourly rate).
"""

from rest_framework.throttling import UserRateThrottle


class SlicedUserRateThrottle(UserRateThrottle):
    SLICES = 60
    # Another shape than DRF's list of times: another key.
    cache_format = "throttle_%(scope)s_%(ident)s_slices"

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        self.width = self.duration / self.SLICES
        current = int(self.now // self.width)
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
