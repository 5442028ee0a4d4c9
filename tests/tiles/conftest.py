# SPDX-License-Identifier: MIT
"""Fixtures of the tile tests: real MapServer and MapProxy over the test database."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from geoserver_app.tiles import environment, service
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
