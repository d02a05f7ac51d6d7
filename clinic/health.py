"""Readiness (/readyz): does PostgreSQL answer, and Redis when it is configured? Each check has
a short timeout of its own, so a hung server makes the check fail, not hang."""

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.utils import load_backend

from .cache import redis_ping

TIMEOUT = 2  # seconds; libpq's connect_timeout counts whole seconds, 2 at least
REDIS_TIMEOUT = 1


def database_ready(timeout=TIMEOUT):
    """SELECT 1 over a connection of its own (not the request's, which may be in use), opened
    with connect_timeout and run under statement_timeout."""
    default = connections[DEFAULT_DB_ALIAS]
    if default.vendor != "postgresql":
        # SQLite, the trying-out default: a local file, nothing to time out.
        try:
            with default.cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        except DatabaseError:
            return False
    params = dict(default.settings_dict)
    params["OPTIONS"] = {**params.get("OPTIONS", {}), "connect_timeout": max(2, int(timeout))}
    params["CONN_HEALTH_CHECKS"] = False
    probe = load_backend(params["ENGINE"]).DatabaseWrapper(params, alias="readiness")
    try:
        probe.ensure_connection()
        raw = probe.connection
        # SET LOCAL: nothing stays on a connection that PgBouncer would hand to someone else.
        with raw.transaction():
            raw.execute(f"SET LOCAL statement_timeout = {int(timeout * 1000)}")
            raw.execute("SELECT 1")
        return True
    except Exception:  # whatever the driver raises (wrapped or not), the answer is "not ready"
        return False
    finally:
        probe.close()


def redis_ready(timeout=REDIS_TIMEOUT):
    """None when the cache is not Redis; else whether Redis answers PING in time."""
    return redis_ping(timeout)


def not_ready():
    """The names of what does not answer, for the load balancer (no hosts, no versions)."""
    down = []
    if not database_ready():
        down.append("database")
    if redis_ready() is False:
        down.append("redis")
    return down
