"""The API's per-user throttle, counted in Redis in one round trip, and its RateLimit headers."""

import math
import secrets

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django_redis.cache import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import throttling

# DRF's sliding window as a sorted set: trim, add unless full; answer whether it was added, the
# count after and the oldest time (for the headers and Retry-After), all in the same call.
_ALLOW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  count = count + 1
  allowed = 1
end
return {allowed, count, redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]}
"""
_script = None
# What says "Redis is not there" (a wrong command still raises).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# Where the throttle leaves (limit, remaining, reset) on the request for rate_limit_headers().
RATE_LIMIT = "rate_limit"


class UserRateThrottle(throttling.UserRateThrottle):
    """DRF's per-user throttle, its log a Redis sorted set instead of a pickled list rewritten
    per request; without Redis, DRF's own. Its own key: views on DRF's class count apart.
    Either way the request learns its quota (IETF draft RateLimit header fields)."""

    cache_format = "throttle_%(scope)s_%(ident)s_sorted"

    def allow_request(self, request, view):
        cache = caches[DEFAULT_CACHE_ALIAS]
        if not isinstance(cache, RedisCache) or self.rate is None or not _redis_up(cache):
            return self._drf_allow(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        global _script
        self.now = self.timer()
        try:
            client = cache.client.get_client(write=True)
            if _script is None:
                _script = client.register_script(_ALLOW)
            # repr() round-trips exactly; the random suffix keeps same-microsecond requests
            # apart.
            allowed, count, oldest = _script(
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
        except UNREACHABLE as exc:
            # Redis away: the cache's breaker learns it, and counts go on in the cache (which
            # keeps them per process meanwhile, clinic/cache.py) as DRF counts them.
            getattr(cache, "redis_failed", lambda exc: None)(exc)
            return self._drf_allow(request, view)
        oldest = float(oldest) if oldest is not None else None
        self._note(request, count, oldest)
        if allowed:
            return True
        # What wait() reads of DRF's log: its length and its oldest time.
        self.history = [oldest] * count
        return self.throttle_failure()

    def _drf_allow(self, request, view):
        allowed = super().allow_request(request, view)
        if self.rate is not None and self.key is not None:
            self._note(request, len(self.history), self.history[-1] if self.history else None)
        return allowed

    def _note(self, request, count, oldest):
        """The quota left; reset: seconds until the oldest request counted leaves the window."""
        reset = self.duration if oldest is None else oldest + self.duration - self.now
        setattr(
            request,
            RATE_LIMIT,
            (self.num_requests, max(self.num_requests - count, 0), max(math.ceil(reset), 0)),
        )


def _redis_up(cache):
    """The cache's breaker (clinic.cache.RedisCache.redis_available): False while Redis is
    taken to be away; django-redis's own backend has none."""
    redis_available = getattr(cache, "redis_available", None)
    return redis_available is None or redis_available()


def rate_limit_headers(request, response):
    """RateLimit-Limit, -Remaining and -Reset on an answer the throttle counted."""
    noted = getattr(request, RATE_LIMIT, None)
    if noted is not None:
        limit, remaining, reset = noted
        response.headers["RateLimit-Limit"] = str(limit)
        response.headers["RateLimit-Remaining"] = str(remaining)
        response.headers["RateLimit-Reset"] = str(reset)
