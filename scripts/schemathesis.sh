#!/usr/bin/env bash
# Fuzz the JSON API against its own OpenAPI schema (schemathesis v4, --checks all) on a live
# server, once with Ava's token (a provider) and once with Chloe's (a client).
#
#   make api-fuzz
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/caresessions_fuzz scripts/schemathesis.sh
#
# DATABASE_URL names a fresh database (migrated and seeded here); without it a throwaway SQLite
# file is used. The server (scripts/live_server.sh) is gunicorn with production settings (DEBUG
# off, two-factor authentication required: Ava gets an authenticator), the throttle lifted.
# Configuration: scripts/schemathesis.toml, plus the demo's ids from
# scripts/schemathesis_setup.py. FUZZ_MAX_EXAMPLES (default 25) bounds the examples per
# operation, FUZZ_SEED fixes the draw. Reports and logs go to test-artifacts/schemathesis/.
# Exits non-zero when either run reports a failure or an error.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=${BIN:-.venv/bin}
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-25}
REPORTS=${FUZZ_REPORTS:-test-artifacts/schemathesis}
WORK=$(mktemp -d /tmp/caresessions-fuzz.XXXXXX)
# shellcheck source=scripts/live_server.sh
source scripts/live_server.sh
trap stop_server EXIT

write_config() { # the static configuration, then the demo's ids (schemathesis_setup.py)
    {
        cat scripts/schemathesis.toml
        echo
        FUZZ_PROVIDER_EMAIL=$PROVIDER_EMAIL "$BIN/python" manage.py shell --no-imports -v 0 \
            <scripts/schemathesis_setup.py
    } >"$WORK/schemathesis.toml"
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

seed_demo
PROVIDER_EMAIL=ava@northside.example
PROVIDER_TOKEN=$(token_for "$PROVIDER_EMAIL" schemathesis)
CLIENT_TOKEN=$(token_for chloe@northside.example schemathesis)
write_config
start_server "$PROVIDER_TOKEN"

mkdir -p "$REPORTS"
cp "$WORK/schemathesis.toml" "$REPORTS/"
status=0
# Nesting far deeper than the schema's bodies ever do: 400 on every write, never 500. First,
# while the demo's sessions are as seeded (it changes nothing).
"$BIN/python" scripts/schemathesis_deep_json.py "$BASE" "$PROVIDER_TOKEN" "$CLIENT_TOKEN" \
    >"$REPORTS/deep_json.log" 2>&1 || status=1
# The two runs are independent processes, so they run side by side (schemathesis's own
# --workers threads trip over a CPython 3.11 bug: "SystemError: AST constructor recursion
# depth mismatch").
fuzz provider "$PROVIDER_TOKEN" &
provider_run=$!
fuzz client "$CLIENT_TOKEN" &
client_run=$!
wait "$provider_run" || status=1
wait "$client_run" || status=1
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
