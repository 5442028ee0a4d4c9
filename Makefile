# SPDX-License-Identifier: MIT
# The interface contract (ARCHITECTURE.md section 2): make run, make test, make stop, make psql.
SHELL := /bin/bash
VAR_DIR := $(or $(BASEMAP_VAR_DIR),$(CURDIR)/var)
PGPORT ?= 5433
PY := .venv/bin/python

.PHONY: setup run test stop psql lint backup restore

setup:
	@scripts/setup.sh

run: setup
	@scripts/run.sh

# ARGS selects tests, e.g. make test ARGS="tests/test_healthz.py -k down"
test: setup
	@$(PY) -m geoserver_app.ops.cluster with-throwaway -- $(PY) -m pytest $(ARGS)

stop:
	@if [ -x $(PY) ]; then $(PY) -m geoserver_app.ops.cluster stop --datadir $(VAR_DIR)/pgdata; fi

psql:
	@PGPASSWORD="$$(cat $(VAR_DIR)/pgdata.password)" psql -h 127.0.0.1 -p $(PGPORT) -U basemap basemap

lint: setup
	@.venv/bin/ruff check .

# backups of the running configuration's database (embedded cluster or DATABASE_URL)
backup: setup
	@$(PY) manage.py backup

restore: setup
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/basemap-....tar" >&2; exit 2; }
	@$(PY) manage.py restore "$(FILE)"
