# SPDX-License-Identifier: MIT
"""libpq environment of Django's default database, for the command-line clients we run
(pg_dump/pg_restore, ogr2ogr, mapserv): the password travels in the environment, never in an
argument list or a connection string."""
from __future__ import annotations

import psycopg2
from django.conf import settings


def environment() -> dict[str, str]:
    """PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (and a connect timeout).

    Not ``target_session_attrs``: the tile service puts these in its own process environment
    for MapServer, where every libpq connection, the standby's too, would inherit it."""
    db = settings.DATABASES["default"]
    values = {"PGHOST": db.get("HOST") or "127.0.0.1", "PGPORT": str(db.get("PORT") or 5432),
              "PGUSER": db.get("USER") or "", "PGPASSWORD": db.get("PASSWORD") or "",
              "PGDATABASE": db.get("NAME") or "", "PGCONNECT_TIMEOUT": "5"}
    return {key: value for key, value in values.items() if value}


def connect(application_name: str):
    """A new psycopg2 connection of its own (a listener's), named in pg_stat_activity."""
    env = environment()
    return psycopg2.connect(host=env.get("PGHOST"), port=env.get("PGPORT"),
                            user=env.get("PGUSER"), password=env.get("PGPASSWORD"),
                            dbname=env.get("PGDATABASE"), connect_timeout=5,
                            target_session_attrs=settings.DATABASES["default"].get(
                                "OPTIONS", {}).get("target_session_attrs", "any"),
                            application_name=application_name)
