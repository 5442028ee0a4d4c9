# SPDX-License-Identifier: MIT
"""The tile service switches catalog versions without making any request wait or fail."""
from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from geoserver_app.tiles import purge, runtime, service
from layers import catalog, registry
from layers.catalog import Catalog

pytestmark = pytest.mark.unit


@pytest.fixture
def versions(monkeypatch) -> dict:
    """Set ``versions["current"]`` to change the catalog; purges and clean-ups recorded."""
    state = {"current": Catalog(1, registry.LAYERS), "purged": []}
    monkeypatch.setattr(catalog, "current", lambda: state["current"])
    monkeypatch.setattr(purge, "catch_up", lambda old, new: state["purged"].append(
        (old and old.version, new.version)))
    monkeypatch.setattr(runtime, "remove_old", lambda version: [])
    return state


def test_one_request_rebuilds_while_the_others_keep_the_previous_apps(versions):
    building, release = threading.Event(), threading.Event()

    def build(version: Catalog):
        if version.version == 2:
            building.set()
            release.wait(5)
        return SimpleNamespace(catalog=version)

    follower = service.Follower(build)
    assert follower.current().catalog.version == 1
    versions["current"] = Catalog(2, registry.LAYERS)
    builder = threading.Thread(target=follower.current)
    builder.start()
    assert building.wait(5)
    assert follower.current().catalog.version == 1  # served at once, by the previous apps
    release.set()
    builder.join(5)
    assert follower.current().catalog.version == 2
    assert versions["purged"] == [(None, 1), (1, 2)]


def test_a_version_that_fails_to_build_keeps_the_previous_one(versions):
    def build(version: Catalog):
        if version.version == 2:
            raise OSError("disk full")
        return SimpleNamespace(catalog=version)

    follower = service.Follower(build)
    follower.current()
    versions["current"] = Catalog(2, registry.LAYERS)
    assert follower.current().catalog.version == 1
    assert versions["purged"] == [(None, 1)]
