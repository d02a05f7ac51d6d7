"""Django's PostgreSQL backend, flushing the test database past the audit trail's TRUNCATE
trigger: set aside for the flush by the table's owner (the test role), as only an owner can."""

from django.db.backends.postgresql import base


class DatabaseOperations(base.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        sql = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if sql and "audit_auditevent" in tables:
            table = self.quote_name("audit_auditevent")
            sql = [
                f"ALTER TABLE {table} DISABLE TRIGGER USER",
                *sql,
                f"ALTER TABLE {table} ENABLE TRIGGER USER",
            ]
        return sql


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
