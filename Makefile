# CareSessions: `make run` to try it, `make test` to test it. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The Spanish catalog and its compiled form (build output): see `make messages`.
PO := locale/es/LC_MESSAGES/django.po
MO := $(PO:.po=.mo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint check format e2e clean install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) $(MO)

# Translations (locale/). `make messages` gathers the strings of the Python code, the Jinja2
# templates and Django's templates into the Spanish catalog (clinic's makemessages reads
# Jinja2) and compiles it; the compiled .mo is build output, made before run and test.
# `make i18n-check` (CI) fails when the catalog lacks a string the sources have, or holds
# one untranslated or fuzzy.
GETTEXT_MISSING := make: GNU gettext is missing (msgfmt, xgettext): apt-get install gettext
.PHONY: messages i18n-check

$(MO): $(PO) | $(STAMP)
	@command -v msgfmt >/dev/null || { echo "$(GETTEXT_MISSING)" >&2; exit 1; }
	DEBUG=1 $(BIN)/python manage.py compilemessages -l es -i ".*" -i static -i node_modules

messages: $(STAMP)
	@command -v xgettext >/dev/null || { echo "$(GETTEXT_MISSING)" >&2; exit 1; }
	DEBUG=1 $(BIN)/python manage.py makemessages -l es --no-obsolete
	@$(MAKE) --no-print-directory $(MO)

i18n-check: $(STAMP)
	@command -v xgettext >/dev/null || { echo "$(GETTEXT_MISSING)" >&2; exit 1; }
	DEBUG=1 $(BIN)/python manage.py makemessages -l es --check
	@stats=$$(LC_ALL=C msgfmt --check --statistics -o /dev/null $(PO) 2>&1) || { echo "$$stats" >&2; exit 1; }; \
	echo "$(PO): $$stats"; \
	case "$$stats" in *fuzzy*|*untranslated*) \
		msgattrib --no-obsolete --untranslated $(PO); msgattrib --no-obsolete --only-fuzzy $(PO); \
		echo "make i18n-check: $(PO) has untranslated or fuzzy entries (above)" >&2; exit 1;; esac

# The demo runs with DEBUG on (a development key and plain static files) unless told otherwise,
# and without the two-factor requirement, so that a first visit needs no authenticator app.
run: export DEBUG ?= 1
run: export MFA_REQUIRED ?= 0
run: $(STAMP) $(MO)
	$(BIN)/python manage.py migrate --noinput
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python manage.py seed_demo
	BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) scripts/run.sh

# PostgreSQL when DATABASE_URL is set, the SQLite default otherwise. One worker per core
# (pytest-xdist; each its own test database and Redis database): TEST_WORKERS=0 for one process.
TEST_WORKERS ?= auto
test: $(STAMP) $(MO)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The browser tests (tests/e2e, marked e2e, left out of `make test`): Playwright drives
# Debian's Chromium against a live server, with axe-core on every page and screenshots in
# test-artifacts/e2e/. Playwright cannot download a browser here: Chromium must be installed.
CHROMIUM ?= /usr/bin/chromium
e2e: $(STAMP) $(MO)
	@test -x "$(CHROMIUM)" || { echo "make e2e: no Chromium at $(CHROMIUM). Install Debian's: apt-get install -y chromium (as root)" >&2; exit 1; }
	E2E_CHROMIUM="$(CHROMIUM)" $(BIN)/python -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

# The API fuzzed against its own OpenAPI schema on a live server (schemathesis, every check),
# as a provider and as a client. DATABASE_URL names a fresh database (migrated and seeded
# here); unset, a throwaway SQLite file. A few minutes.
.PHONY: api-fuzz
api-fuzz: $(STAMP) $(MO)
	BIN=$(BIN) scripts/schemathesis.sh

# A client generated from the published schema (docs/openapi.yaml, openapi-python-client; a
# warning fails) runs the care cycle against a live server on a fresh database (DATABASE_URL,
# as api-fuzz). API_CLIENT_RECORD=clients/typescript/check.ts also records the answers the
# TypeScript check types (README, "Generate a client"). Under a minute.
.PHONY: api-client api-types
api-client: $(STAMP) $(MO)
	BIN=$(BIN) scripts/api_client.sh

# The TypeScript types generated from docs/openapi.yaml (openapi-typescript), checked with
# `tsc --strict` against answers recorded from a live server (clients/typescript/check.ts).
# Needs Node.js and npm; the versions are pinned in clients/typescript/package-lock.json.
api-types:
	@command -v npm >/dev/null || { echo "make api-types: npm is missing (apt-get install nodejs npm)" >&2; exit 1; }
	cd clients/typescript && npm ci --no-audit --no-fund --silent && npm run --silent check

# Notifications end to end (issue 16): a real Celery worker (--pool=solo) on Redis database 14
# and a local SMTP sink; a message posted through the API gives the client one email, in
# their language, without the message's text. DATABASE_URL names the database to use.
.PHONY: notifications-e2e
notifications-e2e: $(STAMP) $(MO)
	$(BIN)/python scripts/notifications_e2e.py

# Backups (issue 20, docs/operations.md): the demo database on PostgreSQL backed up with
# pg_dump, restored into a new database, and compared table by table and event by event with
# the audit trail; non-zero on any difference. PGHOST, PGPORT, PGUSER name the server
# (127.0.0.1, 5432, postgres by default). Under a minute.
.PHONY: backup-test
backup-test: $(STAMP)
	BIN=$(BIN) scripts/backup_test.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: export DEBUG ?= 1
check: $(STAMP)
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) $(BENCH_VENV) db.sqlite3 staticfiles .pytest_cache

# The load benchmark (issue 7; README "Benchmark"), not part of CI. `make load-data` fills
# the caresessions_load database (SESSIONS=1000000 by default; BENCH_DATABASE_URL to change
# the database), `make bench` serves it with gunicorn and measures it with wrk.
SESSIONS ?= 1000000
.PHONY: load-data bench
load-data: $(STAMP)
	$(BIN)/python scripts/bench.py load --sessions $(SESSIONS)

# The server runs in its own virtualenv, on the interpreter a production machine would run:
# the system's CPython 3.11 where there is one (Debian's /usr/bin/python3.11, statically
# linked, as its packagers build it), $(PYTHON) otherwise. A pyenv build such as this
# machine's `python3` (libpython shared, configured without --enable-optimizations) served
# 8 to 21 % fewer requests a second, URL by URL. BENCH_PYTHON=python3 to compare.
BENCH_PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) $(PYTHON))
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed-$(notdir $(BENCH_PYTHON))

$(BENCH_STAMP): pyproject.toml
	rm -rf $(BENCH_VENV)
	$(BENCH_PYTHON) -m venv $(BENCH_VENV) || { \
		echo "make bench: no virtualenv from $(BENCH_PYTHON) (Debian's needs python3.11-venv); serving on $(PYTHON)" >&2; \
		rm -rf $(BENCH_VENV) && $(PYTHON) -m venv $(BENCH_VENV); }
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e .
	touch $@

bench: $(STAMP) $(BENCH_STAMP) $(MO)
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	BENCH_VENV=$(BENCH_VENV) $(BIN)/python scripts/bench.py run $(BENCH_ARGS)
