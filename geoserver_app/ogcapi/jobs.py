# SPDX-License-Identifier: MIT
"""OGC API Processes: the analysis plugins and their PostgreSQL job manager, per grant.

Each grant's API gets the processes with its ``Grant`` in their definitions (results hold
only what that grant may see) and a job table of its own (schema ``jobs_<rights digest>``) and result folder
(``var/jobs/<schema>``), so ``/jobs`` never lists another grant's jobs or results. Both
survive restarts; jobs still running when the server (re)starts are marked
failed by ``fail_stale_jobs`` (``make run`` and the container entry point call it).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from psycopg2 import sql

from analysis.processes import PROCESSORS
from geoserver_app.ogcapi import db
from layers.grants import Grant

JOB_SCHEMA_PREFIX = "jobs_"
STALE = ("accepted", "running")


def resources() -> dict:
    """The process resources of the committed configuration (no grant: public)."""
    return {pid: {"type": "process", "processor": {"name": f"{cls.__module__}.{cls.__name__}"}}
            for pid, cls in PROCESSORS.items()}


def job_schema(grant: Grant) -> str:
    """The schema of a grant's job table (same rights, same table)."""
    digest = hashlib.sha256(repr(grant.rights).encode()).hexdigest()[:12]
    return f"{JOB_SCHEMA_PREFIX}{digest}"


def manager(grant: Grant) -> dict:
    """pygeoapi's PostgreSQL manager definition for ``grant`` (Django's connection)."""
    schema = job_schema(grant)
    with db.connection() as conn, conn.cursor() as cursor:  # committed at once
        # two workers' first requests for a grant race: IF NOT EXISTS is not atomic (a 500,
        # "duplicate key ... pg_namespace"), so they take turns
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [schema])
        cursor.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    database = settings.DATABASES["default"]
    output = Path(settings.VAR_DIR) / "jobs" / schema
    output.mkdir(parents=True, exist_ok=True)
    return {"name": "PostgreSQL", "output_dir": str(output),
            "connection": {"host": database["HOST"] or "127.0.0.1",
                           "port": int(database["PORT"] or 5432), "database": database["NAME"],
                           "user": database["USER"], "password": database["PASSWORD"],
                           "search_path": [schema, "public"]}}


def attach(resources_: dict, grant: Grant) -> None:
    """Give every process resource of a configuration view the grant it runs for."""
    for resource in resources_.values():
        if resource.get("type") == "process":
            resource["processor"]["grant"] = grant


def fail_stale_jobs() -> int:
    """Mark jobs left accepted/running by a stopped server as failed; return how many."""
    failed = 0
    with db.connection() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT table_schema FROM information_schema.tables "
                       "WHERE table_name = 'jobs' AND table_schema LIKE %s",
                       [JOB_SCHEMA_PREFIX + "%"])
        for (schema,) in cursor.fetchall():
            cursor.execute(sql.SQL(
                "UPDATE {}.jobs SET status = 'failed', finished = now(), "
                "message = 'Máy chủ khởi động lại khi tác vụ đang chạy; hãy gửi lại. "
                "(The server restarted while the job ran; submit it again.)' "
                "WHERE status = ANY(%s)").format(sql.Identifier(schema)), [list(STALE)])
            failed += cursor.rowcount
    return failed
