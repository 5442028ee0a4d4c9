# SPDX-License-Identifier: MIT
"""Each catalog version's tile configuration: rendered whole, in its own directory."""
from __future__ import annotations

import dataclasses
import os
import re

import pytest
import yaml

from geoserver_app.tiles import invalidation, mapfile, mapproxy_config, purge, runtime
from layers import registry
from layers.catalog import Catalog
from layers.registry import Access

pytestmark = pytest.mark.unit


def with_roads(**changes) -> Catalog:
    """The registry's catalog with the roads layer changed."""
    layers = tuple(dataclasses.replace(layer, **changes) if layer.id == "roads" else layer
                   for layer in registry.LAYERS)
    return Catalog(7, layers)


def test_a_version_directory_has_both_mapfiles_and_both_configs(tmp_path):
    directory = runtime.ensure(with_roads(access=Access.INTERNAL), tmp_path)
    assert directory == tmp_path / "catalog-7"
    assert sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file()) \
        == ["drawing.json", "mapproxy-full.yaml", "mapproxy.yaml", "mapserver/basemap.map",
            "mapserver/fonts.txt", "mapserver/internal.map"]
    public = yaml.safe_load((directory / mapproxy_config.PUBLIC_CONFIG).read_text())
    full = yaml.safe_load((directory / mapproxy_config.FULL_CONFIG).read_text())
    assert "roads" not in {layer["name"] for layer in public["layers"]}
    assert full["sources"]["roads_source"]["req"]["map"] == mapfile.INTERNAL_MAPFILE
    assert "FROM roads" not in (directory / mapfile.PUBLIC_MAPFILE).read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["catalog-7"]  # no staging left


def test_runtime_mapfiles_match_the_mapserv_pattern(tmp_path):
    directory = runtime.ensure(Catalog(3, registry.LAYERS), tmp_path)
    for name in (mapfile.PUBLIC_MAPFILE, mapfile.INTERNAL_MAPFILE):
        assert re.search(mapfile.MAP_PATTERN, str(directory / name))
    assert not re.search(mapfile.MAP_PATTERN, str(directory / "mapserver/other.map"))
    assert not re.search(mapfile.MAP_PATTERN, "/etc/basemap.map")


def test_an_existing_version_is_not_rewritten(tmp_path):
    first = runtime.ensure(Catalog(3, registry.LAYERS), tmp_path)
    marker = first / "mapproxy.yaml"
    marker.write_text("kept")
    assert runtime.ensure(Catalog(3, registry.LAYERS), tmp_path) == first
    assert marker.read_text() == "kept"


def test_old_versions_go_after_the_grace_period(tmp_path):
    for version in (1, 2, 3, 4):
        runtime.ensure(Catalog(version, registry.LAYERS), tmp_path)
    (tmp_path / ".staging-abandoned").mkdir()
    assert runtime.remove_old(4, tmp_path) == []  # another worker may still use them
    later = os.path.getmtime(tmp_path) + runtime.GRACE_SECONDS + 1
    removed = runtime.remove_old(4, tmp_path, now=later)
    assert sorted(p.name for p in removed) == [".staging-abandoned", "catalog-1", "catalog-2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog-3", "catalog-4"]


def test_a_new_process_purges_what_changed_since_the_newest_older_version(settings, tmp_path,
                                                                          monkeypatch):
    settings.VAR_DIR = tmp_path
    purged = []
    monkeypatch.setattr(invalidation, "purge_caches", lambda layer_id: purged.append(layer_id) or 1)
    runtime.ensure(Catalog(4, registry.LAYERS))
    internal_roads = with_roads(access=Access.INTERNAL)  # changed while no server ran
    runtime.ensure(internal_roads)
    purge.catch_up(None, internal_roads)
    assert purged == ["roads"]
    purge.catch_up(None, internal_roads)  # the next worker to start: already done
    assert purged == ["roads"]


def test_with_no_older_version_the_registry_is_the_baseline(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    purged = []
    monkeypatch.setattr(invalidation, "purge_caches", lambda layer_id: purged.append(layer_id) or 1)
    runtime.ensure(Catalog(9, registry.LAYERS))
    purge.catch_up(None, Catalog(9, registry.LAYERS))
    assert purged == []
