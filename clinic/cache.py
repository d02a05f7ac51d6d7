"""The cache over Redis as an accelerator, not a single point of failure (issue 20).

`RedisCache` is django-redis's backend with three things added for the time Redis is away
(stopped, unreachable or hung):

- a **breaker**: after a failed call Redis is left alone for `RETRY_AFTER` seconds (so a hung
  server costs one request one socket timeout, not every request), then one call tries again;
  the first that succeeds takes Redis back, without a restart;
- **misses** meanwhile: reads find nothing, writes and deletes are skipped, so log-in
  sessions (`cached_db`) come from PostgreSQL. A key whose write or delete was skipped is
  deleted from Redis before Redis is used again, so that a session logged out during the outage
  does not come back from the copy Redis kept (every cached session also lives at most
  `SESSION_SECONDS` in Redis, which bounds what a process that exits with such keys leaves);
- **per-process counters** for the keys that must keep counting (log-in and per-IP rate
  limits, the API throttles, used TOTP codes, feed fetches: `LOCAL_PREFIXES`): a LocMemCache
  serves them while Redis is away, so a limit holds per process instead of failing open. Never
  sessions: a log-out in one process must end the log-in in all.

While Redis is away each process logs one warning a minute (`clinic.cache`), not one a request.
In the healthy case a call costs what django-redis's costs: one attribute test more, no round
trip. `redis_ping()` is the readiness check's.
"""

import logging
import socket
import threading
import time
from urllib.parse import urlsplit

from django.contrib.sessions.backends.cached_db import KEY_PREFIX as SESSION_PREFIX
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("clinic.cache")

# Seconds Redis is left alone after a failure before one call tries it again.
RETRY_AFTER = 2.0
# The timeout (seconds) of the PING that tries Redis again after a failure.
PROBE_TIMEOUT = 0.2
# One warning per Redis server and process at most this often while it is away.
WARN_EVERY = 60.0
# A cached session is kept this long at most (cached_db asks for the session's whole age).
SESSION_SECONDS = 600
# Keys that go on counting per process while Redis is away (allauth's rate limits and their
# locks, DRF's throttles, allauth's used TOTP codes, calendar feed fetches).
LOCAL_PREFIXES = (
    "allauth:rl:",
    "throttle_",
    "allauth.mfa.totp.used",
    "calendar-feed-fetches:",
)
# Keys whose write or delete failed, deleted when Redis answers again; past this many, every
# cached session is deleted instead.
PENDING_MAX = 50_000

# What says "Redis is not there" (django-redis wraps them in ConnectionInterrupted).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, socket.timeout, OSError)


def _address(location):
    parts = urlsplit(location if "://" in location else f"redis://{location}")
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}"


class Outage:
    """One process's view of one Redis use (the cache, the broker): down since when, when to
    try again. Warnings are counted per server address, so two uses of one server warn once."""

    _warned = {}  # address -> monotonic time of the last warning
    _warned_lock = threading.Lock()

    def __init__(self, address, what, meanwhile):
        self.address = address
        self.what = what
        self.meanwhile = meanwhile
        self.retry_at = 0.0  # 0: Redis is used; else not before this monotonic time
        self.since = None
        self._lock = threading.Lock()

    def claim_probe(self):
        """True for the one caller that may try Redis now that the pause is over; the others
        keep going without it until that try ends."""
        now = time.monotonic()
        with self._lock:
            if not self.retry_at or now < self.retry_at:
                return not self.retry_at
            self.retry_at = now + RETRY_AFTER
            return True

    def failed(self, exc):
        now = time.monotonic()
        self.retry_at = now + RETRY_AFTER
        if self.since is None:
            self.since = now
        with Outage._warned_lock:
            last = Outage._warned.get(self.address)
            if last is not None and now - last < WARN_EVERY:
                return
            Outage._warned[self.address] = now
        logger.warning(
            "Redis at %s is unreachable (%s, %s: %s): %s; trying again every %g s, "
            "warning again in %d s if it lasts.",
            self.address,
            self.what,
            type(exc).__name__,
            exc,
            self.meanwhile,
            RETRY_AFTER,
            WARN_EVERY,
        )

    def recovered(self):
        since, self.since = self.since, None
        self.retry_at = 0.0
        if since is not None:
            logger.info(
                "Redis at %s answers again (%s, after %.1f s).",
                self.address,
                self.what,
                time.monotonic() - since,
            )


# One per process and location: Django makes a cache object per thread.
_outages = {}
_pending = {}
_registry_lock = threading.Lock()


