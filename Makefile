# The two commands of the README: `make run` and `make test`. Everything they need is set up here.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# `make run` is a local, single-user demo: DEBUG on, the SQLite file unless DATABASE_URL says otherwise.
RUN_ENV := DEBUG=on

.PHONY: run serve setup messages-compiled migrate seed test lint bench messages clean

# scripts/run: runserver on 127.0.0.1:8000 and the background worker (exports), stopped with it.
run: seed
	$(RUN_ENV) scripts/run

# As in production (README, "Production"): DEBUG off, PostgreSQL (DATABASE_URL, else the local
# server's fdi_portal database), gunicorn with gunicorn.conf.py, static files hashed and compressed.
# Installs what production runs (requirements.txt) and the npm packages collectstatic gathers,
# never the test tools: it does not go through `setup`.
serve: $(VENV)/.installed-runtime node_modules/.installed messages-compiled
	scripts/serve

# Development: runtime and dev requirements (tests, lint, browser tools) and the npm packages.
setup: $(VENV)/.installed-dev node_modules/.installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# What production runs.
$(VENV)/.installed-runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# requirements-dev.txt starts with -r requirements.txt; the runtime stamp comes first, so a
# changed requirements.txt reinstalls both and `make serve` after `make setup` installs nothing.
$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed-runtime
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# What only `make bench` needs (django-import-export, to compare the import with); it starts
# with -r requirements.txt: the bench scripts need no test tools.
$(VENV)/.bench-installed: requirements-bench.txt $(VENV)/.installed-runtime
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The compiled catalogues are committed (so `make run` needs no gettext); where msgfmt is
# installed they are rebuilt from the .po files, so an edited translation always shows.
# Needs Django only (the runtime), so `make serve` compiles them without the dev requirements.
messages-compiled: $(VENV)/.installed-runtime
	@if command -v msgfmt >/dev/null 2>&1; then SECRET_KEY=messages-only $(MANAGE) compilemessages --ignore '.venv/*' --ignore 'node_modules/*' -v0; fi

migrate: setup messages-compiled
	$(RUN_ENV) $(MANAGE) migrate --noinput

# Seed plans (only into a database without them: nothing staff changed is overwritten) and
# demo data (demo rows only are replaced); `make run` twice is harmless.
seed: migrate
	$(RUN_ENV) $(MANAGE) load_seed
	$(RUN_ENV) $(MANAGE) load_demo

test: setup messages-compiled
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Timings and query counts of the main pages and of a 100 000-row import (tests/bench/).
# Pages: every main page for every demo role on generated data, SQLite at small scale and, when
# PostgreSQL answers on 127.0.0.1:5432, its own databases at city and province scale; the table
# is printed and written to var/bench/pages.md. BENCH_ARGS=--help lists the options.
# Load: gunicorn as in production and wrk (scripts/install-system-packages), 50 connections for
# 30 s on the home, the figures grid and the project list at province scale in PostgreSQL;
# written to var/bench/load.md. LOAD_ARGS=--help lists the options (LOAD_ARGS=--duration=5).
bench: $(VENV)/.bench-installed node_modules/.installed messages-compiled
	$(BIN)/python tests/bench/bench_pages.py $(BENCH_ARGS)
	$(BIN)/python tests/bench/bench_import.py
	$(BIN)/python tests/bench/bench_load.py $(LOAD_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SECRET_KEY=lint-only $(MANAGE) check
	SECRET_KEY=lint-only $(MANAGE) makemigrations --check --dry-run

# Regenerate the translation catalogues after changing user-facing text (needs GNU gettext).
messages: setup
	SECRET_KEY=messages-only $(MANAGE) makemessages --locale zh_Hans --locale en --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'staticfiles/*'
	SECRET_KEY=messages-only $(MANAGE) compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
