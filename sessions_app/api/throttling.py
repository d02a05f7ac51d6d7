"""The API's per-user throttle, counted in Redis in one round trip."""

import secrets

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django_redis.cache import RedisCache
from rest_framework import throttling

# DRF's sliding window as a sorted set: trim, refuse with (count, oldest) when full, else add.
_ALLOW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local count = redis.call('ZCARD', KEYS[1])
if count >= tonumber(ARGV[3]) then
  return {count, redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]}
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return {-1, ''}
"""
_script = None


class UserRateThrottle(throttling.UserRateThrottle):
    """DRF's per-user throttle, its log a Redis sorted set instead of a pickled list rewritten
    per request; without Redis, DRF's own. Its own key: views on DRF's class count apart."""

    cache_format = "throttle_%(scope)s_%(ident)s_sorted"

    def allow_request(self, request, view):
        cache = caches[DEFAULT_CACHE_ALIAS]
        if not isinstance(cache, RedisCache) or self.rate is None:
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        global _script
        client = cache.client.get_client(write=True)
        if _script is None:
            _script = client.register_script(_ALLOW)
        self.now = self.timer()
        # repr() round-trips exactly; the random suffix keeps same-microsecond requests apart.
        count, oldest = _script(
            keys=[cache.make_key(self.key)],
            args=[
                repr(self.now),
                repr(self.now - self.duration),
                self.num_requests,
                f"{self.now!r}:{secrets.token_hex(4)}",
                self.duration,
            ],
            client=client,
        )
        if count < 0:
            return True
        # What wait() reads of DRF's log: its length and its oldest time.
        self.history = [float(oldest)] * count
        return self.throttle_failure()
