# SPDX-License-Identifier: MIT
"""A per-process psycopg2 connection pool for the OGC API providers (Django's settings)."""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus

import psycopg2
import psycopg2.errors
import psycopg2.extensions
from django.conf import settings
from psycopg2.pool import ThreadedConnectionPool
from pygeoapi.provider.base import ProviderConnectionError

from geoserver_app import errors, routers

# connections kept open per process (gunicorn sync workers use one at a time)
# Planner settings for many small, index-driven API queries: on SSDs a random page costs
# about a sequential one (else a z15 tile of 200k parcels is planned as a parallel seq scan,
# 134 ms instead of ~5 ms), and parallel workers and JIT only add start-up time here.
SESSION_OPTIONS = "-c random_page_cost=1.1 -c max_parallel_workers_per_gather=0 -c jit=off"


class DatabaseUnavailable(ProviderConnectionError):
    """PostgreSQL cannot be reached: 503, the client should retry."""

    ogc_exception_code = "ServiceUnavailable"
    http_status_code = HTTPStatus.SERVICE_UNAVAILABLE
    default_msg = ("Cơ sở dữ liệu tạm thời không truy cập được; vui lòng thử lại sau ít phút. "
                   "(The database is temporarily unavailable; retry in a few minutes.)")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        errors.database_unavailable()


# a write on a connection to a node that a failover turned into a standby (or not yet into
# the primary): the connection is dropped and the client told to retry, like a broken one
STANDBY_ERRORS = (psycopg2.errors.ReadOnlySqlTransaction,)


def connection_params(alias: str = "default") -> dict:
    """psycopg2 keyword arguments from Django's DATABASES entry."""
    db = settings.DATABASES[alias]
    params = {"dbname": db["NAME"], "user": db.get("USER") or None,
              "password": db.get("PASSWORD") or None, "host": db.get("HOST") or None,
              "port": db.get("PORT") or None,
              "connect_timeout": db.get("OPTIONS", {}).get("connect_timeout", 3),
              "application_name": "basemap-ogcapi", "options": SESSION_OPTIONS,
              # ?target_session_attrs=read-write in DATABASE_URL: never a standby for writes
              "target_session_attrs": db.get("OPTIONS", {}).get("target_session_attrs")}
    return {k: v for k, v in params.items() if v is not None}


_POOLS: dict[tuple[str, int], ThreadedConnectionPool] = {}
_LOCK = threading.Lock()


def pool(alias: str = "default") -> ThreadedConnectionPool:
    """The pool of a database alias in this process (a forked worker builds its own).

    minconn = maxconn: psycopg2 closes returned connections beyond ``minconn``.
    """
    key = (alias, os.getpid())
    with _LOCK:
        if key not in _POOLS:
            size = settings.OGCAPI_POOL_SIZE
            _POOLS[key] = ThreadedConnectionPool(size, size, **connection_params(alias))
        return _POOLS[key]


def close_pools() -> None:
    """Close every pooled connection of this process (tests, before dropping a database)."""
    with _LOCK:
        for opened in _POOLS.values():
            opened.closeall()
        _POOLS.clear()


def read_alias(alias: str) -> str:
    """Where a read-only statement goes: the hot standby when ``DATABASE_REPLICA_URL`` is set
    (as the ORM's reads, geoserver_app/routers.py), unless the request writes."""
    if (alias == "default" and routers.REPLICA in settings.DATABASES
            and not routers.PRIMARY_ONLY.get()):
        return routers.REPLICA
    return alias


@contextmanager
def connection(alias: str = "default",
               autocommit: bool = False) -> Iterator[psycopg2.extensions.connection]:
    """A pooled connection in a transaction: committed on success, rolled back on error.

    ``autocommit`` is for a single read-only statement: no BEGIN and COMMIT round trips
    (~0.5 ms of a ~3 ms page under load), on the standby when there is one. A broken connection is discarded; an unreachable
    database raises ``DatabaseUnavailable``.
    """
    if autocommit:
        alias = read_alias(alias)
    try:
        conn = pool(alias).getconn()
    except psycopg2.OperationalError as err:
        raise DatabaseUnavailable(str(err)) from None
    broken = False
    try:
        if autocommit:
            conn.autocommit = True
            yield conn
        else:
            with conn:
                yield conn
    except (psycopg2.OperationalError, psycopg2.InterfaceError, *STANDBY_ERRORS) as err:
        broken = True
        raise DatabaseUnavailable(str(err)) from None
    finally:
        if autocommit and not broken and conn.closed == 0:
            conn.autocommit = False
        pool(alias).putconn(conn, close=broken or conn.closed != 0)


def fetch_one(query: object, params: list | dict, alias: str = "default") -> tuple | None:
    """The first row of one read-only statement (autocommit: no BEGIN/COMMIT round trips)."""
    with connection(alias, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()
