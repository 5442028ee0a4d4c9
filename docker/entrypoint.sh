#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Container start: migrate, collect static files, optional first superuser, then gunicorn.
set -euo pipefail
if [[ -n ${SECRET_KEY_FILE:-} ]]; then export SECRET_KEY; SECRET_KEY=$(cat "$SECRET_KEY_FILE"); fi
if [[ -n ${DATABASE_URL_FILE:-} ]]; then export DATABASE_URL; DATABASE_URL=$(cat "$DATABASE_URL_FILE"); fi
python manage.py migrate --noinput -v0
python manage.py collectstatic --noinput -v0
if [[ ${LOAD_DEMO:-0} == 1 ]]; then python manage.py load_demo; fi
python manage.py fail_stale_jobs
if [[ -n ${DJANGO_SUPERUSER_USERNAME:-} ]]; then python manage.py ensure_superuser; fi
exec gunicorn geoserver_app.wsgi:application --bind 0.0.0.0:8000 \
    --workers "${WEB_WORKERS:-4}" --timeout 60 --no-control-socket \
    --access-logfile - --error-logfile -
