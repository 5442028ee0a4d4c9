# SPDX-License-Identifier: MIT
"""libpq environment of Django's default database, for the command-line clients we run
(pg_dump/pg_restore, ogr2ogr, mapserv): the password travels in the environment, never in an
argument list or a connection string."""
from __future__ import annotations

from django.conf import settings


def environment() -> dict[str, str]:
    """PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (and a connect timeout)."""
    db = settings.DATABASES["default"]
    values = {"PGHOST": db.get("HOST") or "127.0.0.1", "PGPORT": str(db.get("PORT") or 5432),
              "PGUSER": db.get("USER") or "", "PGPASSWORD": db.get("PASSWORD") or "",
              "PGDATABASE": db.get("NAME") or "", "PGCONNECT_TIMEOUT": "5"}
    return {key: value for key, value in values.items() if value}
