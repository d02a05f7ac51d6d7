"""Reads whose SQL is written once: the hot pages' and the API's fixed queries.

Building and compiling a query with the ORM costs 0.5 to 2 ms of CPU, more than
PostgreSQL takes to run the small reads of a page; their text never changes, only the ids
they read. ReadByIds compiles each once per database and runs it with the ids as its one
parameter."""

import json

from django.db import NotSupportedError, connections
from django.db.models import BooleanField, F, Func


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
