"""Cross-table invariants a CHECK constraint cannot express, as PostgreSQL and SQLite triggers."""


def _postgres(name, table, condition, message):
    return (
        f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
        BEGIN
            IF {condition} THEN
                RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {name}();
        """,
        f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}();",
    )


def _sqlite(name, table, condition, message):
    statements = [
        f"""
        CREATE TRIGGER {name}_{event.lower()} BEFORE {event} ON {table}
        FOR EACH ROW WHEN {condition}
        BEGIN SELECT RAISE(ABORT, '{message}'); END;
        """
        for event in ("INSERT", "UPDATE")
    ]
    reverse = [f"DROP TRIGGER IF EXISTS {name}_{e};" for e in ("insert", "update")]
    return statements, reverse


class Trigger:
    """`condition`: an SQL expression over NEW, true when the row would break the invariant."""

    def __init__(self, name, table, condition, message):
        self.name, self.table, self.condition, self.message = name, table, condition, message

    def forwards(self, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(_postgres(self.name, self.table, self.condition, self.message)[0])
        elif schema_editor.connection.vendor == "sqlite":
            for statement in _sqlite(self.name, self.table, self.condition, self.message)[0]:
                schema_editor.execute(statement)

    def backwards(self, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(_postgres(self.name, self.table, self.condition, self.message)[1])
        elif schema_editor.connection.vendor == "sqlite":
            for statement in _sqlite(self.name, self.table, self.condition, self.message)[1]:
                schema_editor.execute(statement)


def run_python_operation(triggers):
    from django.db import migrations

    def forwards(apps, schema_editor):
        for trigger in triggers:
            trigger.forwards(schema_editor)

    def backwards(apps, schema_editor):
        for trigger in triggers:
            trigger.backwards(schema_editor)

    return migrations.RunPython(forwards, backwards, elidable=False)


def sqlite_triggers_set_aside():
    """(before, after) operations around a migration that makes SQLite rebuild a table: a
    rebuild renames tables, which fails while a trigger names them; put back as they were."""
    from django.db import migrations

    saved = []

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            saved[:] = cursor.fetchall()
        for name, _ in saved:
            schema_editor.execute(f'DROP TRIGGER "{name}"')

    def restore(apps, schema_editor):
        for _, sql in saved:
            schema_editor.execute(sql)
        saved.clear()

    return (
        migrations.RunPython(drop, restore, elidable=False),
        migrations.RunPython(restore, drop, elidable=False),
    )
