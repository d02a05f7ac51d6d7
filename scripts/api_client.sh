#!/usr/bin/env bash
# A client generated from the committed schema (docs/openapi.yaml, openapi-python-client)
# drives the care cycle against a live server (scripts/api_client/care_cycle.py): what a
# program written against the published description meets.
#
#   make api-client
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/caresessions_client scripts/api_client.sh
#
# DATABASE_URL names a fresh database (migrated and seeded here); without it a throwaway SQLite
# file. The server is scripts/live_server.sh's. API_CLIENT_RECORD=clients/typescript/check.ts
# also writes the answers into the TypeScript check (README, "Generate a client"). Fails when
# the generator warns, or on any status, type or value the cycle does not expect.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=${BIN:-.venv/bin}
WORK=$(mktemp -d /tmp/caresessions-client.XXXXXX)
# shellcheck source=scripts/live_server.sh
source scripts/live_server.sh
trap stop_server EXIT

# The generator's own post-hook (ruff) must be found; any warning fails the run.
PATH="$(cd "$BIN" && pwd):$PATH" "$BIN/openapi-python-client" generate --path docs/openapi.yaml \
    --output-path "$WORK/client" >"$WORK/generate.log" 2>&1 || { cat "$WORK/generate.log"; exit 1; }
if grep -qi "warning" "$WORK/generate.log"; then
    cat "$WORK/generate.log"
    echo "openapi-python-client warned about docs/openapi.yaml"
    exit 1
fi

seed_demo
PROVIDER_EMAIL=ava@northside.example
# Ava gets an authenticator, as every provider needs one (schemathesis_setup.py enrols her).
FUZZ_PROVIDER_EMAIL=$PROVIDER_EMAIL "$BIN/python" manage.py shell --no-imports -v 0 \
    <scripts/schemathesis_setup.py >/dev/null
PROVIDER_TOKEN=$(token_for "$PROVIDER_EMAIL" api-client)
CLIENT_TOKEN=$(token_for chloe@northside.example api-client)
start_server "$PROVIDER_TOKEN"

record=()
if [[ -n ${API_CLIENT_RECORD:-} ]]; then
    record=(--record "$API_CLIENT_RECORD")
fi
PYTHONPATH="$WORK/client" "$BIN/python" scripts/api_client/care_cycle.py \
    "$BASE" "$PROVIDER_TOKEN" "$CLIENT_TOKEN" "${record[@]}" || {
    cat "$WORK/server.log"
    exit 1
}
