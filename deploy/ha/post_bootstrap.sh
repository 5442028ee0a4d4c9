#!/bin/sh
# Patroni runs this once, on the first node, after initdb: the app's role and database.
# BASEMAP_DB_PASSWORD comes from the environment of the patroni service.
set -e
psql -X -q -U postgres -d postgres -v ON_ERROR_STOP=1 -v pw="$BASEMAP_DB_PASSWORD" <<'SQL'
CREATE ROLE basemap LOGIN SUPERUSER PASSWORD :'pw';
CREATE DATABASE basemap OWNER basemap;
SQL
psql -X -q -U postgres -d basemap -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION IF NOT EXISTS postgis'
