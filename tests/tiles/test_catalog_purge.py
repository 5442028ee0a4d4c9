# SPDX-License-Identifier: MIT
"""A catalog change deletes the cached tiles that drew the layer, and only those."""
from __future__ import annotations

import pytest
from django.core.management import call_command

from geoserver_app.security import access
from geoserver_app.tiles import purge
from layers import registry
from layers.grants import Grant, LayerRights
from tests.support.tile_client import count_colour, xyz

pytestmark = pytest.mark.usefixtures("catalog_restored")

TOWN = (106.20, 21.27)
QL1_RED = (0xE8, 0x46, 0x3A)


def tile(tile_env, layer: str, zoom: int = 14):
    x, y = xyz(*TOWN, zoom)
    return f"/wmts/{layer}/webmercator/{zoom}/{x}/{y}.png", \
        tile_env / layer / "webmercator" / str(zoom) / str(x) / f"{y}.png"


def test_roads_made_internal_purge_their_overlay_and_the_basemap(client, tile_env):
    (roads, roads_file), (base, base_file), (rivers, rivers_file) = (
        tile(tile_env, "roads"), tile(tile_env, "basemap"), tile(tile_env, "rivers"))
    before = client.get(base)
    assert client.get(roads).status == client.get(rivers).status == 200
    assert roads_file.is_file() and base_file.is_file() and rivers_file.is_file()
    call_command("layer", "set", "roads", "--access", "internal")
    assert client.get("/wmts/1.0.0/WMTSCapabilities.xml").status == 200  # switches version
    assert not roads_file.exists() and not base_file.exists()
    assert rivers_file.is_file()  # unchanged layers keep their tiles
    after = client.get(base)
    assert count_colour(before.image(), QL1_RED) > 300
    assert count_colour(after.image(), QL1_RED) == 0  # the public base map drops the roads


def test_the_change_listener_purges_without_a_request(client, tile_env):
    (roads, roads_file), (base, base_file) = tile(tile_env, "roads"), tile(tile_env, "basemap")
    client.get(roads)
    client.get(base)
    watcher = purge.Watcher()
    watcher()  # what the process has seen so far
    call_command("layer", "set", "roads", "--sensitive", "surface")
    watcher()  # the listener thread hears the change notice
    assert not roads_file.exists() and not base_file.exists()
    watcher()  # idempotent: nothing changed since
    assert client.get(roads).status == 200 and roads_file.is_file()


def test_an_internal_layer_is_cached_where_the_proxy_never_serves_from(client, tile_env,
                                                                        monkeypatch):
    roads, public_file = tile(tile_env, "roads")
    internal_file = tile_env.parent / "tiles-internal" / public_file.relative_to(tile_env)
    call_command("layer", "set", "roads", "--access", "internal")
    full = Grant(tuple((layer.id, LayerRights()) for layer in registry.LAYERS), name="token")
    monkeypatch.setattr(access, "grant_for_environ", lambda environ: full)
    assert client.get(roads).status == 200
    assert internal_file.is_file() and not public_file.exists()
    call_command("layer", "set", "roads", "--access", "public")
    assert client.get(roads).status == 200
    assert public_file.is_file() and not internal_file.exists()  # purged on the way back
