# SPDX-License-Identifier: MIT
# The interface contract (README: Quick start; docs/en/operators.md): make run, test, test-unit, lint, docs, stop, psql.
SHELL := /bin/bash
VAR_DIR := $(or $(BASEMAP_VAR_DIR),$(CURDIR)/var)
PGPORT ?= 5433
PY := .venv/bin/python

.PHONY: setup setup-dev run test test-unit stop psql lint docs backup restore

# what the server needs; setup-dev adds the test and lint tools (requirements-dev.txt)
setup:
	@scripts/setup.sh

setup-dev:
	@scripts/setup.sh --dev

run: setup
	@scripts/run.sh

# ARGS selects tests, e.g. make test ARGS="tests/geoserver_app/test_healthz.py -k down"
test: setup-dev
	@$(PY) -m geoserver_app.ops.cluster with-throwaway -- $(PY) -m pytest $(ARGS)

# the tests marked `unit` (pure: no database, no servers); no cluster is started, and the
# database address points nowhere, so a unit test that reaches for a database fails
test-unit: setup-dev
	@DATABASE_URL=postgis://nobody@127.0.0.1:1/unit-tests-use-no-database $(PY) -m pytest -m unit $(ARGS)

# the guides (docs/vi, docs/en): example blocks rewritten from docs/examples, and the pictures
# of docs/img taken again in a browser on the demo data (tests/docs/test_screenshots.py)
docs: setup-dev
	@$(PY) -m geoserver_app.guides.examples
	@DOCS_IMG_DIR=$(CURDIR)/docs/img $(PY) -m geoserver_app.ops.cluster with-throwaway -- \
		$(PY) -m pytest tests/docs/test_screenshots.py -q

stop:
	@if [ -x $(PY) ]; then $(PY) -m geoserver_app.ops.cluster stop --datadir $(VAR_DIR)/pgdata; fi

psql:
	@PGPASSWORD="$$(cat $(VAR_DIR)/pgdata.password)" psql -h 127.0.0.1 -p $(PGPORT) -U basemap basemap

# Python style and complexity, the import layering (.importlinter), the browser JavaScript
lint: setup-dev
	@.venv/bin/ruff check .
	@if [ -f .importlinter ]; then .venv/bin/lint-imports; fi
	@npx --no-install eslint --max-warnings 0

# backups of the running configuration's database (embedded cluster or DATABASE_URL)
backup: setup
	@$(PY) manage.py backup

restore: setup
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/basemap-....tar" >&2; exit 2; }
	@$(PY) manage.py restore "$(FILE)"
