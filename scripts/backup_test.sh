#!/usr/bin/env bash
# make backup-test (issue 20; docs/operations.md, "Backups"): the backup a clinic would take,
# proved by restoring it. On PostgreSQL it
#   1. makes a fresh demo database (migrate + seed_demo),
#   2. backs it up with pg_dump in the custom format (what the nightly job runs),
#   3. restores that file into a new, empty database with pg_restore,
#   4. compares the row count of every table of the two, and the audit trail row by row
#      (a digest of every event, in order), and exits non-zero on any difference.
# The audit trail's triggers refuse UPDATE, DELETE and TRUNCATE: pg_restore only inserts
# (COPY) and creates the triggers after the data, so a restore into a new database needs no
# exception to them.
#
#   make backup-test
#   PGHOST=db.internal PGPORT=5433 PGUSER=postgres scripts/backup_test.sh
#
# Both databases are dropped at the end; BACKUP_TEST_KEEP=1 keeps them (and the dump file).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=${BIN:-.venv/bin}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGOPTIONS="-c client_min_messages=warning" # no NOTICE for a database not there to drop
SOURCE=${BACKUP_TEST_DB:-caresessions_backup_test}
RESTORED=${SOURCE}_restored
WORK=$(mktemp -d /tmp/caresessions-backup.XXXXXX)
START=$SECONDS

sql() { # sql DATABASE STATEMENT: one statement, unaligned output, stop on error
    psql -w -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"
}

drop_databases() {
    local db
    for db in "$SOURCE" "$RESTORED"; do
        sql postgres "DROP DATABASE IF EXISTS $db WITH (FORCE)"
    done
}

cleanup() {
    if [[ ${BACKUP_TEST_KEEP:-0} == 1 ]]; then
        echo "kept: databases $SOURCE and $RESTORED, dump $WORK/demo.dump"
        return
    fi
    drop_databases || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# Every table of the public schema with its row count, "table<TAB>count", sorted by name.
COUNTS_SQL="SELECT string_agg(format('SELECT %L AS t, count(*) AS n FROM %I', tablename, tablename), ' UNION ALL ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'"
# The audit trail: how many events, and a digest of all of them (every column, in id order).
AUDIT_SQL="SELECT count(*) || ' events, digest ' || coalesce(md5(string_agg(e::text, E'\n' ORDER BY e.id)), '-') FROM audit_auditevent e"

row_counts() { # row_counts DATABASE
    local query
    query=$(sql "$1" "$COUNTS_SQL")
    sql "$1" "SELECT t || E'\t' || n FROM ($query) AS counts ORDER BY t"
}

echo "=== 1. demo database $SOURCE on $PGHOST:$PGPORT"
drop_databases
sql postgres "CREATE DATABASE $SOURCE"
(
    # The demo's settings, without Redis: nothing here needs a broker or a shared cache.
    unset REDIS_URL CELERY_BROKER_URL
    export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$SOURCE" DEBUG=1 LOG_LEVEL=ERROR
    export EMAIL_URL=dummymail://
    "$BIN/python" manage.py migrate --noinput >"$WORK/migrate.log"
    "$BIN/python" manage.py seed_demo >"$WORK/seed.log"
)

echo "=== 2. pg_dump --format=custom"
pg_dump -w --format=custom --file="$WORK/demo.dump" "$SOURCE"
echo "$(du -h "$WORK/demo.dump" | cut -f1) in $WORK/demo.dump"

echo "=== 3. pg_restore into $RESTORED"
sql postgres "CREATE DATABASE $RESTORED"
pg_restore -w --exit-on-error --dbname="$RESTORED" "$WORK/demo.dump"

echo "=== 4. compare"
row_counts "$SOURCE" >"$WORK/source.counts"
row_counts "$RESTORED" >"$WORK/restored.counts"
sql "$SOURCE" "$AUDIT_SQL" >"$WORK/source.audit"
sql "$RESTORED" "$AUDIT_SQL" >"$WORK/restored.audit"
tables=$(wc -l <"$WORK/source.counts")
rows=$(awk -F'\t' '{ n += $2 } END { print n }' "$WORK/source.counts")
status=0
if ! diff -u "$WORK/source.counts" "$WORK/restored.counts"; then
    echo "row counts differ (above: - backed up, + restored)" >&2
    status=1
fi
if ! diff -u "$WORK/source.audit" "$WORK/restored.audit"; then
    echo "the audit trail differs (above: - backed up, + restored)" >&2
    status=1
fi
if ((tables == 0 || rows == 0)); then
    echo "nothing was compared: $tables tables, $rows rows" >&2
    status=1
fi
if ((status != 0)); then
    echo "make backup-test: FAILED after $((SECONDS - START)) s" >&2
    exit "$status"
fi
echo "audit trail: $(cat "$WORK/restored.audit")"
echo "make backup-test: $tables tables, $rows rows restored identical in $((SECONDS - START)) s"
