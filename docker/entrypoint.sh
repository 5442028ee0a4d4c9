#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Container start: migrate, collect static files, optional first superuser, then gunicorn.
set -euo pipefail
if [[ -n ${SECRET_KEY_FILE:-} ]]; then export SECRET_KEY; SECRET_KEY=$(cat "$SECRET_KEY_FILE"); fi
if [[ -n ${DATABASE_URL_FILE:-} ]]; then export DATABASE_URL; DATABASE_URL=$(cat "$DATABASE_URL_FILE"); fi
# the set-up steps read what they have just written: on the primary only (a standby may not
# have replayed the migrations yet; DATABASE_REPLICA_URL is for the server's reads)
setup_step() { DATABASE_REPLICA_URL="" python manage.py "$@"; }
setup_step migrate --noinput -v0
setup_step collectstatic --noinput -v0
if [[ ${LOAD_DEMO:-0} == 1 ]]; then setup_step load_demo; fi
setup_step fail_stale_jobs
if [[ -n ${DJANGO_SUPERUSER_USERNAME:-} ]]; then setup_step ensure_superuser; fi
exec gunicorn geoserver_app.wsgi:application --bind 0.0.0.0:8000 \
    --workers "${WEB_WORKERS:-4}" --timeout 60 --no-control-socket \
    --access-logfile - --error-logfile -
