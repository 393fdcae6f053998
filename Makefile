# Pravah — the two set-up commands are `make run` and `make test`; both create .venv on first use.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
export FLASK_APP := wsgi.py
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/pravah_test

.PHONY: run test test-sqlite test-postgres test-e2e bench lint clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements-dev.txt
	touch $(STAMP)

## run: migrate, deploy the models, seed demo data on an empty database, demo signing keys (kept when present), start web + scheduler
run: $(STAMP)
	$(VENV)/bin/flask db upgrade
	$(VENV)/bin/flask deploy
	$(VENV)/bin/flask demo seed --if-empty
	$(VENV)/bin/flask signing init-demo
	$(VENV)/bin/flask demo users
	$(VENV)/bin/flask serve

## test: the whole suite on SQLite, the browser tests, and, where PostgreSQL answers, again on PostgreSQL.
## What runs where (docs/testing.md):
##   SQLite pass     every test but tests/e2e; tests marked postgres_preferred (the schemathesis fuzz)
##                   are left to the PostgreSQL pass when there is one.
##   browser pass    tests/e2e in its own process (Playwright's event loop must not leak into the others).
##   PostgreSQL pass every test that uses the database under test: tests marked no_db (set automatically,
##                   tests/selection.py: no app/bare_app/app_config fixture) gave their answer on SQLite
##                   already; sqlite_only tests are SQLite-specific.
## PRAVAH_REQUIRE_POSTGRES=1 (CI, .ci/run) fails the run when PostgreSQL does not answer.
## The PostgreSQL pass runs beside the other two (each keeps about one core busy; the machine has two):
## its output is kept in $(PG_LOG) and printed when it ends, and either side failing fails the run.
PG_LOG ?= $(VENV)/test-postgres.log
test: $(STAMP)
	@pg=; marks=; pgpid=; status=0; \
	if $(PY) -m tests.pg_available "$(PG_TEST_URL)"; then pg=1; marks="not postgres_preferred"; fi; \
	if [ -n "$$pg" ]; then \
		echo "PostgreSQL pass started beside the others; its output goes to $(PG_LOG)"; \
		$(MAKE) --no-print-directory test-postgres > "$(PG_LOG)" 2>&1 & pgpid=$$!; \
	fi; \
	$(MAKE) --no-print-directory test-sqlite SQLITE_MARKS="$$marks" || status=1; \
	$(MAKE) --no-print-directory test-e2e || status=1; \
	if [ -n "$$pg" ]; then \
		wait $$pgpid || status=1; \
		echo "---- PostgreSQL pass ($(PG_LOG)) ----"; cat "$(PG_LOG)"; \
	else \
		echo "PostgreSQL at $(PG_TEST_URL) does not answer: PostgreSQL run skipped"; \
		[ -z "$$PRAVAH_REQUIRE_POSTGRES" ] || status=1; \
	fi; \
	exit $$status

SQLITE_MARKS ?=
test-sqlite: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider $(if $(SQLITE_MARKS),-m "$(SQLITE_MARKS)") tests --ignore=tests/e2e

# Browser tests in their own process: Playwright's event loop must not leak into the other tests.
test-e2e: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider tests/e2e

# PG_MARKS="not sqlite_only" runs everything on PostgreSQL, the no_db tests too.
PG_MARKS ?= not sqlite_only and not no_db
test-postgres: $(STAMP)
	$(PY) -m tests.pg_available "$(PG_TEST_URL)" --create
	PRAVAH_TEST_DATABASE_URL="$(PG_TEST_URL)" $(PY) -m pytest -q -p no:cacheprovider -m "$(PG_MARKS)" tests --ignore=tests/e2e

bench: $(STAMP)
	$(PY) bench/engine_roundtrip.py

clean:
	rm -rf $(VENV) instance .pytest_cache
