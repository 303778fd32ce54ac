"""Django's Redis cache, with one client per connection pool instead of one per call.

django.core.cache.backends.redis builds a new ``redis.Redis`` for every operation, and
redis-py's constructor fills a table of some 150 response callbacks each time: about a
millisecond of CPU per cache call here, more than the call itself (a cached API page
makes two: one for the throttle (RedisCache.count_in), one for the page). A client is a thin wrapper of its
pool and safe to share, so it is built once per pool and kept."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClients(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients

    def count_in(self, key: str, others: list[str], timeout: float) -> tuple[int, dict[str, int]]:
        """Add one to the counter ``key`` (made with ``timeout`` if absent) in one atomic step,
        and read the counters ``others``; one round trip. Returns the count after the
        addition and the others' counts (absent ones left out)."""
        names = [self.make_and_validate_key(name) for name in (key, *others)]
        # MULTI/EXEC: the counter cannot expire between its making and its increment.
        pipe = self._cache.get_client(key, write=True).pipeline(transaction=True)
        pipe.set(names[0], 0, ex=self.get_backend_timeout(timeout), nx=True)
        pipe.incr(names[0])
        pipe.mget(names[1:])
        _, count, values = pipe.execute()
        # Django's serializer keeps integers as such (so that incr works on them).
        return count, {name: int(value) for name, value in zip(others, values, strict=True) if value is not None}
