"""Querysets whose SQL is written once per process and run with new values.

Building a queryset and compiling it to SQL costs 0.5 to 3 ms of CPU for the queries of
the busiest pages (joins, subqueries, select_related), more than PostgreSQL takes to run
them, and for a fixed query only its values change between requests: whose caseload,
which user, what time it is. CompiledQuery builds the queryset once with stand-in values,
finds where each stand-in went among the SQL's parameters, and from then on runs the same
SQL with the real values, turning the rows into what the queryset would have given
(model instances with their select_related objects and annotations, or values_list
tuples) through the ORM's own iterables."""

import copy
import datetime as dt
import json
import uuid

from django.db import NotSupportedError, connections
from django.db.models import BooleanField, F, Func, Value


class AnyOf(Func):
    """`column IN (values)` with the values as one parameter: `= %s` for one value, else
    PostgreSQL's `= ANY(%s)` with an array or SQLite's json_each of a JSON list.

    The statement's text then depends only on whether there is one value or more, so that
    PostgreSQL's prepared plan serves any number (an `IN` list is a new statement for each
    length), and one value gets the exact-match plan, which PostgreSQL keeps; for a
    one-element array it plans again at every call."""

    output_field = BooleanField()

    def __init__(self, column, values):
        super().__init__(F(column))
        self.values = list(values)

    @staticmethod
    def parameter(connection, values):
        if len(values) == 1:
            return values[0]
        return json.dumps(values) if connection.vendor == "sqlite" else list(values)

    def _compile(self, compiler, connection, template):
        column, params = compiler.compile(self.source_expressions[0])
        if len(self.values) == 1:
            template = "%s = %%s"
        return template % column, (*params, self.parameter(connection, self.values))

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError("AnyOf is written for PostgreSQL and SQLite.")

    def as_postgresql(self, compiler, connection, **extra_context):
        return self._compile(compiler, connection, "%s = ANY(%%s)")

    def as_sqlite(self, compiler, connection, **extra_context):
        return self._compile(compiler, connection, "%s IN (SELECT value FROM json_each(%%s))")


class _Compiled:
    """Stands in for a Query whose compiler is ready: the ORM's iterables ask the query for
    its compiler, and for the fields of a values_list."""

    def __init__(self, query, compiler):
        self._query = query
        self._compiler = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler

    def __getattr__(self, name):
        return getattr(self._query, name)


class Constant(Value):
    """A constant of the code (a status) written into the SQL's text rather than passed as a
    parameter, so that a prepared statement's generic plan knows it.

    PostgreSQL plans a prepared statement once for any values after a few runs. For
    `status = $1` it must guess how many rows match, and the guess (one in two) made the
    caseload's open sessions a filter over all its sessions instead of a range of the
    (client, status, end) index: 0.45 ms instead of 0.1. With `status = 'open'` it uses
    the column's statistics. Only for strings and integers the code itself holds, never
    for input."""

    def as_sql(self, compiler, connection):
        value = self.value
        if isinstance(value, str):
            return "'" + value.replace("'", "''") + "'", []
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value), []
        raise TypeError(f"Constant takes a string or an integer, not {value!r}")


def _adapt(connection, value):
    """A value as the ORM passes it to the database (what a stand-in turns into); a list
    is the values of an AnyOf."""
    if isinstance(value, list):
        return AnyOf.parameter(connection, value)
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, uuid.UUID) and not connection.features.has_native_uuid_field:
        return value.hex
    return value


