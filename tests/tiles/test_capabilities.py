# SPDX-License-Identifier: MIT
"""Capabilities parse with OWSLib; internal layers exist only in the full service."""
from __future__ import annotations

import pytest
from owslib.tms import TileMapService
from owslib.wms import WebMapService
from owslib.wmts import WebMapTileService

from geoserver_app.security import access
from geoserver_app.tiles import service
from layers import registry
from layers.grants import PUBLIC, Grant, LayerRights
from tests.support.tile_client import WSGIClient

PUBLIC_TILE_LAYERS = {"basemap", *(layer.id for layer in registry.public_layers())}
INTERNAL = {"mineral_sites", "construction_permits"}


def internal_grant() -> Grant:
    """A token-like grant that may read every layer."""
    return Grant(tuple((layer.id, LayerRights()) for layer in registry.LAYERS),
                 name="token:full")


@pytest.fixture
def apps(tile_env, monkeypatch, db):
    """The tile app, with a switch that makes the next requests carry the full grant."""
    grants = {"current": PUBLIC}
    monkeypatch.setattr(access, "grant_for_environ", lambda environ: grants["current"])
    return WSGIClient(service.create_app(listen=False)), grants


def test_public_wmts_capabilities_parse_and_hide_internal_layers(apps):
    client, _grants = apps
    reply = client.get("/wmts/1.0.0/WMTSCapabilities.xml")
    assert reply.status == 200
    wmts = WebMapTileService("http://testserver/tiles/wmts", xml=reply.body)
    assert set(wmts.contents) == PUBLIC_TILE_LAYERS
    assert set(wmts.tilematrixsets) == {"webmercator", "wgs84", "vn2000"}
    assert wmts.tilematrixsets["vn2000"].crs == "urn:ogc:def:crs:EPSG:9214"  # MapProxy's spelling
    assert len(wmts.tilematrixsets["vn2000"].tilematrix) == 16
    assert "GetTile" in [op.name for op in wmts.operations]
    resource = wmts.contents["basemap"].resourceURLs[0]["template"]
    assert resource.startswith("http://testserver/tiles/wmts/basemap/{TileMatrixSet}/")
    assert not INTERNAL & set(reply.body.decode().split('"'))


def test_public_wms_and_tms_capabilities_parse(apps):
    client, _grants = apps
    wms = WebMapService("http://testserver/tiles/service", version="1.1.1",
                        xml=client.get("/service", "SERVICE=WMS&REQUEST=GetCapabilities"
                                       "&VERSION=1.1.1").body)
    assert PUBLIC_TILE_LAYERS <= set(wms.contents)
    assert not INTERNAL & set(wms.contents)
    assert "EPSG:9214" in wms.contents["basemap"].crsOptions
    # overlays answer GetFeatureInfo (geoserver_app.ows); the base map is a picture
    assert {name: wms.contents[name].queryable for name in PUBLIC_TILE_LAYERS} == {
        name: int(name != "basemap") for name in PUBLIC_TILE_LAYERS}
    tms = TileMapService("http://testserver/tiles/tms/1.0.0/",
                         xml=client.get("/tms/1.0.0/").body.decode())
    assert len(tms.contents) == 3 * len(PUBLIC_TILE_LAYERS)  # every layer in three grids
    assert not any(name in url for url in tms.contents for name in INTERNAL)


def test_full_grant_gets_the_full_service(apps):
    client, grants = apps
    grants["current"] = internal_grant()
    reply = client.get("/wmts/1.0.0/WMTSCapabilities.xml")
    wmts = WebMapTileService("http://testserver/tiles/wmts", xml=reply.body)
    assert set(wmts.contents) == PUBLIC_TILE_LAYERS | INTERNAL
    grants["current"] = PUBLIC
    assert client.get("/wmts/mineral_sites/webmercator/14/13025/7200.png").status == 404


def test_only_grants_with_an_internal_layer_need_the_full_app(db):
    assert service.needs_full(PUBLIC) is False
    assert service.needs_full(internal_grant()) is True
    roads_only = Grant((("roads", LayerRights(write=True)),), name="token:roads")
    assert service.needs_full(roads_only) is False
