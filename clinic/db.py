import datetime as dt

from django.conf import settings
from django.db.backends.signals import connection_created
from django.dispatch import receiver

_loaders = {}


def _utc_loader(fast):
    """psycopg's C loader `fast` wrapped to carry the `timezone` Django's cursors check."""
    from psycopg.adapt import Loader

    if fast not in _loaders:

        class UTCTimestamptzLoader(Loader):
            timezone = dt.UTC
            format = fast.format

            def __init__(self, oid, context=None):
                super().__init__(oid, context)
                self._load = fast(oid, context).load

            def load(self, data):
                return self._load(data)

        _loaders[fast] = UTCTimestamptzLoader
    return _loaders[fast]


@receiver(connection_created)
def fast_timestamps(sender, connection, **kwargs):
    """timestamptz through psycopg's C loader: with USE_TZ and UTC, same as Django's Python one."""
    if connection.vendor != "postgresql" or connection.timezone is not dt.UTC:
        return
    from psycopg import postgres, pq

    raw = connection.connection
    if not settings.USE_TZ or raw.info.parameter_status("TimeZone") != "UTC":
        return
    oid = postgres.types["timestamptz"].oid
    for format_ in (pq.Format.TEXT, pq.Format.BINARY):
        raw.adapters.register_loader(oid, _utc_loader(postgres.adapters.get_loader(oid, format_)))
