"""clinic/compiled.py is the one module that uses Django's private ORM API. These tests name
each piece it relies on, so that a Django upgrade that moves one fails here, loudly, rather
than as wrong rows on a page."""

import inspect

import django
import pytest
from django.db import connection
from django.db.models.query import QuerySet
from django.db.models.sql.compiler import SQLCompiler

from clinic import compiled
from sessions_app.models import Session

pytestmark = pytest.mark.django_db


def test_the_django_series_compiled_was_written_for():
    # Re-read clinic/compiled.py against the new ORM before changing this line.
    assert django.VERSION[:2] == (5, 2), "clinic/compiled.py relies on Django 5.2's ORM internals"


def test_the_queryset_internals_compiled_reads_are_there():
    queryset = Session.objects.values_list("pk")
    assert isinstance(queryset.__dict__.get("_query"), type(queryset.query))
    assert callable(queryset._iterable_class)
    assert isinstance(QuerySet.__dict__["query"], property)
    compiler = queryset.query.get_compiler(using="default")
    assert isinstance(compiler, SQLCompiler)
    sql, params = compiler.as_sql()
    assert "SELECT" in sql and isinstance(params, tuple)
    # ReadByIds turns rows into values with the compiler's converters.
    assert isinstance(compiler.select, list)
    converters = compiler.get_converters([col for col, _, _ in compiler.select])
    assert isinstance(converters, dict)
    assert list(compiler.apply_converters([(1,)], converters)) == [[1]]
    # The ORM's iterables ask the query for its compiler with these keywords.
    parameters = inspect.signature(type(queryset.query).get_compiler).parameters
    assert {"using", "connection", "elide_empty"} <= set(parameters)


def test_a_read_by_ids_gives_the_orm_s_rows(provider, client_profile):
    from .sessions_helpers import schedule

    sessions = schedule(by=provider, client=client_profile, provider=provider, repeat=3)
    read = compiled.ReadByIds(Session.objects.order_by("pk"), "pk", ("pk", "starts_at"))
    ids = [s.pk for s in sessions]
    expected = list(
        Session.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "starts_at")
    )
    assert sorted(map(tuple, read(ids))) == expected
    assert list(map(tuple, read(ids[:1]))) == expected[:1]
    assert connection.vendor in ("sqlite", "postgresql")


def test_the_insert_internals_compiled_writes_with_are_there():
    from django.db.models.sql import InsertQuery

    from audit.models import AuditEvent

    query = InsertQuery(AuditEvent)
    fields = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]
    query.insert_values(fields, [AuditEvent(action="probe")])
    [(sql, params)] = query.get_compiler(connection=connection).as_sql()
    assert sql.startswith("INSERT INTO") and len(params) == len(fields)
