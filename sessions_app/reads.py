"""Reads whose SQL is written once: the hot pages' and the API's fixed queries.

Building and compiling a query with the ORM costs 0.5 to 2 ms of CPU, more than
PostgreSQL takes to run the small reads of a page; their text never changes, only the ids
they read. ReadByIds compiles each once per database and runs it with the ids as its one
parameter."""

from django.db import connections

from clinic.compiled import AnyOf


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
