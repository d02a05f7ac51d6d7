#!/usr/bin/env bash
# Fuzz the JSON API against its own OpenAPI schema (schemathesis v4, --checks all) on a live
# server, once with Ava's token (a provider) and once with Chloe's (a client).
#
#   make api-fuzz
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/caresessions_fuzz scripts/schemathesis.sh
#
# DATABASE_URL names a fresh database (migrated and seeded here); without it a throwaway SQLite
# file is used. The server is gunicorn with production settings (DEBUG off, two-factor
# authentication required: Ava gets an authenticator) on a free port of 127.0.0.1, with the
# throttle lifted. Configuration: scripts/schemathesis.toml, plus the demo's ids from
# scripts/schemathesis_setup.py. FUZZ_MAX_EXAMPLES (default 25) bounds the examples per
# operation, FUZZ_SEED fixes the draw. Reports and logs go to test-artifacts/schemathesis/.
# Exits non-zero when either run reports a failure or an error.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=${BIN:-.venv/bin}
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-25}
REPORTS=${FUZZ_REPORTS:-test-artifacts/schemathesis}
WORK=$(mktemp -d /tmp/caresessions-fuzz.XXXXXX)
SERVER_PID=""

stop_server() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID"
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap stop_server EXIT

export DATABASE_URL=${DATABASE_URL:-sqlite:///$WORK/fuzz.sqlite3}
export DEBUG=0
export SECRET_KEY=${SECRET_KEY:-fuzz-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz}
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false
export STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage
# The fuzzer is one user sending hundreds of requests a minute: lift the throttle for it.
export API_THROTTLE_USER=100000/minute API_THROTTLE_ANON=100000/minute
export LOG_LEVEL=WARNING

free_port() {
    "$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

write_config() { # the static configuration, then the demo's ids (schemathesis_setup.py)
    {
        cat scripts/schemathesis.toml
        echo
        FUZZ_PROVIDER_EMAIL=$PROVIDER_EMAIL "$BIN/python" manage.py shell --no-imports -v 0 \
            <scripts/schemathesis_setup.py
    } >"$WORK/schemathesis.toml"
}

token_for() { # create_api_token prints the key alone on stdout (only its hash is stored)
    "$BIN/python" manage.py create_api_token "$1" --name schemathesis 2>/dev/null
}

wait_until_up() { # up to 30 s; the schema, like the API, needs a log-in
    local _
    for _ in $(seq 60); do
        if curl -fs -o /dev/null -H "Authorization: Token $PROVIDER_TOKEN" "$BASE/api/schema/"; then
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || return 1
        sleep 0.5
    done
    return 1
}

fuzz() { # fuzz <name> <token>: one run, its output in $REPORTS/<name>.log
    local name=$1 token=$2
    "$BIN/schemathesis" --config-file "$WORK/schemathesis.toml" run "$BASE/api/schema/" \
        --checks all \
        --header "Authorization: Bearer $token" \
        --max-examples "$MAX_EXAMPLES" \
        --seed "${FUZZ_SEED:-20261126}" \
        --generation-database none \
        --report junit --report-junit-path "$REPORTS/$name.xml" \
        --no-color >"$REPORTS/$name.log" 2>&1
}

"$BIN/python" manage.py migrate --noinput -v 0
"$BIN/python" manage.py seed_demo
PROVIDER_EMAIL=ava@northside.example
PROVIDER_TOKEN=$(token_for "$PROVIDER_EMAIL")
CLIENT_TOKEN=$(token_for chloe@northside.example)
write_config

PORT=${FUZZ_PORT:-$(free_port)}
BASE=http://127.0.0.1:$PORT
# No request-line limit: a 414 for a long query string would come from gunicorn (in
# production, from the proxy in front), not from the API; runserver has no such limit either.
"$BIN/gunicorn" clinic.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 --threads 4 \
    --limit-request-line 0 --log-level warning >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
if ! wait_until_up; then
    echo "The server did not answer on $BASE:"
    cat "$WORK/server.log"
    exit 1
fi

mkdir -p "$REPORTS"
cp "$WORK/schemathesis.toml" "$REPORTS/"
# The two runs are independent processes, so they run side by side (schemathesis's own
# --workers threads trip over a CPython 3.11 bug: "SystemError: AST constructor recursion
# depth mismatch").
fuzz provider "$PROVIDER_TOKEN" &
provider_run=$!
fuzz client "$CLIENT_TOKEN" &
client_run=$!
status=0
wait "$provider_run" || status=1
wait "$client_run" || status=1
# Nesting far deeper than the schema's bodies ever do: 400 on every write, never 500.
"$BIN/python" scripts/schemathesis_deep_json.py "$BASE" "$PROVIDER_TOKEN" "$CLIENT_TOKEN" \
    >"$REPORTS/deep_json.log" 2>&1 || status=1
for name in provider client deep_json; do
    printf '\n=== schemathesis as %s ===\n' "$name"
    cat "$REPORTS/$name.log"
done
if [[ -s $WORK/server.log ]]; then
    cp "$WORK/server.log" "$REPORTS/server.log"
fi
if ((status != 0)); then
    echo "schemathesis found failures (reports in $REPORTS)"
fi
exit "$status"