def outage_for(location, what, meanwhile):
    """The process's Outage of Redis at `location` used as `what` (its breaker)."""
    with _registry_lock:
        key = (location, what)
        if key not in _outages:
            _outages[key] = Outage(_address(location), what, meanwhile)
        return _outages[key]


class _Pending:
    """Keys (as stored in Redis) whose write or delete was skipped: stale copies to delete."""

    def __init__(self):
        self.keys = set()
        self.overflow = False  # too many to list: every cached session goes instead
        self.cleared = False  # a clear() that did not reach Redis: it is flushed instead
        self.lock = threading.Lock()

    def add(self, keys):
        with self.lock:
            if self.overflow:
                return
            self.keys.update(str(k) for k in keys)
            if len(self.keys) > PENDING_MAX:
                self.keys.clear()
                self.overflow = True

    def clear(self):
        with self.lock:
            self.keys.clear()
            self.cleared = True

    def take(self):
        with self.lock:
            taken = self.keys, self.overflow, self.cleared
            self.keys, self.overflow, self.cleared = set(), False, False
        return taken

    def give_back(self, keys, overflow, cleared):
        with self.lock:
            self.keys |= keys
            self.overflow = self.overflow or overflow
            self.cleared = self.cleared or cleared


class RedisCache(DjangoRedisCache):
    """django-redis's backend that keeps the product going while Redis is away (module doc)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        location = server if isinstance(server, str) else ",".join(server)
        self._location = location
        self._probe = None
        self.outage = outage_for(
            location, "cache", "sessions from the database, rate limits per process"
        )
        with _registry_lock:
            self._pending = _pending.setdefault(location, _Pending())
        self._local_prefixes = tuple(
            params.get("OPTIONS", {}).get("LOCAL_PREFIXES", LOCAL_PREFIXES)
        )
        self._local = LocMemCache(
            f"clinic.cache.local:{location}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 100_000}},
        )
        # The same key function: a key means the same thing in both.
        self._local.key_func = self.key_func
        self._local.key_prefix = self.key_prefix
        self._local.version = self.version

    # -- the hooks for code that talks to Redis itself (the API throttle's script) ----------

    def redis_available(self):
        """False while Redis is taken to be away (then go on without it); True otherwise,
        including for the one call that may try it again."""
        return not self.outage.retry_at or self._try_again()

    def redis_failed(self, exc):
        """Tell the breaker that a direct call failed (`exc`): Redis is left alone a while."""
        self.outage.failed(exc)

    # -- the breaker ------------------------------------------------------------------------

    def _try_again(self):
        if not self.outage.claim_probe():
            return False
        keys, overflow, cleared = self._pending.take()
        try:
            # A PING with a timeout of its own first: a server still hung costs the one
            # request that tries it PROBE_TIMEOUT, not the full read timeout.
            self._probe_client().ping()
            client = self.client.get_client(write=True)
            if cleared:
                client.flushdb()
            elif overflow:
                self.client.delete_pattern(f"*{SESSION_PREFIX}*", client=client)
            batch = list(keys) if not cleared else []
            for start in range(0, len(batch), 1000):
                client.delete(*batch[start : start + 1000])
        except (*UNREACHABLE, ConnectionInterrupted) as exc:
            self._pending.give_back(keys, overflow, cleared)
            self.outage.failed(exc)
            return False
        # Counts kept meanwhile are dropped: Redis's, from before, hold again.
        self._local.clear()
        self.outage.recovered()
        return True

    def _probe_client(self):
        if self._probe is None:
            import redis

            self._probe = redis.Redis.from_url(
                self._location.split(",")[0],
                socket_connect_timeout=PROBE_TIMEOUT,
                socket_timeout=PROBE_TIMEOUT,
                retry=None,
            )
        return self._probe

    def _failed(self, exc):
        cause = exc.__cause__
        if isinstance(cause, ResponseError):
            raise cause  # a wrong command or value, not an outage: as django-redis does
        self.outage.failed(cause or exc)

    def _is_local(self, key):
        return isinstance(key, str) and key.startswith(self._local_prefixes)

    def _skipped(self, keys, version):
        self._pending.add(self.make_key(k, version=version) for k in keys)

    # -- Django's cache API -----------------------------------------------------------------

    def get(self, key, default=None, version=None, client=None):
        if not self.redis_available():
            return self._local.get(key, default, version) if self._is_local(key) else default
        try:
            return self.client.get(key, default=default, version=version, client=client)
        except ConnectionInterrupted as exc:
            self._failed(exc)
            return self._local.get(key, default, version) if self._is_local(key) else default

    def set(
        self, key, value, timeout=DEFAULT_TIMEOUT, version=None, client=None, nx=False, xx=False
    ):
        if key.startswith(SESSION_PREFIX) and (
            timeout is DEFAULT_TIMEOUT or timeout is None or timeout > SESSION_SECONDS
        ):
            timeout = SESSION_SECONDS
        if self.redis_available():
            try:
                return self.client.set(
                    key, value, timeout=timeout, version=version, client=client, nx=nx, xx=xx
                )
            except ConnectionInterrupted as exc:
                self._failed(exc)
        if self._is_local(key):
            if nx:
                return self._local.add(key, value, timeout, version)
            self._local.set(key, value, timeout, version)
            return True
        self._skipped([key], version)
        return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, client=None):
        if self.redis_available():
            try:
                return self.client.add(key, value, timeout=timeout, version=version, client=client)
            except ConnectionInterrupted as exc:
                self._failed(exc)
        if self._is_local(key):
            return self._local.add(key, value, timeout, version)
        self._skipped([key], version)
        return False

    def delete(self, key, version=None, prefix=None, client=None):
        if self.redis_available():
            try:
                return bool(self.client.delete(key, version=version, prefix=prefix, client=client))
            except ConnectionInterrupted as exc:
                self._failed(exc)
        if self._is_local(key):
            return self._local.delete(key, version)
        self._skipped([key], version)
        return False

    def get_many(self, keys, version=None, client=None):
        if self.redis_available():
            try:
                return self.client.get_many(keys, version=version, client=client)
            except ConnectionInterrupted as exc:
                self._failed(exc)
        return self._local.get_many([k for k in keys if self._is_local(k)], version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None, client=None):
        if self.redis_available():
            try:
                return self.client.set_many(data, timeout=timeout, version=version, client=client)
            except ConnectionInterrupted as exc:
                self._failed(exc)
        local = {k: v for k, v in data.items() if self._is_local(k)}
        self._local.set_many(local, timeout, version)
        self._skipped([k for k in data if k not in local], version)
        return [k for k in data if k not in local]

    def delete_many(self, keys, version=None, client=None):
        keys = list(keys)
        if self.redis_available():
            try:
                return self.client.delete_many(keys, version=version, client=client)
            except ConnectionInterrupted as exc:
                self._failed(exc)
        self._local.delete_many([k for k in keys if self._is_local(k)], version)
        self._skipped([k for k in keys if not self._is_local(k)], version)
        return None

    def has_key(self, key, version=None, client=None):
        if self.redis_available():
            try:
                return self.client.has_key(key, version=version, client=client)
            except ConnectionInterrupted as exc:
                self._failed(exc)
        return self._is_local(key) and self._local.has_key(key, version)

    def incr(self, key, delta=1, version=None, client=None, ignore_key_check=False):
        if self.redis_available():
            try:
                return self.client.incr(
                    key,
                    delta=delta,
                    version=version,
                    client=client,
                    ignore_key_check=ignore_key_check,
                )
            except ConnectionInterrupted as exc:
                self._failed(exc)
        if self._is_local(key):
            if ignore_key_check:
                self._local.add(key, 0, None, version)
            return self._local.incr(key, delta, version)
        raise ValueError(f"Key '{key}' not found (Redis is away)")

    def decr(self, key, delta=1, version=None, client=None):
        return self.incr(key, -delta, version=version, client=client)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None, client=None):
        if self.redis_available():
            try:
                return self.client.touch(key, timeout=timeout, version=version, client=client)
            except ConnectionInterrupted as exc:
                self._failed(exc)
        return self._is_local(key) and self._local.touch(key, timeout, version)

    def clear(self):
        self._local.clear()
        if self.redis_available():
            try:
                return self.client.clear()
            except ConnectionInterrupted as exc:
                self._failed(exc)
        self._pending.clear()  # flushed when Redis answers again
        return None


def redis_ping(timeout=0.5, alias=DEFAULT_CACHE_ALIAS):
    """For the readiness check: whether the cache's Redis answers PING within `timeout`
    seconds (its own connection, so a hung server costs at most that); None when the cache is
    not Redis."""
    cache = caches[alias]
    if not isinstance(cache, DjangoRedisCache):
        return None
    import redis

    location = cache._server if isinstance(cache._server, str) else cache._server[0]
    location = location.split(",")[0]
    client = redis.Redis.from_url(
        location, socket_connect_timeout=timeout, socket_timeout=timeout, retry=None
    )
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()
