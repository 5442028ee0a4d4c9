# SPDX-License-Identifier: MIT
"""The tile services follow the run-time catalog: access changes and retirement, no restart."""
from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from owslib.wms import WebMapService
from owslib.wmts import WebMapTileService

from geoserver_app.security import access
from layers import registry
from layers.grants import PUBLIC, Grant, LayerRights
from tests.support.tile_client import WSGIClient, xyz

pytestmark = pytest.mark.usefixtures("catalog_restored")

PUBLIC_TILES = {"basemap", *(layer.id for layer in registry.public_layers() if layer.tiles)}
INTERNAL = {"mineral_sites", "construction_permits"}
X, Y = xyz(106.20, 21.27, 14)  # the sample town
ROADS_TILE = f"/wmts/roads/webmercator/14/{X}/{Y}.png"


def full_grant() -> Grant:
    """A token-like grant that may read every layer."""
    return Grant(tuple((layer.id, LayerRights()) for layer in registry.LAYERS),
                 name="token:full")


@pytest.fixture
def grants(monkeypatch) -> dict:
    """Set ``grants["current"]`` to choose the grant of the next requests."""
    chosen = {"current": PUBLIC}
    monkeypatch.setattr(access, "grant_for_environ", lambda environ: chosen["current"])
    return chosen


def wmts_layers(client: WSGIClient) -> set[str]:
    reply = client.get("/wmts/1.0.0/WMTSCapabilities.xml")
    assert reply.status == 200
    return set(WebMapTileService("http://testserver/tiles/wmts", xml=reply.body).contents)


def wms_layers(client: WSGIClient) -> set[str]:
    reply = client.get("/service", "SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.1.1")
    assert reply.status == 200
    return set(WebMapService("http://testserver/tiles/service", version="1.1.1",
                             xml=reply.body).contents)


def wms_roads(client: WSGIClient):
    return client.get("/service", "SERVICE=WMS&REQUEST=GetMap&VERSION=1.1.1&LAYERS=roads"
                      "&STYLES=&SRS=EPSG:4326&BBOX=106.18,21.25,106.22,21.29"
                      "&WIDTH=256&HEIGHT=256&FORMAT=image/png")


def test_a_layer_made_internal_leaves_the_public_tiles_and_comes_back(client, grants):
    assert client.get(ROADS_TILE).status == 200
    call_command("layer", "set", "roads", "--access", "internal")
    refused = client.get(ROADS_TILE)
    assert refused.status == 404
    assert json.loads(refused.body)["code"] == "LayerNotFound"
    assert client.get(f"/tms/1.0.0/roads/webmercator/13/{X}/{2 ** 14 - 1 - Y}.png").status == 404
    assert wmts_layers(client) == PUBLIC_TILES - {"roads"}
    assert wms_layers(client) == PUBLIC_TILES - {"roads"}
    assert b"LayerNotDefined" in wms_roads(client).body
    grants["current"] = full_grant()
    tile = client.get(ROADS_TILE)
    assert (tile.status, tile.body[:8]) == (200, b"\x89PNG\r\n\x1a\n")
    assert wmts_layers(client) == PUBLIC_TILES | INTERNAL
    grants["current"] = PUBLIC
    call_command("layer", "set", "roads", "--access", "public")
    assert client.get(ROADS_TILE).status == 200
    assert wmts_layers(client) == PUBLIC_TILES


def test_a_retired_layer_is_gone_from_both_services(client, grants):
    call_command("layer", "retire", "roads")
    assert client.get(ROADS_TILE).status == 404
    assert wmts_layers(client) == PUBLIC_TILES - {"roads"}
    grants["current"] = full_grant()
    assert client.get(ROADS_TILE).status == 404
    assert wmts_layers(client) == (PUBLIC_TILES | INTERNAL) - {"roads"}
    call_command("layer", "restore", "roads")
    assert client.get(ROADS_TILE).status == 200
    assert wmts_layers(client) == PUBLIC_TILES | INTERNAL
