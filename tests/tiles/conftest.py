# SPDX-License-Identifier: MIT
"""Fixtures of the tile tests: real MapServer and MapProxy over the test database."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from geoserver_app.tiles import environment, service
from layers import catalog, catalog_edit, registry
from tests.support import sample_town
from tests.support.tile_client import WSGIClient


@pytest.fixture
def tile_env(settings, tmp_path: Path, monkeypatch) -> Path:
    """Tile cache in tmp_path; the tile variables set for this test only."""
    settings.VAR_DIR = tmp_path
    for key, value in environment.tile_environment().items():
        monkeypatch.setenv(key, value)
    return tmp_path / "tiles"


@pytest.fixture
def town(transactional_db) -> None:
    """The sample town, committed so mapserv (its own connection) sees it."""
    sample_town.load_all()


@pytest.fixture
def client(tile_env, town) -> Iterator[WSGIClient]:
    """The /tiles app (listener off) over the sample town."""
    yield WSGIClient(service.create_app(listen=False))


@pytest.fixture
def catalog_restored(town) -> Iterator[None]:
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
