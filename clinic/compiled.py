"""Querysets compiled to SQL once per process and run with new values: the one module on
Django's private ORM API (tests/test_private_orm.py names each piece it relies on)."""

import copy
import datetime as dt
import json
import uuid

from django.db import NotSupportedError, connections
from django.db.models import BooleanField, F, Func, Value
from django.db.models.sql import InsertQuery


class AnyOf(Func):
    """`column IN (values)` as one parameter, so one prepared statement serves any count."""

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
    """A Query with its compiler ready. Private API: iterables call `query.get_compiler()`."""

    def __init__(self, query, compiler):
        self._query = query
        self._compiler = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler

    def __getattr__(self, name):
        return getattr(self._query, name)


class Constant(Value):
    """A code constant (a status) inlined in the SQL so a generic plan uses its statistics.
    Only for strings and integers the code holds, never for input."""

    def as_sql(self, compiler, connection):
        value = self.value
        if isinstance(value, str):
            return "'" + value.replace("'", "''") + "'", []
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value), []
        raise TypeError(f"Constant takes a string or an integer, not {value!r}")


def _adapt(connection, value):
    if isinstance(value, list):
        return AnyOf.parameter(connection, value)
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, uuid.UUID) and not connection.features.has_native_uuid_field:
        return value.hex
    return value


class CompiledQuery:
    """The rows `build(*values)` gives, from SQL compiled once from `build(*stand_ins)`.
    Private API: SQLCompiler.as_sql(), QuerySet._query and QuerySet._iterable_class."""

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
        # Shallow copy by hand: copy.copy would pickle the queryset, which runs it.
        ready = object.__new__(type(queryset))
        ready.__dict__.update(queryset.__dict__)
        ready._query = _Compiled(queryset.query, run)
        return list(queryset._iterable_class(ready))


def viewer(user_id, *, provider_id=None, client_id=None, clinic_id=None):
    """A user made of ids, as `visible_to(user)` reads one: a CompiledQuery's stand-in and value.
    Private API: `Model._state.fields_cache` holds the role profiles."""
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
    """Tuples of `fields` of the rows whose `column` is one of `ids`, from SQL compiled once.
    Private API: Query.chain(), SQLCompiler.select, get_converters() and apply_converters()."""

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


class InsertOnce:
    """`model` rows inserted with the INSERT the ORM writes once per database, not per save().
    Private API: InsertQuery, insert_values, the compiler's as_sql."""

    def __init__(self, model):
        self.model = model
        self.fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        self.statements = {}

    def __call__(self, instance, *, using):
        connection = connections[using]
        sql = self.statements.get(connection.alias)
        if sql is None:
            query = InsertQuery(self.model)
            query.insert_values(self.fields, [instance])
            [(sql, _)] = query.get_compiler(connection=connection).as_sql()
            self.statements[connection.alias] = sql
        values = [
            field.get_db_prep_save(field.pre_save(instance, True), connection)
            for field in self.fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
