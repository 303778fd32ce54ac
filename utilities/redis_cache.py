"""Django's Redis cache, with one client per connection pool instead of one per call.

django.core.cache.backends.redis builds a new ``redis.Redis`` for every operation, and
redis-py's constructor fills a table of some 150 response callbacks each time: about a
millisecond of CPU per cache call here, more than the call itself (a cached API page
makes two: one for the throttle (RedisCache.run_script), one for the page). A client is a thin wrapper of its
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
        self._scripts = {}

    def run_script(self, script: str, key: str, *args):
        """Run the Lua ``script`` on the cache's key ``key`` (KEYS[1], with the cache's
        prefix and version) with ``args`` (ARGV): one round trip, one atomic step. The
        script is sent once per client, then called by its hash (EVALSHA)."""
        client = self._cache.get_client(key, write=True)
        registered = self._scripts.get((id(client), script))
        if registered is None:
            registered = self._scripts[(id(client), script)] = client.register_script(script)
        return registered(keys=[self.make_and_validate_key(key)], args=list(args))
