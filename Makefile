# Ronda — `make run` starts it with demo data; `make test` runs the whole suite (`make check COVERAGE=1`: the
# linters, then the suite with branch coverage and its floor).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test check install messages compilemessages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The web server and a background-job worker together (manage.py serve); Ctrl+C stops both.
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py demo
	@echo ""
	@echo "Ronda: http://$(HOST):$(PORT)/   (Ctrl+C para detener)"
	$(BIN)/python manage.py serve $(HOST):$(PORT)

# SQLite by default; set DATABASE_URL=postgres://… to run the same suite on PostgreSQL.
# In parallel, one worker per core (JOBS=1 for a single process); the browser tests share one
# worker (--dist loadgroup). A full run also checks that every route has an access matrix
# (conftest.py). COVERAGE=1 measures branch coverage and fails under the floor in pyproject.toml.
# REUSE_DB=1 keeps the PostgreSQL test database between runs (local use only: a migration edited
# in place is not re-applied; SQLite's test database lives in memory and is always fresh).
JOBS ?= auto
TEST_FLAGS := -n $(JOBS) --dist loadgroup
ifeq ($(JOBS),1)
TEST_FLAGS := -p no:xdist
endif
ifeq ($(COVERAGE),1)
TEST_FLAGS += --cov --cov-report=term
endif
ifeq ($(REUSE_DB),1)
TEST_FLAGS += --reuse-db
endif

test: $(STAMP)
	RONDA_ENV=test $(BIN)/python -m pytest $(TEST_FLAGS) $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy ronda
	$(BIN)/lint-imports --no-cache
	RONDA_ENV=test $(BIN)/python manage.py makemigrations --check --dry-run
	RONDA_ENV=test $(BIN)/python manage.py check
	$(BIN)/python scripts/check_messages.py
ifeq ($(COVERAGE),1)
	$(MAKE) test COVERAGE=1
endif

# Regenerate the catalogues after changing user-facing strings, then translate the new entries.
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l es -l en --no-obsolete --no-location --ignore '.venv/*' --ignore 'bench/*' --ignore 'tests/*'
	$(BIN)/python scripts/fill_english.py
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

compilemessages: $(STAMP)
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

bench:
	bash bench/run.sh

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
