# CareSessions: `make run` to try it, `make test` to test it. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint check format e2e clean install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The demo runs with DEBUG on (a development key and plain static files) unless told otherwise,
# and without the two-factor requirement, so that a first visit needs no authenticator app.
run: export DEBUG ?= 1
run: export MFA_REQUIRED ?= 0
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# PostgreSQL when DATABASE_URL is set, the SQLite default otherwise.
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser tests (tests/e2e, marked e2e, left out of `make test`): Playwright drives
# Debian's Chromium against a live server, with axe-core on every page and screenshots in
# test-artifacts/e2e/. Playwright cannot download a browser here: Chromium must be installed.
CHROMIUM ?= /usr/bin/chromium
e2e: $(STAMP)
	@test -x "$(CHROMIUM)" || { echo "make e2e: no Chromium at $(CHROMIUM). Install Debian's: apt-get install -y chromium (as root)" >&2; exit 1; }
	E2E_CHROMIUM="$(CHROMIUM)" $(BIN)/python -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

# The API fuzzed against its own OpenAPI schema on a live server (schemathesis, every check),
# as a provider and as a client. DATABASE_URL names a fresh database (migrated and seeded
# here); unset, a throwaway SQLite file. A few minutes.
.PHONY: api-fuzz
api-fuzz: $(STAMP)
	BIN=$(BIN) scripts/schemathesis.sh

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

bench: $(STAMP) $(BENCH_STAMP)
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	BENCH_VENV=$(BENCH_VENV) $(BIN)/python scripts/bench.py run $(BENCH_ARGS)
