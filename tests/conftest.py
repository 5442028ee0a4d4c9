# SPDX-License-Identifier: MIT
"""Shared fixtures. The suite runs against the throwaway cluster that ``make test`` starts."""
from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection

from geoserver_app.ops.cluster import Cluster, free_port, throwaway_cluster
from layers import catalog, catalog_edit, registry
from tests.support.servers import start_server

# the demo database and the browser, one of each for the suite (viewer, guides, QGIS)
pytest_plugins = ["tests.support.viewer_fixtures"]

# The tile-invalidation listener thread belongs to servers; tests start one when they need it.
# The environment is for the servers the tests start; pytest-django loaded the settings already.
# The catalog listener too: a test that needs one starts it, or serves with it on.
for variable, setting in (("BASEMAP_TILE_LISTENER", "BASEMAP_TILE_LISTENER"),
                          ("BASEMAP_CATALOG_LISTENER", "CATALOG_LISTENER")):
    os.environ.setdefault(variable, "0")
    setattr(settings, setting, os.environ[variable].strip().lower() not in {
        "0", "false", "no", "off"})

if not os.environ.get("DATABASE_URL"):
    pytest.exit("DATABASE_URL is not set: run the tests with `make test` "
                "(ARGS=... selects tests), which starts a throwaway PostGIS, or the pure "
                "ones with `make test-unit`", returncode=2)


# what a `unit` test may not use: a database, a cluster or a server
NOT_UNIT_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server", "admin_client",
                     "spare_cluster", "serve"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test marked `unit` runs in `make test-unit`, where no database exists."""
    wrong = [item.nodeid for item in items if item.get_closest_marker("unit")
             and (item.get_closest_marker("django_db") or NOT_UNIT_FIXTURES & set(item.fixturenames))]
    if wrong:
        raise pytest.UsageError("marked unit but using a database or a server: " + ", ".join(wrong))


@pytest.fixture(autouse=True)
def fresh_catalog() -> Iterator[None]:
    """Each test reads the catalog of its own database state: a change that a test's
    transaction rolled back must not linger in the process's snapshot."""
    catalog.invalidate()
    yield
    catalog.invalidate()


@pytest.fixture
def spare_cluster() -> Iterator[Cluster]:
    """A second, private PostGIS cluster that a test may stop and start."""
    with throwaway_cluster() as cluster:
        yield cluster


@pytest.fixture
def serve() -> Iterator:
    """Start gunicorn on the project's WSGI app with extra environment; stop it afterwards."""
    started: list[subprocess.Popen] = []

    def start(env: dict[str, str], workers: int = 1, args: tuple[str, ...] = ()) -> str:
        port = free_port()
        started.append(start_server(env, port, workers, args))
        return f"http://127.0.0.1:{port}"

    yield start
    for proc in started:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def catalog_restored(transactional_db) -> Iterator[None]:
    """Put the curated layers' catalog rows back as the registry seeds them after the test
    (``layer_catalog`` is not a Django model, so a transactional test's flush keeps it)."""
    yield
    current = catalog.current()
    for layer in current.retired:
        catalog_edit.restore(connection, layer.id, "tests")
    for layer in registry.LAYERS:
        catalog_edit.update(connection, layer.id, "tests", access=layer.access.value,
                            sensitive=list(layer.sensitive),
                            style=catalog.style_json(layer.style))
