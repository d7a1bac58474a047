# Ronda — `make run` starts it with demo data; `make test` runs the whole suite.
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

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo
	@echo ""
	@echo "Ronda: http://$(HOST):$(PORT)/   (Ctrl+C para detener)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# SQLite by default; set DATABASE_URL=postgres://… to run the same suite on PostgreSQL.
test: $(STAMP)
	RONDA_ENV=test $(BIN)/python -m pytest $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy ronda
	RONDA_ENV=test $(BIN)/python manage.py makemigrations --check --dry-run
	RONDA_ENV=test $(BIN)/python manage.py check
	$(BIN)/python scripts/check_messages.py

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
