#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make run: start the embedded PostGIS (unless DATABASE_URL), migrate, load the demo data on
# first start, and serve everything on 127.0.0.1:${PORT:-8000} in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=geoserver_app.settings
VAR_DIR=${BASEMAP_VAR_DIR:-$PWD/var}
mkdir -p "$VAR_DIR"
PY=.venv/bin/python

if [[ -z ${DATABASE_URL:-} ]]; then
    $PY -m geoserver_app.ops.cluster up --datadir "$VAR_DIR/pgdata" --port "${PGPORT:-5433}"
else
    echo "run: using DATABASE_URL (external PostGIS); no local cluster is started"
fi
# the set-up steps read what they have just written: on the primary only (a standby may not
# have replayed the migrations yet; DATABASE_REPLICA_URL is for the server's reads)
setup_step() { DATABASE_REPLICA_URL="" $PY manage.py "$@"; }
setup_step migrate --noinput -v0
setup_step collectstatic --noinput -v0
setup_step load_demo
setup_step fail_stale_jobs
if [[ -n ${DJANGO_SUPERUSER_USERNAME:-} && -n ${DJANGO_SUPERUSER_PASSWORD:-} ]]; then
    # the first administrator comes from the environment (there is no default password)
    setup_step ensure_superuser
fi
# metrics of all gunicorn workers, aggregated (emptied at each start; one per app node)
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-$VAR_DIR/prometheus}"
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
echo "run: serving http://127.0.0.1:${PORT:-8000}/ (Ctrl-C stops; 'make stop' stops PostGIS)"
exec .venv/bin/gunicorn geoserver_app.wsgi:application \
    --bind "127.0.0.1:${PORT:-8000}" --workers "${WEB_WORKERS:-3}" --timeout 60 \
    --no-control-socket --access-logfile - --error-logfile - --log-level info
