# Sourced by scripts/schemathesis.sh and scripts/api_client.sh: a live server of the API on a
# fresh database, seeded with the demo, for programs that drive it over HTTP.
#
# Needs BIN (the virtualenv's bin) and WORK (a temp folder, removed by stop_server). Without
# DATABASE_URL, a throwaway SQLite file in WORK. The server is gunicorn with production
# settings (DEBUG off, two-factor authentication required) on a free port of 127.0.0.1, the
# throttle lifted; LIVE_SERVER_PORT fixes the port.
# shellcheck shell=bash

export DATABASE_URL=${DATABASE_URL:-sqlite:///$WORK/live.sqlite3}
export DEBUG=0
export SECRET_KEY=${SECRET_KEY:-live-server-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz}
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false
export STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage
# One program sending hundreds of requests a minute: lift the throttle for it.
export API_THROTTLE_USER=100000/minute API_THROTTLE_ANON=100000/minute
export LOG_LEVEL=WARNING
SERVER_PID=""

stop_server() { # the trap on EXIT: the server, then WORK
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID"
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}

free_port() {
    "$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

seed_demo() { # migrate, the demo's people and sessions
    "$BIN/python" manage.py migrate --noinput -v 0
    "$BIN/python" manage.py seed_demo >/dev/null
}

token_for() { # create_api_token prints the key alone on stdout (only its hash is stored)
    "$BIN/python" manage.py create_api_token "$1" --name "${2:-live-server}" 2>/dev/null
}

start_server() { # start_server TOKEN: gunicorn in the background, then wait until it answers
    local token=$1 _
    PORT=${LIVE_SERVER_PORT:-$(free_port)}
    BASE=http://127.0.0.1:$PORT
    # No request-line limit: a 414 for a long query string would come from gunicorn (in
    # production, from the proxy in front), not from the API; runserver has no such limit.
    "$BIN/gunicorn" clinic.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 --threads 4 \
        --limit-request-line 0 --log-level warning >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 60); do # up to 30 s; the schema, like the API, needs a log-in
        if curl -fs -o /dev/null -H "Authorization: Bearer $token" "$BASE/api/schema/"; then
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.5
    done
    echo "The server did not answer on $BASE:"
    cat "$WORK/server.log"
    return 1
}
