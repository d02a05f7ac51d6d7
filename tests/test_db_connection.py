"""clinic/db.py: times come back from PostgreSQL as Django's own loader gives them."""

import datetime as dt

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL connection"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-29 01:30:00.123456+01", dt.datetime(2026, 3, 29, 0, 30, 0, 123456, dt.UTC)),
        ("2026-10-25 02:59:59-04:30", dt.datetime(2026, 10, 25, 7, 29, 59, tzinfo=dt.UTC)),
        ("9999-12-31 23:59:59+00", dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)),
    ],
)
def test_times_are_aware_and_in_utc(text, expected):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [text])
        (value,) = cursor.fetchone()
    assert value == expected
    assert value.tzinfo is dt.UTC


def test_the_c_loader_reads_them():
    from psycopg import postgres, pq

    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(
        postgres.types["timestamptz"].oid, pq.Format.TEXT
    )
    assert loader.__name__ == "UTCTimestamptzLoader"
    assert loader.timezone is dt.UTC  # so Django's cursors keep it
