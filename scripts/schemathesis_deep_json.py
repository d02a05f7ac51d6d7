"""Run by scripts/schemathesis.sh beside the fuzzer: every JSON write of the schema gets bodies
nested past any sane depth (arrays and objects, 101 to 100,000 levels) and must answer 400,
never 500. Schemathesis draws from the schema, which never nests this deep.

    python scripts/schemathesis_deep_json.py BASE_URL PROVIDER_KEY CLIENT_KEY
"""

import json
import sys
import urllib.error
import urllib.request

DEPTHS = (101, 1_000, 1_025, 100_000)
# Writes a client makes; the provider makes the others (each role is refused the rest first).
CLIENT_WRITES = {"/api/v1/assignments/{id}/submit/"}


def call(base, key, method, path, body=None):
    request = urllib.request.Request(  # noqa: S310 - the local server under test
        base + path,
        data=body,
        method=method,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def main(base, provider_key, client_key):
    status, schema = call(base, provider_key, "GET", "/api/schema/?format=json")
    assert status == 200, status
    paths = json.loads(schema)["paths"]
    # An open session of the client's, with homework: both roles reach it. (The fuzzer's own
    # sessions, scheduled from the schema's examples or drawn, may have none.)
    status, sessions = call(base, client_key, "GET", "/api/v1/sessions/?status=open&page_size=100")
    session = next(s for s in json.loads(sessions)["results"] if s["assignments"])
    ids = {"sessions": session["id"], "assignments": session["assignments"][0]["id"]}
    failures = []
    for path, item in paths.items():
        for method in ("post", "patch", "put"):
            if method not in item:
                continue
            kind = "assignments" if path.startswith("/api/v1/assignments/") else "sessions"
            concrete = path.replace("{id}", ids[kind])
            key = client_key if path in CLIENT_WRITES else provider_key
            for depth in DEPTHS:
                for body in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
                    status, _ = call(base, key, method.upper(), concrete, body.encode())
                    if status != 400:
                        failures.append(f"{method.upper()} {path} depth {depth}: {status}")
    print("\n".join(failures) or f"deep JSON: 400 on every write ({len(DEPTHS) * 2} bodies each)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
