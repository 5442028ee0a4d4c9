# SPDX-License-Identifier: MIT
"""OGC API fixtures: a small committed dataset (the providers read through their own pool)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from layers.grants import PUBLIC, Grant
from tests.support.ogc_data import (
    MINERALS_SQL,
    PARCELS_SQL,
    PERMITS_SQL,
    TABLES,
)


@pytest.fixture(scope="module")
def ogc_data(django_db_setup, django_db_blocker) -> Iterator[dict[str, list[int]]]:
    """Committed parcels, mineral sites and permits (the providers read through their own
    pool, outside the test transaction); removed, with their tombstones, after the module."""
    from geoserver_app.ogcapi import db

    with django_db_blocker.unblock(), db.connection() as conn, conn.cursor() as cursor:
        cursor.execute("SET LOCAL basemap.history = 'off'")
        ids = {}
        for table, statement in zip(TABLES, (PARCELS_SQL, MINERALS_SQL, PERMITS_SQL),
                                    strict=True):
            cursor.execute(statement)
            ids[table] = sorted(row[0] for row in cursor.fetchall())
    yield ids
    with django_db_blocker.unblock(), db.connection() as conn, conn.cursor() as cursor:
        cursor.execute("SET LOCAL basemap.history = 'off'")
        for table in TABLES:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (constant names)
        for capture in ("feature_tombstones", "tile_invalidations"):
            cursor.execute(f"DELETE FROM {capture} WHERE layer = ANY(%s)", [list(TABLES)])


@pytest.fixture(scope="session")
def close_ogcapi_pools(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Close the providers' connections so the test database can be dropped."""
    yield
    from geoserver_app.ogcapi import db

    with django_db_blocker.unblock():
        db.close_pools()


@pytest.fixture(autouse=True)
def pools_closed_at_the_end(request) -> None:
    """Every test but the unit ones (no database) has the pools closed before the test
    database is dropped: set up after the database, so torn down before it."""
    if request.node.get_closest_marker("unit") is None:
        request.getfixturevalue("close_ogcapi_pools")


@pytest.fixture
def as_grant(monkeypatch):
    """Make every request carry ``grant`` (as the guard does for a Bearer token)."""
    from geoserver_app.security import access

    def use(grant: Grant) -> None:
        monkeypatch.setattr(access, "grant_for_request", lambda request: grant)

    use(PUBLIC)
    return use
