# The two commands of the README: `make demo` and `make test`.
# Everything else here is what those two need on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: demo test setup setup-test system-packages postgres lint test-sqlite test-postgres

demo: setup
	$(BIN)/kurswerk demo

test: setup-test lint test-sqlite test-postgres

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[postgres]'

setup-test: $(BIN)/python system-packages postgres
	$(BIN)/pip install --quiet -e '.[postgres,test]'
	npm ci --silent --no-audit --no-fund

# Debian packages the tests use: Chromium for the browser tests (Playwright drives it by
# executable_path) and clamd for the virus-scan tests (with a local signature file).
SYSTEM_PACKAGES := chromium clamav-daemon
system-packages:
	@missing=""; command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	  [ -x /usr/sbin/clamd ] || missing="$$missing clamav-daemon"; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	    else echo "Missing Debian packages:$$missing (install them, e.g. with sudo apt-get install)" >&2; exit 1; fi; \
	  fi

# PostgreSQL on 127.0.0.1:5432 (trust auth); start the local cluster if it is down.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start; \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }
	@pg_isready -h 127.0.0.1 -p 5432

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test-sqlite:
	KURSWERK_TEST_DATABASE=sqlite $(BIN)/pytest

test-postgres:
	KURSWERK_TEST_DATABASE=$(PG_URL) $(BIN)/pytest