class CompiledQuery:
    """`build(*values)` returns a queryset; calling the CompiledQuery with values returns
    the list that queryset would, for those values.

    The SQL is the ORM's, compiled once per database from `build(*stand_ins)`: each
    stand-in must reach the SQL's parameters unchanged (ids, datetimes, UUIDs, strings
    compared with `=`, `<`, `>`; a list given to AnyOf), and nothing else in the query may
    depend on the values (the caller keeps one CompiledQuery per shape). A stand-in list
    gives two forms, for one value and for more (AnyOf writes them differently); compiling
    refuses a stand-in it cannot find, or finds twice as another's. Keyword arguments are
    options that shape the query (a LIMIT, which the ORM writes into the SQL's text): they
    are given to `build` and the SQL is compiled once for each set of them."""

    def __init__(self, build, *stand_ins):
        self.build = build
        self.stand_ins = stand_ins
        self.compiled = {}

    @staticmethod
    def _shape(values):
        return tuple(len(value) == 1 for value in values if isinstance(value, list))

    def _compile(self, key):
        alias, shape, options = key
        one = iter(shape)
        stand_ins = [
            (value[:1] if next(one) else value) if isinstance(value, list) else value
            for value in self.stand_ins
        ]
        queryset = self.build(*stand_ins, **dict(options))
        connection = connections[alias]
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = list(params)
        positions = []
        for stand_in in stand_ins:
            adapted = _adapt(connection, stand_in)
            found = [i for i, param in enumerate(params) if param == adapted]
            if not found or any(i in taken for taken in positions for i in found):
                raise ValueError(f"{stand_in!r} is not a parameter of its own in {sql}")
            positions.append(found)
        self.compiled[key] = queryset, compiler, sql, params, positions
        return self.compiled[key]

    def __call__(self, *values, using="default", **options):
        key = using, self._shape(values), tuple(sorted(options.items()))
        queryset, compiler, sql, params, positions = self.compiled.get(key) or self._compile(key)
        connection = connections[using]
        params = params.copy()
        for found, value in zip(positions, values, strict=True):
            adapted = _adapt(connection, value)
            for position in found:
                params[position] = adapted
        # A copy per run: the compiler keeps the connection of the thread it runs in.
        run = copy.copy(compiler)
        run.connection = connection
        run.as_sql = lambda *args, **kwargs: (sql, tuple(params))
        # A shallow copy of the queryset, not copy.copy (which would pickle it, running it):
        # its iterable reads the model, database and known related objects from it.
        ready = object.__new__(type(queryset))
        ready.__dict__.update(queryset.__dict__)
        ready._query = _Compiled(queryset.query, run)
        return list(queryset._iterable_class(ready))


def viewer(user_id, *, provider_id=None, client_id=None, clinic_id=None):
    """A person as `visible_to(user)` and the unread counts read them, made of ids: the
    stand-in (and the real values) a CompiledQuery of a person's records is given."""
    from .models import CareProvider, Client, User

    user = User(pk=user_id)
    for name, model, pk in (
        ("careprovider", CareProvider, provider_id),
        ("client", Client, client_id),
    ):
        profile = None
        if pk is not None:
            profile = model(pk=pk, user_id=user_id, clinic_id=clinic_id)
            profile._state.fields_cache["user"] = user
        user._state.fields_cache[name] = profile
    return user


class ReadByIds:
    """The rows of `queryset` whose `column` is one of a list of ids, as tuples of `fields`.

    The ORM writes the SQL once per database (one form for one id, one for several), and
    each read runs it with the ids as its one parameter: building and compiling these
    queries took more CPU than PostgreSQL takes to run them (up to a millisecond each), and
    their text never changes."""

    def __init__(self, queryset, column, fields):
        self.using = queryset.db
        rows = queryset.values_list(*fields)
        # The values are placeholders: only their number shapes the SQL.
        self.queries = {
            one: rows.filter(AnyOf(column, [0] if one else [0, 0])).query for one in (True, False)
        }
        self.compiled = {}

    def _compile(self, connection, key):
        compiler = self.queries[key[1]].chain().get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        assert len(params) == 1, "the ids must be the only parameter"
        converters = compiler.get_converters([col for col, _, _ in compiler.select])
        self.compiled[key] = sql, compiler, converters
        return sql, compiler, converters

    def __call__(self, ids):
        if not ids:
            return []
        connection = connections[self.using]
        key = connection.alias, len(ids) == 1
        sql, compiler, converters = self.compiled.get(key) or self._compile(connection, key)
        with connection.cursor() as cursor:
            cursor.execute(sql, [AnyOf.parameter(connection, ids)])
            rows = cursor.fetchall()
        return list(compiler.apply_converters(rows, converters)) if converters else rows
