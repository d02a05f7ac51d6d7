-- The application's PostgreSQL role, apart from the role that owns the tables (SECURITY.md,
-- "What you must do when you deploy"). Run by the owning role (the one `manage.py migrate`
-- runs as), after migrating, in the application's database:
--
--   psql "$OWNER_DATABASE_URL" -f docs/database-roles.sql
--
-- The application's role must exist first (CREATE ROLE caresessions_app LOGIN PASSWORD ...).
-- tests/test_security_round2.py runs this file and checks what the role can and cannot do.

GRANT USAGE ON SCHEMA public TO caresessions_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO caresessions_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO caresessions_app;

-- The audit trail: read and append, nothing else. Not being its owner, the role cannot drop
-- or disable its triggers either.
REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON audit_auditevent FROM caresessions_app;

-- Tables and sequences that later migrations make get the same rights.
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO caresessions_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO caresessions_app;
